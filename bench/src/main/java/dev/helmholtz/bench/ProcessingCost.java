package dev.helmholtz.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import javax.annotation.processing.Completion;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * What the Helmholtz annotation processor adds to a build: in-process {@code javac} (javax.tools)
 * compiles {@code n} distinct model classes (VAEs of different widths, each in its own file) in
 * one compilation, once with the processor and once with {@code -proc:none} (the plain classes
 * only, the baseline), in alternating order after warm-up compilations; the median of each.
 *
 * <p>The processor's cost is the difference: reading and checking the models, writing the
 * generated classes, and javac compiling those. Divided by {@code n}, the cost per model. The
 * processor's own share (the time inside its {@code process} calls, generated-code compilation
 * excluded) is timed by a wrapper around it.
 *
 * <p>Compilations share one file manager, as a build daemon's would, and write to a temporary
 * folder that is deleted afterwards. The class path is this JVM's: the models compile against the
 * annotations, runtime and TensorFlow jars the benchmarks run with (javac follows the jar manifest's
 * {@code Class-Path}, so {@code java -jar helmholtz-bench.jar} works).
 */
public final class ProcessingCost {
  private static final String PROCESSOR = "dev.helmholtz.processor.HelmholtzProcessor";

  /**
   * Medians over the timed rounds.
   *
   * @param models model classes per compilation
   * @param baselineMs compiling them with {@code -proc:none}
   * @param processedMs compiling them with the processor, generated classes included
   * @param insideProcessorMs time inside the processor's {@code process} calls
   */
  public record Result(int models, int rounds, double baselineMs, double processedMs, double insideProcessorMs) {
    /** The processor's cost to the build: processed minus baseline. */
    public double addedMs() {
      return processedMs - baselineMs;
    }

    public double addedMsPerModel() {
      return addedMs() / models;
    }

    public double insideProcessorMsPerModel() {
      return insideProcessorMs / models;
    }
  }

  private final JavaCompiler javac;
  private final StandardJavaFileManager files;
  private final String classPath;
  private final Path scratch;

