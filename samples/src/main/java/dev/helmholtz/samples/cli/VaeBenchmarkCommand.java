package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.bench.HandWrittenVae;
import dev.helmholtz.samples.bench.WideVae;
import dev.helmholtz.samples.bench.WideVaeModel;
import dev.helmholtz.samples.vae.Vae;
import dev.helmholtz.samples.vae.VaeModel;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import dev.helmholtz.variational.VariationalModel;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.TensorFlow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The speed benchmark: each generated model against {@link HandWrittenVae}, the same model written
 * by hand in raw TensorFlow Java, trained on the same data with the same settings in one JVM.
 *
 * <p>Both sides are built with the same {@link ThreadSettings}, warmed up, then timed in
 * alternating blocks (the order flips every round) so that machine noise hits both alike. The
 * generated side is timed through its public API ({@code fit} with {@code maxSteps}), the
 * hand-written side through a loop over the same {@code Batches} (same shuffling and dynamic
 * binarization per step), so both pay the same data costs.
 */
@Command(
    name = "bench-vae",
    mixinStandardHelpOptions = true,
    description = "Benchmarks generated VAEs against the same models written by hand in raw"
        + " TensorFlow Java: Vae (784-200-200-50 tanh) and WideVae (784-500-50 relu), batch 128, Adam,"
        + " dynamically binarized MNIST, in one JVM with alternating timed blocks. Prints the median"
        + " ms/step of each side, examples/s, the time to the first training step, and the ratio"
        + " generated/hand-written with PASS/FAIL against --target-ratio (the exit code is 0 either"
        + " way).")
public final class VaeBenchmarkCommand implements Callable<Integer> {

  /** The architectures benchmarked, by {@code --models} name. */
  enum Arch {
    VAE("vae", "Vae", HandWrittenVae.Architecture.burda()),
    WIDE("wide", "WideVae", HandWrittenVae.Architecture.wide());

    final String key;
    final String title;
    final HandWrittenVae.Architecture architecture;

    Arch(String key, String title, HandWrittenVae.Architecture architecture) {
      this.key = key;
      this.title = title;
      this.architecture = architecture;
    }

    VariationalModel createGenerated(Seed seed, ThreadSettings threads) {
      return switch (this) {
        case VAE -> VaeModel.create(new Vae(), seed, threads);
        case WIDE -> WideVaeModel.create(new WideVae(), seed, threads);
      };
    }
  }

  @Option(names = "--threads", split = ",",
      description = "TensorFlow intra-op,inter-op threads and training towers for both sides (default: ThreadSettings.defaults()).")
  int[] threads;

  @Option(names = "--rounds", defaultValue = "10", description = "Timed rounds; each times one block per side (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--block-steps", defaultValue = "50", description = "Training steps per timed block (default: ${DEFAULT-VALUE}).")
  int blockSteps;

  @Option(names = "--warmup-steps", defaultValue = "100", description = "Untimed steps per side before the rounds (default: ${DEFAULT-VALUE}).")
  int warmupSteps;

