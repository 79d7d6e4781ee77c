package dev.helmholtz.processor;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.helmholtz.processor.FuzzModels.Case;
import dev.helmholtz.processor.FuzzModels.Expect;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * Runs the processor over seeded random model classes ({@link FuzzModels}) and judges each
 * compilation. For every case:
 *
 * <ul>
 *   <li>no exception escapes the compiler and no {@code [HelmholtzInternalError]} is reported
 *       (either is a <em>crash</em>);
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
 * <p>{@link ProcessorFuzzTest} runs a few hundred cases in the unit suite; {@link #main} is the
 * long run, {@code processor/fuzz --cases 20000 --seed 42} (see that script).
 */
final class FuzzRun {
  private static final int BATCH = 8;
  private static final Pattern TAG = Pattern.compile("\\[(Helmholtz[A-Za-z]+)\\]");

  private FuzzRun() {}

  /**
   * What to run.
   *
   * @param only the index of the one case to run, or -1 for all
   * @param dump the folder to write each failing case's source and report to, or null
   * @param progressEvery how often to print a progress line, in seconds; 0 for never
   */
  record Settings(int cases, long seed, long only, int threads, Path dump, int progressEvery) {}

  /** The outcome of a run: the summary printed, and the failed cases. */
  record Report(String summary, List<Verdict> failures, int run, int crashes) {
    boolean passed() {
      return failures.isEmpty();
    }

    /** The first failures with their sources, for an assertion message. */
    String failureDetails(long seed, int max) {
      StringBuilder b = new StringBuilder(failures.size() + " of " + run + " fuzz cases failed (seed "
          + seed + "); rerun one with -Dhelmholtz.fuzz.seed=" + seed + " -Dhelmholtz.fuzz.only=<index>"
          + " or processor/fuzz --seed " + seed + " --only <index>\n");
      for (Verdict v : failures.subList(0, Math.min(max, failures.size()))) {
        b.append("\n=== ").append(v.fuzzCase.describe()).append(": ").append(v.problem).append('\n')
            .append(v.details).append("\n--- source:\n").append(v.fuzzCase.source());
      }
      return b.toString();
    }
  }

  /**
   * {@code --cases N} (default 20000), {@code --seed S} (default {@value ProcessorFuzzTest#DEFAULT_SEED}),
   * {@code --only INDEX}, {@code --threads T} (default: the number of CPUs, at most 2),
   * {@code --dump DIR} (failing cases' sources and reports). Prints progress and a summary; exits
   * 0 when every case passed, 1 when any failed (crashes are counted apart), 2 for bad arguments.
   */
  public static void main(String[] args) throws Exception {
    int cases = 20_000;
    long seed = ProcessorFuzzTest.DEFAULT_SEED;
    long only = -1;
    int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
    Path dump = null;
    try {
      for (int i = 0; i < args.length; i++) {
        String option = args[i];
        if (option.equals("--help") || option.equals("-h")) {
          System.out.println("usage: processor/fuzz [--cases N] [--seed S] [--only INDEX] [--threads T] [--dump DIR]");
          return;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        String value = args[++i];
        switch (option) {
          case "--cases" -> cases = positive(option, value);
          case "--seed" -> seed = Long.parseLong(value);
          case "--only" -> only = Long.parseLong(value);
          case "--threads" -> threads = positive(option, value);
          case "--dump" -> dump = Path.of(value);
          default -> throw new IllegalArgumentException("unknown option " + option
              + "; the options are --cases, --seed, --only, --threads, --dump");
        }
      }
    } catch (IllegalArgumentException e) { // NumberFormatException included
      System.err.println("fuzz: " + e.getMessage());
      System.exit(2);
    }
    Report report = run(new Settings(cases, seed, only, threads, dump, 30), System.out);
    if (!report.passed()) {
      System.out.println(report.failureDetails(seed, 3));
    }
    System.out.println(report.passed() ? "PASS: no case failed"
        : "FAIL: " + report.failures().size() + " cases failed, " + report.crashes() + " of them crashes");
    System.exit(report.passed() ? 0 : 1);
  }

  private static int positive(String option, String value) {
    int n = Integer.parseInt(value);
    if (n < 1) {
      throw new IllegalArgumentException(option + " must be at least 1, was " + n);
    }
    return n;
  }

  /** Runs the cases, printing progress and the summary to {@code out}. */
  static Report run(Settings settings, PrintStream out) throws IOException, InterruptedException {
    long start = System.nanoTime();
    List<Case> all = new ArrayList<>();
    for (int i = 0; i < settings.cases(); i++) {
      if (settings.only() < 0 || settings.only() == i) {
        all.add(FuzzModels.generate(i, caseSeed(settings.seed(), i)));
      }
    }
    Stats stats = new Stats();
    List<List<Case>> batches = batches(all);
    ExecutorService pool = Executors.newFixedThreadPool(settings.threads());
    try {
      List<Future<List<Verdict>>> futures = new ArrayList<>();
      for (List<Case> batch : batches) {
        futures.add(pool.submit(() -> run(batch, stats)));
      }
      List<Verdict> failures = new ArrayList<>();
      long lastProgress = System.nanoTime();
      for (Future<List<Verdict>> f : futures) {
        while (true) {
          try {
            failures.addAll(f.get(1, TimeUnit.SECONDS));
            break;
          } catch (java.util.concurrent.TimeoutException e) {
            // fall through to the progress line
          } catch (ExecutionException e) {
            throw new AssertionError("the fuzzer itself failed", e.getCause());
          }
          long now = System.nanoTime();
          if (settings.progressEvery() > 0 && now - lastProgress >= settings.progressEvery() * 1e9) {
            out.printf(Locale.ROOT, "  %d/%d cases, %.0f s: %s%n", stats.done(), all.size(),
                (now - start) / 1e9, stats.counts());
            lastProgress = now;
          }
        }
      }
      failures.sort(java.util.Comparator.comparingInt(v -> v.fuzzCase.index()));
      double seconds = (System.nanoTime() - start) / 1e9;
      String summary = stats.summary(settings.cases(), settings.seed(), all.size(), batches.size(), seconds,
          failures.size());
      out.print(summary);
      failures.forEach(v -> out.println("  FAILED " + v.fuzzCase.describe() + ": " + v.problem));
      dump(settings.dump(), failures, out);
      int crashes = (int) failures.stream().filter(v -> v.crash).count();
      return new Report(summary, List.copyOf(failures), all.size(), crashes);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Writes each failing case's source and report to {@code folder}, if any. */
  private static void dump(Path folder, List<Verdict> failures, PrintStream out) throws IOException {
    if (folder == null || failures.isEmpty()) {
      return;
    }
    Files.createDirectories(folder);
    for (Verdict v : failures) {
      Files.writeString(folder.resolve("case" + v.fuzzCase.index() + ".java"), v.fuzzCase.source());
      Files.writeString(folder.resolve("case" + v.fuzzCase.index() + ".txt"),
          v.fuzzCase.describe() + ": " + v.problem + "\n" + v.details);
    }
    out.println("  failing cases written to " + folder.toAbsolutePath());
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

  /**
   * Judges each case of a batch, compiling a case again alone where the batch cannot tell; records
   * every verdict in {@code stats} and returns the failed ones (a long run keeps only those).
   */
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
      if (v.problem != null) {
        verdicts.add(v);
      }
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
      return Verdict.crashed(c, "an exception escaped compile()", stackTrace(result.thrown));
    }
    Attributed a = result.of(c);
    if (!a.internal.isEmpty()) {
      return Verdict.crashed(c, "internal error reported", messages(a.internal));
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

  static final class Attributed {
    final List<Diagnostic<? extends JavaFileObject>> own = new ArrayList<>();
    final List<Diagnostic<? extends JavaFileObject>> generated = new ArrayList<>();
    final List<Diagnostic<? extends JavaFileObject>> generatedWarnings = new ArrayList<>();
    final List<Diagnostic<? extends JavaFileObject>> unattributed = new ArrayList<>();
    final List<Diagnostic<? extends JavaFileObject>> internal = new ArrayList<>();
  }

  /** What became of one case. */
  static final class Verdict {
    final Case fuzzCase;
    final String problem; // null: fine
    /** Whether the processor crashed: an exception escaped javac, or it reported an internal error. */
    final boolean crash;
    final String details;
    final Attributed attributed;

    private Verdict(Case fuzzCase, String problem, boolean crash, String details, Attributed attributed) {
      this.fuzzCase = fuzzCase;
      this.problem = problem;
      this.crash = crash;
      this.details = details;
      this.attributed = attributed;
    }

    static Verdict ok(Case c, Attributed a) {
      return new Verdict(c, null, false, "", a);
    }

    static Verdict failed(Case c, String problem, String details) {
      return new Verdict(c, problem, false, details, null);
    }

    static Verdict crashed(Case c, String problem, String details) {
      return new Verdict(c, problem, true, details, null);
    }
  }

  /** Counts for the run's summary line. */
  static final class Stats {
    private int compilations;
    private int reruns;
    private int done;
    private int validCompiled;
    private int otherCompiled;
    private int diagnosed;
    private int crashes;
    private int wrong;
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
      done++;
      if (v.problem == null && c.expect() == Expect.VALID) {
        validCompiled++;
      } else if (v.problem == null && !v.attributed.own.isEmpty()) {
        diagnosed++;
      } else if (v.problem == null) {
        otherCompiled++;
      } else if (v.crash) {
        crashes++;
      } else {
        wrong++;
      }
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

    synchronized int done() {
      return done;
    }

    synchronized String counts() {
      return String.format(Locale.ROOT,
          "valid and compiled %d, diagnosed %d, compiled (no prediction) %d, crashes %d, wrong verdicts %d",
          validCompiled, diagnosed, otherCompiled, crashes, wrong);
    }

    synchronized String summary(int cases, long seed, int run, int batches, double seconds, int failures) {
      StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
          "Processor fuzz: %d cases (seed %d, %d run), %d compilations (%d batches, %d cases rerun alone), "
              + "%.1f s, %d failures%n  %s%n  outcomes: %s%n  errors in model sources: %s%n",
          cases, seed, run, compilations, batches, reruns, seconds, failures, counts(), outcomes, tags));
      if (!generatedWarnings.isEmpty()) {
        b.append("  warnings in generated code (first ").append(generatedWarnings.size()).append("):\n");
        generatedWarnings.forEach((w, example) -> b.append("    ").append(w).append(" (").append(example).append(")\n"));
      }
      return b.toString();
    }
  }
}
