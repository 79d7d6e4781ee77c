package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.helmholtz.processor.FuzzModels.Case;
import dev.helmholtz.processor.FuzzModels.Expect;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The processor never crashes, whatever it is given: seeded random model classes (see
 * {@link FuzzModels}), well-formed, malformed and wild, each compiled with the processor. For
 * every case:
 *
 * <ul>
 *   <li>no exception escapes the compiler and no {@code [HelmholtzInternalError]} is reported;
 *   <li>the compilation either succeeds, which means the generated source compiled too (it is
 *       compiled in the same compilation), or fails with at least one error in the model's own
 *       source: a failure only in generated code is a model the processor accepted but
 *       generated broken code for;
 *   <li>a well-formed model (only neutral changes) compiles and has its generated class, and a
 *       model with an invalid change does not compile.
 * </ul>
 *
 * <p>Several cases share a compilation (each is in its own package); a case whose verdict a
 * shared compilation cannot settle, because another case's error stopped javac early, is
 * compiled again on its own.
 *
 * <p>The unit run takes {@value #DEFAULT_CASES} cases. A longer run:
 * {@code mvn -pl processor test -Dtest=ProcessorFuzzTest -Dhelmholtz.fuzz.cases=5000 -Dhelmholtz.fuzz.seed=42}
 * (or the environment variables {@code HELMHOLTZ_FUZZ_CASES} and {@code HELMHOLTZ_FUZZ_SEED}).
 * A failure names each failing case's index and seed, and
 * {@code -Dhelmholtz.fuzz.only=<index>} reruns just that case.
 */
class ProcessorFuzzTest {
  static final int DEFAULT_CASES = 300;
  static final long DEFAULT_SEED = 20_250_601L;
  private static final int BATCH = 8;
  private static final Pattern TAG = Pattern.compile("\\[(Helmholtz[A-Za-z]+)\\]");

  @Test
  void processorNeverCrashes() throws Exception {
    int cases = (int) setting("helmholtz.fuzz.cases", "HELMHOLTZ_FUZZ_CASES", DEFAULT_CASES);
    long seed = setting("helmholtz.fuzz.seed", "HELMHOLTZ_FUZZ_SEED", DEFAULT_SEED);
    long only = setting("helmholtz.fuzz.only", "HELMHOLTZ_FUZZ_ONLY", -1);
    int threads = (int) setting("helmholtz.fuzz.threads", "HELMHOLTZ_FUZZ_THREADS",
        Math.min(2, Runtime.getRuntime().availableProcessors()));
    long start = System.nanoTime();

    List<Case> all = new ArrayList<>();
    for (int i = 0; i < cases; i++) {
      if (only < 0 || only == i) {
        all.add(FuzzModels.generate(i, caseSeed(seed, i)));
      }
    }
    Stats stats = new Stats();
    List<List<Case>> batches = batches(all);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<Verdict>>> futures = new ArrayList<>();
      for (List<Case> batch : batches) {
        futures.add(pool.submit(() -> run(batch, stats)));
      }
      List<Verdict> verdicts = new ArrayList<>();
      for (Future<List<Verdict>> f : futures) {
        try {
          verdicts.addAll(f.get());
        } catch (ExecutionException e) {
          throw new AssertionError("the fuzzer itself failed", e.getCause());
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      List<Verdict> failures = verdicts.stream().filter(v -> v.problem != null).toList();
      System.out.println(stats.summary(cases, seed, all.size(), batches.size(), seconds, failures.size()));
      failures.forEach(v -> System.out.println("  FAILED " + v.fuzzCase.describe() + ": " + v.problem));
      dump(failures);
      if (!failures.isEmpty()) {
        StringBuilder b = new StringBuilder(failures.size() + " of " + all.size() + " fuzz cases failed (seed "
            + seed + "); rerun one with -Dhelmholtz.fuzz.seed=" + seed + " -Dhelmholtz.fuzz.only=<index>\n");
        for (Verdict v : failures.subList(0, Math.min(8, failures.size()))) {
          b.append("\n=== ").append(v.fuzzCase.describe()).append(": ").append(v.problem).append('\n')
              .append(v.details).append("\n--- source:\n").append(v.fuzzCase.source());
        }
        fail(b.toString());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Writes each failing case's source and report to the folder named by
   * {@code -Dhelmholtz.fuzz.dump} (or {@code HELMHOLTZ_FUZZ_DUMP}), if any.
   */
  private static void dump(List<Verdict> failures) throws java.io.IOException {
    String folder = System.getProperty("helmholtz.fuzz.dump", System.getenv("HELMHOLTZ_FUZZ_DUMP"));
    if (folder == null || folder.isBlank() || failures.isEmpty()) {
      return;
    }
    java.nio.file.Path dir = java.nio.file.Path.of(folder);
    java.nio.file.Files.createDirectories(dir);
    for (Verdict v : failures) {
      java.nio.file.Files.writeString(dir.resolve("case" + v.fuzzCase.index() + ".java"), v.fuzzCase.source());
      java.nio.file.Files.writeString(dir.resolve("case" + v.fuzzCase.index() + ".txt"),
          v.fuzzCase.describe() + ": " + v.problem + "\n" + v.details);
    }
    System.out.println("  failing cases written to " + dir.toAbsolutePath());
  }

  static long setting(String property, String variable, long fallback) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(variable);
    }
    return value == null || value.isBlank() ? fallback : Long.parseLong(value.strip());
  }

  /** Each case's seed from the run's seed and its index: any case can be rerun alone. */
  static long caseSeed(long seed, int index) {
    long z = seed * 0x9E3779B97F4A7C15L + index;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Cases with one expectation share compilations; a case with a syntax error runs alone. */
  private static List<List<Case>> batches(List<Case> cases) {
    List<List<Case>> batches = new ArrayList<>();
    for (Expect expect : Expect.values()) {
      List<Case> current = new ArrayList<>();
      for (Case c : cases) {
        if (c.expect() != expect) {
          continue;
        }
        if (c.solo()) {
          batches.add(List.of(c));
          continue;
        }
        current.add(c);
        if (current.size() == BATCH) {
          batches.add(current);
          current = new ArrayList<>();
        }
      }
      if (!current.isEmpty()) {
        batches.add(current);
      }
    }
    return batches;
  }

  /** The verdict on each case of a batch, compiling a case again alone where the batch cannot tell. */
  private static List<Verdict> run(List<Case> batch, Stats stats) {
    Result shared = compile(batch, stats);
    List<Verdict> verdicts = new ArrayList<>();
    for (Case c : batch) {
      Verdict v = batch.size() > 1 ? judgeShared(c, shared) : null;
      if (v == null) {
        Result alone = batch.size() == 1 ? shared : compile(List.of(c), stats);
        if (batch.size() > 1) {
          stats.rerun();
        }
        v = judge(c, alone);
      }
      stats.record(c, v);
      verdicts.add(v);
    }
    return verdicts;
  }

  /** What a shared compilation settles about one case, or null when it must be compiled alone. */
  private static Verdict judgeShared(Case c, Result shared) {
    if (shared.thrown != null) {
      return null;
    }
    Attributed a = shared.of(c);
    if (!a.internal.isEmpty()) {
      return null; // confirm alone, so the report names the case precisely
    }
    if (shared.compilation.status() == Compilation.Status.SUCCESS) {
      return judge(c, shared);
    }
    if (c.expect() != Expect.VALID && !a.own.isEmpty()) {
      return Verdict.ok(c, a);
    }
    return null;
  }

  private static Verdict judge(Case c, Result result) {
    if (result.thrown != null) {
      return Verdict.failed(c, "an exception escaped compile()", stackTrace(result.thrown));
    }
    Attributed a = result.of(c);
    if (!a.internal.isEmpty()) {
      return Verdict.failed(c, "internal error reported", messages(a.internal));
    }
    boolean success = result.compilation.status() == Compilation.Status.SUCCESS;
    if (success) {
      if (c.expect() == Expect.INVALID) {
        return Verdict.failed(c, "a model with an invalid change compiled",
            "generated: " + result.compilation.generatedSourceFiles().stream().map(JavaFileObject::getName).toList());
      }
      if (c.expect() == Expect.VALID && result.compilation.generatedSourceFile(c.generatedClass()).isEmpty()) {
        return Verdict.failed(c, "no generated class " + c.generatedClass(),
            "generated: " + result.compilation.generatedSourceFiles().stream().map(JavaFileObject::getName).toList());
      }
      return Verdict.ok(c, a);
    }
    if (a.own.isEmpty()) {
      String what = a.generated.isEmpty()
          ? "failed without an error in the model's source"
          : "generated code does not compile";
      return Verdict.failed(c, what, messages(a.generated) + messages(a.unattributed)
          + generatedSources(a.generated));
    }
    if (c.expect() == Expect.VALID) {
      return Verdict.failed(c, "a well-formed model was rejected", messages(a.own) + messages(a.generated));
    }
    return Verdict.ok(c, a);
  }

  private static Result compile(List<Case> cases, Stats stats) {
    List<JavaFileObject> files = new ArrayList<>();
    for (Case c : cases) {
      files.add(JavaFileObjects.forSourceString(c.qualifiedName(), c.source()));
    }
    stats.compilation();
    try {
      Compilation compilation = Compilations.compile(new HelmholtzProcessor(), List.of(),
          files.toArray(JavaFileObject[]::new));
      return new Result(cases, files, compilation, null);
    } catch (RuntimeException | Error e) {
      if (e instanceof VirtualMachineError vm && !(e instanceof StackOverflowError)) {
        throw vm;
      }
      return new Result(cases, files, null, e);
    }
  }

  private static String stackTrace(Throwable t) {
    java.io.StringWriter w = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }

  private static String messages(List<Diagnostic<? extends JavaFileObject>> diagnostics) {
    StringBuilder b = new StringBuilder();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics) {
      b.append(d.getKind()).append(' ')
          .append(d.getSource() == null ? "(no source)" : d.getSource().getName())
          .append(':').append(d.getLineNumber()).append(": ").append(d.getMessage(Locale.ROOT)).append('\n');
    }
    return b.toString();
  }

  /** The generated files that errors were reported in (a failed Compilation lists none). */
  private static String generatedSources(List<Diagnostic<? extends JavaFileObject>> errors) {
    StringBuilder b = new StringBuilder();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Diagnostic<? extends JavaFileObject> d : errors) {
      JavaFileObject f = d.getSource();
      if (f != null && seen.add(f.toUri().toString())) {
        try {
          b.append("--- generated ").append(f.getName()).append(":\n").append(f.getCharContent(false));
        } catch (java.io.IOException e) {
          b.append("(unreadable: ").append(e).append(")\n");
        }
      }
    }
    return b.toString();
  }

  /** One compilation of one or more cases. */
  private record Result(List<Case> cases, List<JavaFileObject> files, Compilation compilation, Throwable thrown) {
    /** The diagnostics that belong to one case. */
    Attributed of(Case c) {
      String own = files.get(cases.indexOf(c)).toUri().toString();
      String dir = "/" + c.packageName().replace('.', '/') + "/";
      Attributed a = new Attributed();
      for (Diagnostic<? extends JavaFileObject> d : compilation.diagnostics()) {
        boolean internal = d.getMessage(Locale.ROOT).contains("[HelmholtzInternalError]");
        JavaFileObject source = d.getSource();
        if (source == null) {
          if (d.getKind() == Diagnostic.Kind.ERROR) {
            a.unattributed.add(d);
          }
          if (internal) {
            a.internal.add(d);
          }
          continue;
        }
        String uri = source.toUri().toString();
        if (!uri.equals(own) && !source.toUri().getPath().contains(dir)) {
          continue;
        }
        if (internal) {
          a.internal.add(d);
        }
        if (uri.equals(own)) {
          if (d.getKind() == Diagnostic.Kind.ERROR) {
            a.own.add(d);
          }
        } else if (d.getKind() == Diagnostic.Kind.ERROR) {
          a.generated.add(d);
        } else if (d.getKind() == Diagnostic.Kind.WARNING || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING) {
          a.generatedWarnings.add(d);
        }
      }
      return a;
    }
  }

  private static final class Attributed {
    final List<Diagnostic<? extends JavaFileObject>> own = new ArrayList<>();
    final List<Diagnostic<? extends JavaFileObject>> generated = new ArrayList<>();
    final List<Diagnostic<? extends JavaFileObject>> generatedWarnings = new ArrayList<>();
    final List<Diagnostic<? extends JavaFileObject>> unattributed = new ArrayList<>();
    final List<Diagnostic<? extends JavaFileObject>> internal = new ArrayList<>();
  }

  private static final class Verdict {
    final Case fuzzCase;
    final String problem; // null: fine
    final String details;
    final Attributed attributed;

    private Verdict(Case fuzzCase, String problem, String details, Attributed attributed) {
      this.fuzzCase = fuzzCase;
      this.problem = problem;
      this.details = details;
      this.attributed = attributed;
    }

    static Verdict ok(Case c, Attributed a) {
      return new Verdict(c, null, "", a);
    }

    static Verdict failed(Case c, String problem, String details) {
      return new Verdict(c, problem, details, null);
    }
  }

  /** Counts for the run's summary line. */
  private static final class Stats {
    private int compilations;
    private int reruns;
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private final Map<String, Integer> tags = new TreeMap<>();
    private final Map<String, String> generatedWarnings = new TreeMap<>(); // message -> an example

    synchronized void compilation() {
      compilations++;
    }

    synchronized void rerun() {
      reruns++;
    }

    synchronized void record(Case c, Verdict v) {
      String outcome = c.expect() + (v.problem != null ? " FAILED"
          : v.attributed.own.isEmpty() ? " compiled" : " rejected");
      outcomes.merge(outcome, 1, Integer::sum);
      if (v.attributed != null) {
        for (Diagnostic<? extends JavaFileObject> d : v.attributed.own) {
          Matcher m = TAG.matcher(d.getMessage(Locale.ROOT));
          tags.merge(m.find() ? m.group(1) : "javac:" + d.getCode(), 1, Integer::sum);
        }
        for (Diagnostic<? extends JavaFileObject> d : v.attributed.generatedWarnings) {
          if (generatedWarnings.size() < 20) {
            generatedWarnings.putIfAbsent(d.getMessage(Locale.ROOT), "case " + c.index() + " " + c.changes());
          }
        }
      }
    }

    synchronized String summary(int cases, long seed, int run, int batches, double seconds, int failures) {
      StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
          "ProcessorFuzzTest: %d cases (seed %d, %d run), %d compilations (%d batches, %d cases rerun alone), "
              + "%.1f s, %d failures%n  outcomes: %s%n  errors in model sources: %s%n",
          cases, seed, run, compilations, batches, reruns, seconds, failures, outcomes, tags));
      if (!generatedWarnings.isEmpty()) {
        b.append("  warnings in generated code (first ").append(generatedWarnings.size()).append("):\n");
        generatedWarnings.forEach((w, example) -> b.append("    ").append(w).append(" (").append(example).append(")\n"));
      }
      return b.toString();
    }
  }

  // --- Regressions: what the fuzzer found, minimized --------------------------------------

  /**
   * Found by the fuzzer (seed 20250601, case 28): a network declaring a checked exception was
   * accepted, and the generated class, whose overrides declare none, did not compile.
   */
  @ParameterizedTest
  @ValueSource(strings = {"throws Exception", "throws java.io.IOException, RuntimeException", "throws Throwable"})
  void networkThatThrowsACheckedException(String throwsClause) {
    JavaFileObject source = Compilations.model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\")",
        "  Normal encode(Nn nn, Operand<TFloat32> x) " + throwsClause + " {",
        "    return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2));",
        "  }",
        "  @Generator(\"x\")",
        "  Bernoulli decode(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
        "}");
    Compilation c = Compilations.compile(source);
    assertThat(c).hadErrorContaining("[HelmholtzNetworkAccess] @Encoder method encode() throws checked ")
        .inFile(source).onLineContaining("@Encoder(\"z\")");
    assertThat(c).hadErrorCount(1);
  }

  /** Unchecked exceptions are fine: generated code need not handle them. */
  @Test
  void networkThatThrowsOnlyUncheckedExceptions() {
    JavaFileObject source = Compilations.model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\")",
        "  Normal encode(Nn nn, Operand<TFloat32> x) throws IllegalStateException, Error {",
        "    return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2));",
        "  }",
        "  @Generator(\"x\")",
        "  Bernoulli decode(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
        "}");
    assertThat(Compilations.compile(source)).succeededWithoutWarnings();
  }

  @Test
  void seedsAreStable() {
    // A reported seed must keep meaning the same case.
    Case a = FuzzModels.generate(7, caseSeed(DEFAULT_SEED, 7));
    Case b = FuzzModels.generate(7, caseSeed(DEFAULT_SEED, 7));
    assertTrue(a.source().equals(b.source()) && a.expect() == b.expect());
  }
}