  @Option(names = "--batch-size", defaultValue = "128", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "1e-3", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--seed", defaultValue = "1", description = "Seed for both sides (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--models", split = ",", defaultValue = "vae,wide",
      description = "Architectures to run, of vae, wide (default: ${DEFAULT-VALUE}).")
  List<String> models;

  @Option(names = "--target-ratio", defaultValue = "1.10",
      description = "Largest acceptable median ms/step ratio generated/hand-written (default: ${DEFAULT-VALUE}).")
  double targetRatio;

  @Option(names = "--train-examples", description = "Train on the first N MNIST training images only (default: all 60000).")
  Integer trainExamples;

  @Option(names = "--first", defaultValue = "generated",
      description = "Side built first in the JVM (pays the cold start), generated or hand-written, for"
          + " the first architecture; later architectures alternate (default: ${DEFAULT-VALUE}).")
  String first;

  @Option(names = "--profile", description = "Also print the op types of each side's training-step subgraph.")
  boolean profile;

  /** Timing of one side of one architecture. */
  private static final class SideResult {
    final String name;
    final boolean builtFirst;
    double createMs;
    double createToFirstStepMs;
    /** Only for the side built first in the JVM: a real cold start. */
    double jvmStartToFirstStepMs = Double.NaN;
    final double[] blockMsPerStep;
    double lastBlockElbo = Double.NaN;

    SideResult(String name, boolean builtFirst, int rounds) {
      this.name = name;
      this.builtFirst = builtFirst;
      this.blockMsPerStep = new double[rounds];
    }

    double median() {
      return VaeBenchmarkCommand.median(blockMsPerStep);
    }
  }

  @Override
  public Integer call() throws IOException {
    long mainNanos = System.nanoTime();
    long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
    // Wall time from JVM start to main, carried over to the nanoTime clock.
    double jvmToMainMs = Math.max(0, System.currentTimeMillis() - jvmStartMillis);
    PrintStream out = System.out;
    List<Arch> archs = parseModels();
    if (!first.equals("generated") && !first.equals("hand-written")) {
      throw new IllegalArgumentException("--first must be generated or hand-written, was '" + first + "'");
    }
    if (rounds < 1 || blockSteps < 1 || warmupSteps < 0 || batchSize < 1) {
      throw new IllegalArgumentException(
          "--rounds, --block-steps and --batch-size must be >= 1, --warmup-steps >= 0");
    }
    ThreadSettings threadSettings = ThreadSettings.fromCounts(threads);

    Mnist mnist = Mnist.loadDefault();
    Mnist.Split split = trainExamples == null ? mnist.train() : mnist.train().take(trainExamples);
    Dataset train = split.dataset("x").dynamicallyBinarized("x");
    double mnistMs = msSince(mainNanos);
    long nativeStart = System.nanoTime();
    String tfVersion = TensorFlow.version();
    double nativeMs = msSince(nativeStart);

    out.printf(Locale.ROOT, "bench-vae: TensorFlow %s, %s, %d CPUs, Java %s%n", tfVersion, threadSettings,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    out.printf(Locale.ROOT, "  batch %d, Adam %.0e, %d training images (dynamically binarized), seed %d%n",
        batchSize, learningRate, train.size(), seed);
    out.printf(Locale.ROOT, "  warm-up %d steps per side, then %d rounds x %d steps per side, order alternating%n",
        warmupSteps, rounds, blockSteps);
    out.printf(Locale.ROOT, "  JVM start -> command %.0f ms, MNIST load %.0f ms, TensorFlow native load %.0f ms%n%n",
        jvmToMainMs, mnistMs, nativeMs);

    List<String[]> rows = new ArrayList<>();
    boolean allPass = true;
    for (int a = 0; a < archs.size(); a++) {
      Arch arch = archs.get(a);
      // Whichever side is built first in the JVM pays class loading and JIT warm-up of graph
      // building; alternate it between architectures and say so.
      boolean generatedFirst = (a % 2 == 0) == first.equals("generated");
      double[] ratio = runArchitecture(arch, threadSettings, train, generatedFirst, a == 0,
          jvmStartMillis, rows, out);
      allPass &= ratio[0] <= targetRatio;
    }

    out.println();
    out.println("Summary (median over blocks; ms/step includes batching, binarization and feeding):");
    printTable(out, rows);
    out.printf(Locale.ROOT, "%nOverall: %s (target generated/hand-written <= %.2f)%n",
        allPass ? "PASS" : "FAIL", targetRatio);
    return 0;
  }

  /** Returns {ratio of medians, median of per-round ratios}. */
  private double[] runArchitecture(Arch arch, ThreadSettings threadSettings, Dataset train,
      boolean generatedFirst, boolean coldJvm, long jvmStartMillis, List<String[]> rows,
      PrintStream out) {
    out.printf(Locale.ROOT, "== %s (%s) ==%n", arch.title, arch.architecture);
    SideResult gen = new SideResult("generated", generatedFirst, rounds);
    SideResult hand = new SideResult("hand-written", !generatedFirst, rounds);
    Training base = Training.epochs(1).batchSize(batchSize).adam(learningRate)
        .progress(ProgressListener.silent());
    VariationalModel generated = null;
    HandWrittenVae handWritten = null;
    try {
      for (int which = 0; which < 2; which++) {
        boolean buildGenerated = (which == 0) == generatedFirst;
        long t0 = System.nanoTime();
        if (buildGenerated) {
          generated = arch.createGenerated(Seed.of(seed), threadSettings);
          gen.createMs = msSince(t0);
          generated.fit(train, base.maxSteps(1).seed(seed));
          gen.createToFirstStepMs = msSince(t0);
          if (coldJvm && which == 0) {
            gen.jvmStartToFirstStepMs = System.currentTimeMillis() - jvmStartMillis;
          }
        } else {
          handWritten = HandWrittenVae.create(arch.architecture, seed, threadSettings);
          hand.createMs = msSince(t0);
          handWritten.train(train, "x", batchSize, 1, learningRate, seed);
          hand.createToFirstStepMs = msSince(t0);
          if (coldJvm && which == 0) {
            hand.jvmStartToFirstStepMs = System.currentTimeMillis() - jvmStartMillis;
          }
        }
      }
      if (profile) {
        profile(out, generated, handWritten);
      }

      // Warm-up, interleaved in short chunks so both sides see the same machine state.
      for (int done = 0; done < warmupSteps; done += blockSteps) {
        int n = Math.min(blockSteps, warmupSteps - done);
        generated.fit(train, base.maxSteps(n).seed(seed + 1_000_000 + done));
        handWritten.train(train, "x", batchSize, n, learningRate, seed + 1_000_000 + done);
      }

      double[] roundRatios = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        for (int which = 0; which < 2; which++) {
          boolean timeGenerated = (which == 0) == (r % 2 == 0);
          long blockSeed = seed + 1 + r;
          long t0 = System.nanoTime();
          if (timeGenerated) {
            TrainingSummary s = generated.fit(train, base.maxSteps(blockSteps).seed(blockSeed));
            gen.blockMsPerStep[r] = msSince(t0) / s.steps();
            gen.lastBlockElbo = s.finalObjective();
          } else {
            HandWrittenVae.TrainResult s =
                handWritten.train(train, "x", batchSize, blockSteps, learningRate, blockSeed);
            hand.blockMsPerStep[r] = msSince(t0) / s.steps();
            hand.lastBlockElbo = -s.meanLoss();
          }
        }
        roundRatios[r] = gen.blockMsPerStep[r] / hand.blockMsPerStep[r];
      }

      double ratio = gen.median() / hand.median();
      double pairedRatio = median(roundRatios);
      for (SideResult side : List.of(gen, hand)) {
        out.printf(Locale.ROOT, "  %-12s blocks ms/step: %s%n", side.name, formatBlocks(side.blockMsPerStep));
      }
      out.printf(Locale.ROOT, "  per-round ratio generated/hand-written: %s%n", formatBlocks(roundRatios));
      out.printf(Locale.ROOT, "  mean ELBO of the last block: generated %.2f, hand-written %.2f (nats)%n",
          gen.lastBlockElbo, hand.lastBlockElbo);
      out.printf(Locale.ROOT,
          "  ratio of medians %.3f, median of per-round ratios %.3f -> %s (target <= %.2f)%n%n",
          ratio, pairedRatio, ratio <= targetRatio ? "PASS" : "FAIL", targetRatio);
      for (SideResult side : List.of(gen, hand)) {
        double med = side.median();
        rows.add(new String[] {
          arch.title,
          side.name + (side.builtFirst ? "*" : ""),
          fmt("%.3f", med),
          fmt("%.3f", min(side.blockMsPerStep)),
          fmt("%.0f", batchSize * 1000.0 / med),
          fmt("%.0f", side.createMs),
          fmt("%.0f", side.createToFirstStepMs),
          Double.isNaN(side.jvmStartToFirstStepMs) ? "-" : fmt("%.0f", side.jvmStartToFirstStepMs),
          side == gen ? fmt("%.3f", ratio) : "",
          side == gen ? (ratio <= targetRatio ? "PASS" : "FAIL") : ""
        });
      }
      return new double[] {ratio, pairedRatio};
    } finally {
      if (generated != null) {
        generated.close();
      }
      if (handWritten != null) {
        handWritten.close();
      }
    }
  }

  private static void printTable(PrintStream out, List<String[]> rows) {
    String[] header = {"model", "side", "ms/step", "min", "examples/s", "create ms",
        "create->1st step ms", "JVM start->1st step ms", "gen/hand", "<= target"};
    int[] widths = new int[header.length];
    for (int i = 0; i < header.length; i++) {
      widths[i] = header[i].length();
      for (String[] row : rows) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    printRow(out, header, widths);
    String[] rule = new String[header.length];
    for (int i = 0; i < rule.length; i++) {
      rule[i] = "-".repeat(widths[i]);
    }
    printRow(out, rule, widths);
    rows.forEach(r -> printRow(out, r, widths));
    out.println("* built first for its model: pays class loading and JIT warm-up of graph building"
        + " (the TensorFlow native load is done before both). JVM start->1st step is shown for the"
        + " side built first in the JVM only (a real cold start); --first hand-written measures the"
        + " other side's.");
  }

  private static void printRow(PrintStream out, String[] cells, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      String pad = " ".repeat(widths[i] - cells[i].length());
      b.append(i < 2 ? cells[i] + pad : pad + cells[i]).append(i + 1 < cells.length ? "  " : "");
    }
    out.println(b.toString().stripTrailing());
  }

  // ------------------------------------------------------------------------------------ profile

  /**
   * Op types in each side's training-step subgraph: everything the Adam step op depends on through
   * data and control edges (the loss included), and the difference between the two.
   */
  private static void profile(PrintStream out, VariationalModel generated, HandWrittenVae handWritten) {
    Graph generatedGraph = generated.graph();
    Map<String, Integer> gen = stepSubgraph(generatedGraph, "adam/step");
    Map<String, Integer> hand = stepSubgraph(handWritten.graph(), "adam/step");
    out.printf(Locale.ROOT, "  training-step subgraph: generated %d ops, hand-written %d ops"
        + " (whole graphs: %d and %d)%n", total(gen), total(hand), count(generatedGraph),
        count(handWritten.graph()));
    Set<String> types = new TreeSet<>(gen.keySet());
    types.addAll(hand.keySet());
    StringBuilder diff = new StringBuilder();
    for (String t : types) {
      int g = gen.getOrDefault(t, 0);
      int h = hand.getOrDefault(t, 0);
      if (g != h) {
        diff.append(String.format(Locale.ROOT, "    %-28s generated %3d  hand-written %3d%n", t, g, h));
      }
    }
    out.print(diff.length() == 0 ? "    same op types and counts\n" : "  op types that differ:\n" + diff);
  }

  private static Map<String, Integer> stepSubgraph(Graph graph, String stepName) {
    GraphOperation step = graph.operation(stepName);
    Map<String, Integer> counts = new TreeMap<>();
    if (step == null) {
      return counts;
    }
    Set<String> seen = new HashSet<>();
    Deque<GraphOperation> todo = new ArrayDeque<>();
    todo.push(step);
    seen.add(step.name());
    while (!todo.isEmpty()) {
      GraphOperation op = todo.pop();
      counts.merge(op.type(), 1, Integer::sum);
      List<GraphOperation> next = new ArrayList<>(op.controlInputs());
      for (Operand<?> in : op.inputs()) {
        next.add((GraphOperation) in.op());
      }
      for (GraphOperation n : next) {
        if (seen.add(n.name())) {
          todo.push(n);
        }
      }
    }
    return counts;
  }

  private static int count(Graph graph) {
    int n = 0;
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); it.next()) {
      n++;
    }
    return n;
  }

  private static int total(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  // ------------------------------------------------------------------------------------ helpers

  private List<Arch> parseModels() {
    List<Arch> out = new ArrayList<>();
    for (String m : models) {
      String key = m.strip().toLowerCase(Locale.ROOT);
      Arch arch = Arrays.stream(Arch.values()).filter(a -> a.key.equals(key)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException(
              "--models: unknown model '" + m + "'; choose from vae, wide"));
      if (!out.contains(arch)) {
        out.add(arch);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--models: name at least one of vae, wide");
    }
    return out;
  }

  static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  private static double min(double[] values) {
    return Arrays.stream(values).min().orElse(Double.NaN);
  }

  private static String formatBlocks(double[] values) {
    return String.join(" ", Arrays.stream(values).mapToObj(v -> fmt("%.2f", v)).toList());
  }

  private static String fmt(String format, double v) {
    return String.format(Locale.ROOT, format, v);
  }

  private static double msSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e6;
  }
}