  private ProcessingCost() throws IOException {
    javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("no system Java compiler: run the benchmark on a JDK, not a JRE");
    }
    files = javac.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
    classPath = System.getProperty("java.class.path");
    scratch = Files.createTempDirectory("helmholtz-processing-cost");
  }

  /**
   * Measures compilations of 1 and of {@code many} models. Each of {@code warmup} untimed rounds
   * and {@code rounds} timed ones compiles every configuration once, the order alternating.
   */
  public static List<Result> measure(int many, int warmup, int rounds) throws IOException {
    if (many < 1 || warmup < 0 || rounds < 1) {
      throw new IllegalArgumentException("models and rounds must be >= 1 and warm-up >= 0, were "
          + many + ", " + rounds + ", " + warmup);
    }
    ProcessingCost cost = new ProcessingCost();
    try {
      List<List<JavaFileObject>> configurations = List.of(sources(1), sources(many));
      int[] sizes = {1, many};
      double[][] baseline = new double[2][rounds];
      double[][] processed = new double[2][rounds];
      double[][] inside = new double[2][rounds];
      for (int round = -warmup; round < rounds; round++) {
        for (int c = 0; c < 2; c++) {
          boolean processorFirst = Math.floorMod(round + c, 2) == 0;
          for (int which = 0; which < 2; which++) {
            boolean withProcessor = (which == 0) == processorFirst;
            TimedProcessor processor = withProcessor ? new TimedProcessor(newProcessor()) : null;
            double ms = cost.compile(configurations.get(c), processor);
            if (round >= 0) {
              if (withProcessor) {
                processed[c][round] = ms;
                inside[c][round] = processor.nanos / 1e6;
              } else {
                baseline[c][round] = ms;
              }
            }
          }
        }
      }
      List<Result> results = new ArrayList<>();
      for (int c = 0; c < 2; c++) {
        results.add(new Result(sizes[c], rounds, median(baseline[c]), median(processed[c]), median(inside[c])));
      }
      return results;
    } finally {
      cost.close();
    }
  }

  /** One compilation; its wall time in ms. */
  private double compile(List<JavaFileObject> sources, Processor processor) throws IOException {
    Path out = Files.createTempDirectory(scratch, "run");
    Path classes = Files.createDirectories(out.resolve("classes"));
    Path generated = Files.createDirectories(out.resolve("generated"));
    List<String> options = new ArrayList<>(List.of("-classpath", classPath, "-d", classes.toString(),
        "-s", generated.toString(), "-encoding", "UTF-8", "-implicit:none"));
    if (processor == null) {
      options.add("-proc:none");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    long start = System.nanoTime();
    JavaCompiler.CompilationTask task = javac.getTask(null, files, diagnostics, options, null, sources);
    if (processor != null) {
      task.setProcessors(List.of(processor));
    }
    boolean ok = task.call();
    double ms = (System.nanoTime() - start) / 1e6;
    long generatedSources;
    try (Stream<Path> walk = Files.walk(generated)) {
      generatedSources = walk.filter(p -> p.toString().endsWith(".java")).count();
    }
    deleteTree(out);
    if (!ok) {
      throw new IllegalStateException("the benchmark's models did not compile"
          + (processor == null ? " without the processor" : " with the processor") + ": "
          + diagnostics.getDiagnostics().stream().limit(5).map(d -> d.getMessage(Locale.ROOT)).toList());
    }
    long expected = processor == null ? 0 : sources.size();
    if (generatedSources != expected) {
      throw new IllegalStateException("expected " + expected + " generated model classes, found "
          + generatedSources);
    }
    return ms;
  }

  private void close() throws IOException {
    files.close();
    deleteTree(scratch);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** A fresh Helmholtz processor, found as javac would find it: through the service loader. */
  static Processor newProcessor() {
    for (Processor p : ServiceLoader.load(Processor.class, ProcessingCost.class.getClassLoader())) {
      if (p.getClass().getName().equals(PROCESSOR)) {
        return p;
      }
    }
    throw new IllegalStateException(PROCESSOR + " is not on the class path (it comes with the benchmarks"
        + " as a runtime dependency: run from bench/target/helmholtz-bench.jar)");
  }

  /**
   * {@code n} distinct VAE model classes, {@code bench.processing.Vae0...}: each its own widths
   * (hidden 100 + i, latent 10 + i % 40), so no two are the same class text.
   */
  static List<JavaFileObject> sources(int n) {
    List<JavaFileObject> sources = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int hidden = 100 + i;
      int latent = 10 + i % 40;
      String name = "Vae" + i;
      String text = String.join("\n",
          "package bench.processing;",
          "",
          "import static dev.helmholtz.nn.Activation.TANH;",
          "",
          "import dev.helmholtz.annotations.*;",
          "import dev.helmholtz.dist.Bernoulli;",
          "import dev.helmholtz.dist.Normal;",
          "import dev.helmholtz.nn.Nn;",
          "import org.tensorflow.Operand;",
          "import org.tensorflow.types.TFloat32;",
          "",
          "@Model(objective = @Objective(kind = ObjectiveKind.ELBO))",
          "public class " + name + " {",
          "  @Latent(shape = " + latent + ") Normal z;",
          "  @Observed(shape = 784) Bernoulli x;",
          "",
          "  @Encoder(\"z\")",
          "  Normal encode(Nn nn, Operand<TFloat32> x) {",
          "    Operand<TFloat32> h = nn.dense(nn.dense(x, " + hidden + ", TANH), " + hidden + ", TANH);",
          "    return Normal.meanLogStd(nn.dense(h, " + latent + "), nn.dense(h, " + latent + "));",
          "  }",
          "",
          "  @Generator(\"x\")",
          "  Bernoulli decode(Nn nn, Operand<TFloat32> z) {",
          "    Operand<TFloat32> h = nn.dense(nn.dense(z, " + hidden + ", TANH), " + hidden + ", TANH);",
          "    return Bernoulli.logits(nn.dense(h, 784));",
          "  }",
          "}",
          "");
      sources.add(new Source("bench/processing/" + name + ".java", text));
    }
    return sources;
  }

  private static final class Source extends SimpleJavaFileObject {
    private final String text;

    Source(String path, String text) {
      super(URI.create("string:///" + path), Kind.SOURCE);
      this.text = text;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }
  }

  /** Delegates to the processor and sums the time spent in its {@code init} and {@code process}. */
  private static final class TimedProcessor implements Processor {
    private final Processor delegate;
    long nanos;

    TimedProcessor(Processor delegate) {
      this.delegate = delegate;
    }

    @Override
    public Set<String> getSupportedOptions() {
      return delegate.getSupportedOptions();
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return delegate.getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return delegate.getSupportedSourceVersion();
    }

    @Override
    public void init(ProcessingEnvironment environment) {
      long start = System.nanoTime();
      delegate.init(environment);
      nanos += System.nanoTime() - start;
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      long start = System.nanoTime();
      try {
        return delegate.process(annotations, round);
      } finally {
        nanos += System.nanoTime() - start;
      }
    }

    @Override
    public Iterable<? extends Completion> getCompletions(Element element, AnnotationMirror annotation,
        ExecutableElement member, String userText) {
      return delegate.getCompletions(element, annotation, member, userText);
    }
  }

  static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /** The results as the benchmark prints them. */
  public static String table(List<Result> results) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-6s  %8s  %12s  %8s  %14s  %21s%n",
        "models", "plain ms", "processed ms", "added ms", "added ms/model", "in processor ms/model"));
    for (Result r : results) {
      b.append(String.format(Locale.ROOT, "%-6d  %8.1f  %12.1f  %8.1f  %14.2f  %21.2f%n", r.models(),
          r.baselineMs(), r.processedMs(), r.addedMs(), r.addedMsPerModel(), r.insideProcessorMsPerModel()));
    }
    return b.toString();
  }
}
