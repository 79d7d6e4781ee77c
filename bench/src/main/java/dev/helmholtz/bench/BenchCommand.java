package dev.helmholtz.bench;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.bench.HandWrittenVae.MatMulShape;
import dev.helmholtz.samples.cli.TextTable;
import dev.helmholtz.samples.bench.Latent10Vae;
import dev.helmholtz.samples.bench.Latent10VaeModel;
import dev.helmholtz.samples.bench.Latent200Vae;
import dev.helmholtz.samples.bench.Latent200VaeModel;
import dev.helmholtz.samples.vae.Vae;
import dev.helmholtz.samples.vae.VaeModel;
import dev.helmholtz.train.DataPath;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.variational.VariationalModel;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.tensorflow.TensorFlow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark suite, one invocation: the cost of every part of training and using a model,
 * with ratios measured side by side in one JVM (alternating blocks, so machine noise hits every
 * side alike). Sections:
 *
 * <ul>
 *   <li>{@code training}: for each configuration of the scaling sweep (batch sizes at latent 50,
 *       latent sizes at batch 128), ms/step of the generated VAE on the resident and on the fed
 *       data path and of {@link HandWrittenVae}, the same model in raw TensorFlow Java; the MatMul
 *       FLOPs of one step; the MatMul ceiling at the step's shapes ({@link MatMulCeiling}); and
 *       the fraction of that ceiling each side reaches.
 *   <li>{@code eval}: importance-sampled log-likelihood at k = 5000: the generated evaluation
 *       against its one-run-at-a-time reference path, a hand-written evaluation graph and the
 *       bound of its unavoidable products and elementwise passes ({@link EvalSection}).
 *   <li>{@code processor}: annotation-processing time per model ({@link ProcessingCost}).
 *   <li>{@code cold}: JVM start to the first training step, in fresh JVMs ({@link BenchChild}).
 *   <li>{@code conv}: ms/step of the generated convolutional VAE against {@link HandWrittenConvVae},
 *       the same model in raw TensorFlow Java, at batch 32 and 128 ({@link ConvSection}).
 *   <li>{@code profile} (not run by default): the training step's time by op type ({@link StepProfile}).
 *   <li>{@code m2} (not run by default): ms/step of the semi-supervised VAE M2 with q(z | x, y)'s
 *       first layer shared against the same layer on the class-tiled x ({@link M2Section}).
 *   <li>{@code threads} (not run by default): ms/step for several intra/inter-op settings, each
 *       in fresh JVMs, since TensorFlow sizes its intra-op pool once per process.
 *   <li>{@code workers} (not run by default): examples/s of the sample VAE trained data-parallel by
 *       1, 2, 4 worker processes on loopback against one plain process ({@link WorkersSection}).
 * </ul>
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "The benchmark suite: generated VAE vs the same model hand-written in raw TensorFlow Java,"
        + " resident vs fed data, the MatMul ceiling at the model's shapes and the fraction of it each"
        + " configuration reaches, for batch sizes and latent sizes; importance-sampled evaluation"
        + " throughput at k = 5000; annotation-processing time per model; cold start; the generated"
        + " convolutional VAE vs the same model hand-written at batch 32 and 128. Prints the tables"
        + " and a summary with the targets; exits 0 whatever the figures.")
public final class BenchCommand implements Callable<Integer> {
  private static final List<String> SECTIONS = List.of("training", "eval", "processor", "cold", "conv", "profile",
      "threads", "m2", "workers");

  @Option(names = "--sections", split = ",", defaultValue = "training,eval,processor,cold,conv",
      description = "Sections to run, of " + "training, eval, processor, cold, conv, profile, threads, m2, workers (default: ${DEFAULT-VALUE}).")
  List<String> sections;

  @Option(names = "--batch-sizes", split = ",", defaultValue = "32,128,512",
      description = "Batch sizes of the sweep, at latent size 50 (default: ${DEFAULT-VALUE}).")
  List<Integer> batchSizes;

  @Option(names = "--latents", split = ",", defaultValue = "10,50,200",
      description = "Latent sizes of the sweep, at batch 128, of 10, 50, 200 (default: ${DEFAULT-VALUE}).")
  List<Integer> latents;

  @Option(names = "--rounds", defaultValue = "8", description = "Timed rounds per configuration; each times one block per side (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--block-steps", defaultValue = "40", description = "Training steps per timed block at batch 128 and"
      + " above; smaller batches take proportionally more, so every block covers as many examples (default: ${DEFAULT-VALUE}).")
  int blockSteps;

  @Option(names = "--warmup-steps", defaultValue = "60", description = "Untimed steps per side first (default: ${DEFAULT-VALUE}).")
  int warmupSteps;

  @Option(names = "--train-examples", description = "Train on the first N MNIST training images (default: all 60000).")
  Integer trainExamples;

  @Option(names = "--eval-k", defaultValue = "5000", description = "Importance samples per estimate (default: ${DEFAULT-VALUE}).")
  int evalK;

  @Option(names = "--eval-rounds", defaultValue = "3", description = "Timed rounds of the eval section; each"
      + " runs every side once (default: ${DEFAULT-VALUE}).")
  int evalRounds;

  @Option(names = "--eval-examples", defaultValue = "30", description = "Test images estimated per timed evaluation (default: ${DEFAULT-VALUE}).")
  int evalExamples;

  @Option(names = "--processor-models", defaultValue = "100", description = "Models in the large compilation (default: ${DEFAULT-VALUE}).")
  int processorModels;

  @Option(names = "--processor-rounds", defaultValue = "5", description = "Timed compilation rounds (default: ${DEFAULT-VALUE}).")
  int processorRounds;

  @Option(names = "--processor-warmup", defaultValue = "2", description = "Untimed compilation rounds first (default: ${DEFAULT-VALUE}).")
  int processorWarmup;

  @Option(names = "--cold-runs", defaultValue = "3", description = "Fresh JVMs timed for the cold start (default: ${DEFAULT-VALUE}).")
  int coldRuns;

  @Option(names = "--profile-batch", defaultValue = "128", description = "Batch size of the profiled steps (default: ${DEFAULT-VALUE}).")
  int profileBatch;

  @Option(names = "--profile-steps", defaultValue = "30", description = "Traced steps per data path, after --warmup-steps untraced ones (default: ${DEFAULT-VALUE}).")
  int profileSteps;

  @Option(names = "--thread-settings", split = ";", defaultValue = "1,2,2;1,2,1;1,1,1;2,1,1;2,2,1;2,2,2;0,0,1",
      description = "intra,inter,towers settings the threads section compares, ';'-separated (default: ${DEFAULT-VALUE}).")
  List<String> threadSettingsToCompare;

  @Option(names = "--thread-passes", defaultValue = "3", description = "Fresh JVMs per setting in the threads section (default: ${DEFAULT-VALUE}).")
  int threadPasses;

  @Option(names = "--m2-rounds", defaultValue = "5", description = "Timed rounds of the m2 section (default: ${DEFAULT-VALUE}).")
  int m2Rounds;

  @Option(names = "--m2-block-steps", defaultValue = "10", description = "Training steps per timed block of the m2"
      + " section, at batch 100 (default: ${DEFAULT-VALUE}).")
  int m2BlockSteps;

  @Option(names = "--threads", split = ",",
      description = "TensorFlow intra-op,inter-op threads and training towers for the in-process sections (default: ThreadSettings.defaults()).")
  int[] threads;

  @Option(names = "--conv-batch-sizes", split = ",", defaultValue = "32,128",
      description = "Batch sizes of the convolutional section (default: ${DEFAULT-VALUE}).")
  List<Integer> convBatchSizes;

  @Option(names = "--conv-rounds", defaultValue = "5", description = "Timed rounds per batch size in the convolutional"
      + " section; each times one block per side (default: ${DEFAULT-VALUE}).")
  int convRounds;

  @Option(names = "--conv-block-steps", defaultValue = "10", description = "Training steps per timed block of the"
      + " convolutional section at batch 128; smaller batches take proportionally more (default: ${DEFAULT-VALUE}).")
  int convBlockSteps;

  @Option(names = "--conv-warmup-steps", defaultValue = "5", description = "Untimed steps per side first in the"
      + " convolutional section (default: ${DEFAULT-VALUE}).")
  int convWarmupSteps;

  @Option(names = "--worker-counts", split = ",", defaultValue = "1,2,4",
      description = "Worker processes per configuration of the workers section (default: ${DEFAULT-VALUE}).")
  List<Integer> workerCounts;

  @Option(names = "--worker-steps", defaultValue = "200",
      description = "Timed training steps per configuration of the workers section, after --warmup-steps (default: ${DEFAULT-VALUE}).")
  int workerSteps;

  @Option(names = "--learning-rate", defaultValue = "1e-3", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--seed", defaultValue = "1", description = "Seed for every model (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--target-ratio", defaultValue = "1.0", description = "Largest acceptable generated/hand-written ms/step (default: ${DEFAULT-VALUE}).")
  double targetRatio;

  @Option(names = "--target-fraction", defaultValue = "0.6", description = "Smallest acceptable fraction of the MatMul ceiling (default: ${DEFAULT-VALUE}).")
  double targetFraction;

  // The sides of a round of the training sweep, in the order of TrainingRow.ms.
  private static final int RESIDENT = 0;
  private static final int FED = 1;
  private static final int HAND = 2;
  private static final int CEILING = 3;
  private static final int TOWER_PRODUCTS = 4;
  private static final int PRODUCTS_AND_ADAM = 5;
  private static final int PIXEL_FLOOR = 6;
  private static final int SIDES = 7;

  /**
   * One configuration of the sweep, measured: {@code ms[side][round]}, ms per step (per run of
   * the products for the ceiling and the tower products, which have a step's FLOPs). Times are
   * medians over the rounds; ratios and fractions are medians of each round's ratio, since a
   * round's sides run back to back and a slow spell of the machine then slows both sides of it.
   */
  private record TrainingRow(int latent, int batch, long flops, double[][] ms) {
    double medianMs(int side) {
      return median(ms[side]);
    }

    /** The median over rounds of side {@code a}'s time over side {@code b}'s. */
    double ratio(int a, int b) {
      return medianRatio(ms[a], ms[b]);
    }

    double ceilingGflops() {
      return flops / (medianMs(CEILING) * 1e6);
    }

    double gflops(int side) {
      return flops / (medianMs(side) * 1e6);
    }

    /** The fraction of the Adam bound the generated step reaches: the products and Adam alone over the step. */
    double adamBoundFraction() {
      return ratio(PRODUCTS_AND_ADAM, RESIDENT);
    }

    /**
     * The most of the Adam bound a step that also binarizes its pixels and scores them under a
     * Bernoulli (with the gradient) can reach: products and Adam alone over the same with that work.
     */
    double pixelFloorCap() {
      return ratio(PRODUCTS_AND_ADAM, PIXEL_FLOOR);
    }

    /** The fraction of the ceiling side {@code side} reaches: the ceiling's time over its time. */
    double fraction(int side) {
      return ratio(CEILING, side);
    }
  }

  /** The fraction of the Adam bound a generated step should reach at batch 128 and above (issue 24). */
  static final double ADAM_BOUND_TARGET = 0.75;

  private final List<String[]> summary = new ArrayList<>();
  private List<int[]> parsedThreadSettings;

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    Set<String> run = checkOptions();
    ThreadSettings threadSettings = ThreadSettings.fromCounts(threads);
    out.printf(Locale.ROOT, "bench: TensorFlow %s, %s, %d CPUs, Java %s, load average %.2f%n",
        TensorFlow.version(), threadSettings, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), loadAverage());
    out.printf(Locale.ROOT, "  sections %s; ms/step is the median over %d alternating blocks of %d steps"
        + " (more below batch 128, as many examples a block) after %d warm-up steps per side%n%n",
        String.join(", ", run), rounds, blockSteps, warmupSteps);

    Dataset train = null;
    Mnist mnist = null;
    Dataset images = null;
    Mnist.Split m2Split = null;
    if (run.contains("training") || run.contains("eval") || run.contains("profile") || run.contains("conv")
        || run.contains("m2")) {
      mnist = Mnist.loadDefault();
      Mnist.Split split = trainExamples == null ? mnist.train() : mnist.train().take(trainExamples);
      train = split.dataset("x").dynamicallyBinarized("x");
      images = split.imageDataset("x");
      m2Split = split;
    }
    for (String section : run) {
      long start = System.nanoTime();
      switch (section) {
        case "training" -> training(out, train, threadSettings);
        case "eval" -> evaluation(out, mnist, threadSettings);
        case "processor" -> processor(out);
        case "cold" -> coldStart(out);
        case "conv" -> new ConvSection(convBatchSizes, convRounds, convBlockSteps, convWarmupSteps, learningRate, seed,
            targetRatio).run(out, images, threadSettings, summary);
        case "profile" -> profile(out, train, threadSettings);
        case "m2" -> new M2Section(100, m2Rounds, m2BlockSteps, convWarmupSteps, learningRate, seed)
            .run(out, m2Split, threadSettings, summary);
        case "workers" -> new WorkersSection(workerCounts, trainExamples == null ? 60_000 : trainExamples, 128,
            warmupSteps, workerSteps, seed).run(out, summary);
        default -> threadSettings(out);
      }
      out.printf(Locale.ROOT, "(%s took %.1f s)%n%n", section, (System.nanoTime() - start) / 1e9);
    }

    out.printf(Locale.ROOT, "Summary (machine load average now %.2f; the machine may be shared: block-to-block"
        + " noise of 10-20%% is common)%n", loadAverage());
    TextTable table = new TextTable(1, "figure", "value", "target", "");
    summary.forEach(table::row);
    table.print(out);
    return 0;
  }

  private Set<String> checkOptions() {
    Set<String> run = new LinkedHashSet<>();
    for (String s : sections) {
      String key = s.strip().toLowerCase(Locale.ROOT);
      if (!SECTIONS.contains(key)) {
        throw new IllegalArgumentException("--sections: unknown section '" + s + "'; choose from "
            + String.join(", ", SECTIONS));
      }
      run.add(key);
    }
    if (run.isEmpty()) {
      throw new IllegalArgumentException("--sections: name at least one of " + String.join(", ", SECTIONS));
    }
    for (int latent : latents) {
      if (latent != 10 && latent != 50 && latent != 200) {
        throw new IllegalArgumentException("--latents: " + latent + " has no generated model; the sweep has"
            + " one model class per latent size: 10 (Latent10Vae), 50 (Vae), 200 (Latent200Vae)");
      }
    }
    if (workerCounts.stream().anyMatch(n -> n < 1) || workerSteps < 1) {
      throw new IllegalArgumentException("--worker-counts and --worker-steps must be >= 1");
    }
    if (m2Rounds < 1 || m2BlockSteps < 1) {
      throw new IllegalArgumentException("--m2-rounds and --m2-block-steps must be >= 1");
    }
    if (convBatchSizes.stream().anyMatch(b -> b < 1) || convRounds < 1 || convBlockSteps < 1 || convWarmupSteps < 0) {
      throw new IllegalArgumentException("--conv-batch-sizes, --conv-rounds and --conv-block-steps must be >= 1,"
          + " --conv-warmup-steps >= 0");
    }
    if (batchSizes.stream().anyMatch(b -> b < 1) || rounds < 1 || blockSteps < 1 || warmupSteps < 0
        || evalK < 1 || evalExamples < 1 || evalRounds < 1 || processorModels < 1 || processorRounds < 1
        || processorWarmup < 0 || coldRuns < 1 || threadPasses < 1 || profileBatch < 1 || profileSteps < 1) {
      throw new IllegalArgumentException("--batch-sizes, --rounds, --block-steps, --eval-k, --eval-examples, --eval-rounds,"
          + " --processor-models, --processor-rounds, --cold-runs, --thread-passes, --profile-batch and"
          + " --profile-steps must be >= 1,"
          + " --warmup-steps and --processor-warmup >= 0");
    }
    parsedThreadSettings = new ArrayList<>();
    for (String s : threadSettingsToCompare) {
      try {
        int[] counts = Arrays.stream(s.strip().split(",")).mapToInt(p -> Integer.parseInt(p.strip())).toArray();
        if (counts.length < 2) {
          throw new IllegalArgumentException("intra and inter are both needed");
        }
        ThreadSettings t = ThreadSettings.fromCounts(counts); // checks the count and the ranges
        parsedThreadSettings.add(new int[] {t.intraOp(), t.interOp(), t.towers()});
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("--thread-settings: '" + s + "' is not intra,inter[,towers] with"
            + " intra and inter >= 0 and towers >= 1 (for example 1,2,2)");
      }
    }
    return run;
  }

  // ----------------------------------------------------------------------------------- training

  private void training(PrintStream out, Dataset train, ThreadSettings threadSettings) {
    // The sweep: batch sizes at latent 50, then latent sizes at batch 128; each configuration once.
    Set<List<Integer>> configurations = new LinkedHashSet<>();
    batchSizes.forEach(b -> configurations.add(List.of(50, b)));
    latents.forEach(l -> configurations.add(List.of(l, 128)));
    out.printf(Locale.ROOT, "== training: generated VAE (resident and fed data) vs hand-written, %d images,"
        + " dynamically binarized, Adam %.0e ==%n", train.size(), learningRate);
    List<TrainingRow> rows = new ArrayList<>();
    for (List<Integer> c : configurations) {
      TrainingRow row = measure(c.get(0), c.get(1), train, threadSettings);
      rows.add(row);
      out.printf(Locale.ROOT, "  latent %d, batch %d: generated resident %.3f, fed %.3f, hand-written %.3f ms/step;"
              + " MatMul ceiling %.1f GFLOP/s%n", row.latent(), row.batch(), row.medianMs(RESIDENT), row.medianMs(FED),
          row.medianMs(HAND), row.ceilingGflops());
    }
    out.println();
    TextTable table = new TextTable(1, "model", "batch", "generated ms", "fed ms", "hand ms",
        "gen/hand", "resident/fed", "MFLOP/step", "ceiling GFLOP/s", "gen GFLOP/s", "gen", "fed", "hand",
        "tower products ms", "bound", "products+Adam ms", "Adam bound", "of Adam bound", "+pixels ms",
        "cap", "of +pixels");
    for (TrainingRow r : rows) {
      table.row(HandWrittenVae.Architecture.burda(r.latent()).toString(), Integer.toString(r.batch()),
          fmt("%.3f", r.medianMs(RESIDENT)), fmt("%.3f", r.medianMs(FED)), fmt("%.3f", r.medianMs(HAND)),
          fmt("%.3f", r.ratio(RESIDENT, HAND)), fmt("%.3f", r.ratio(RESIDENT, FED)),
          fmt("%.1f", r.flops() / 1e6), fmt("%.1f", r.ceilingGflops()), fmt("%.1f", r.gflops(RESIDENT)),
          percent(r.fraction(RESIDENT)), percent(r.fraction(FED)), percent(r.fraction(HAND)),
          fmt("%.3f", r.medianMs(TOWER_PRODUCTS)), percent(r.ratio(CEILING, TOWER_PRODUCTS)),
          fmt("%.3f", r.medianMs(PRODUCTS_AND_ADAM)), percent(r.ratio(CEILING, PRODUCTS_AND_ADAM)),
          percent(r.adamBoundFraction()), fmt("%.3f", r.medianMs(PIXEL_FLOOR)), percent(r.pixelFloorCap()),
          percent(r.ratio(PIXEL_FLOOR, RESIDENT)));
    }
    table.print(out);
    out.println("generated = the generated model's fit() on the resident data path; fed = the same on the fed path;"
        + " hand = HandWrittenVae, fed. FLOPs are the MatMul FLOPs of forward and backward (elementwise ops"
        + " and Adam not counted); ceiling = float32 MatMul alone at the step's shapes; gen, fed and"
        + " hand are the fraction of the ceiling each side reaches. Times are medians over the rounds; ratios"
        + " and fractions are medians of each round's ratio (a round's sides run back to back). tower products = the same products"
        + " at the shapes the generated step runs them, its batch split into " + threadSettings.towers()
        + " tower(s); bound = the ceiling's time over theirs: the fraction a step of those towers would reach"
        + " if everything but its products (Adam, elementwise ops, draws, the executor) were free."
        + " products+Adam = the ceiling's products and an Adam update of every kernel (from its gradient's product,"
        + " as soon as that is done) and bias; Adam bound = the ceiling's time over theirs: the most any step"
        + " with Adam can reach of the ceiling on these threads, whatever else it does; of Adam bound ="
        + " products+Adam's time over the generated step's: the figure of merit (issue 24: >= "
        + percent(ADAM_BOUND_TARGET) + " at batch >= 128). +pixels = products+Adam and, per tower, the work"
        + " per pixel a step on dynamically binarized images cannot leave out, in Helmholtz's forms (the 16-bit"
        + " Bernoulli draw that binarizes the rows, the Bernoulli log-density and its gradient), free to"
        + " overlap the products; cap = products+Adam's time over +pixels': the most of the Adam bound any"
        + " such step can reach on these threads; of +pixels = +pixels' time over the generated step's.");
    for (TrainingRow r : rows) {
      String config = "latent " + r.latent() + ", batch " + r.batch();
      double ratio = r.ratio(RESIDENT, HAND);
      summary.add(new String[] {"generated/hand-written ms/step, " + config, fmt("%.3f", ratio),
          fmt("<= %.2f", targetRatio), ratio <= targetRatio ? "PASS" : "FAIL"});
    }
    for (TrainingRow r : rows) {
      summary.add(new String[] {"resident/fed ms/step, latent " + r.latent() + ", batch " + r.batch(),
          fmt("%.3f", r.ratio(RESIDENT, FED)), "", ""});
    }
    if (configurations.contains(List.of(50, 128))) {
      fixedData(out, train, threadSettings);
    }
    for (TrainingRow r : rows) {
      double f = r.adamBoundFraction();
      boolean target = r.batch() >= 128;
      summary.add(new String[] {"fraction of the Adam bound (generated), latent " + r.latent() + ", batch " + r.batch(),
          percent(f), target ? ">= " + percent(ADAM_BOUND_TARGET) : "", !target ? "" : f >= ADAM_BOUND_TARGET ? "PASS"
          : "FAIL"});
    }
    for (TrainingRow r : rows) {
      // Issue 24 dropped this target at batch 32, where the products are under half of a step.
      double f = r.fraction(RESIDENT);
      boolean target = r.batch() >= 128;
      summary.add(new String[] {"fraction of MatMul ceiling (generated), latent " + r.latent() + ", batch " + r.batch(),
          percent(f), target ? ">= " + percent(targetFraction) : "", !target ? "" : f >= targetFraction ? "PASS"
          : "FAIL"});
    }
    for (TrainingRow r : rows) {
      summary.add(new String[] {"  bound: the products alone at the towers' shapes, latent " + r.latent() + ", batch "
          + r.batch(), percent(r.ratio(CEILING, TOWER_PRODUCTS)), "", ""});
    }
    for (TrainingRow r : rows) {
      summary.add(new String[] {"  Adam bound: the products and Adam's updates alone, latent " + r.latent() + ", batch "
          + r.batch(), percent(r.ratio(CEILING, PRODUCTS_AND_ADAM)), "", ""});
    }
    for (TrainingRow r : rows) {
      summary.add(new String[] {"  cap: the most of the Adam bound a step that binarizes and scores its pixels can"
          + " reach, latent " + r.latent() + ", batch " + r.batch(), percent(r.pixelFloorCap()), "", ""});
    }
  }

  /**
   * Steps per timed block at {@code batch}: {@code --block-steps} at batch 128 and above, more below,
   * so that every block covers about as many examples (short blocks of small steps were noisy:
   * gen/hand at batch 32 read 0.92-1.11 in 40-step blocks, 0.92-0.94 in 120-step ones).
   */
  private int stepsPerBlock(int batch) {
    return (int) Math.max(blockSteps, Math.ceil(blockSteps * 128.0 / batch));
  }

  private TrainingRow measure(int latent, int batch, Dataset train, ThreadSettings threadSettings) {
    HandWrittenVae.Architecture architecture = HandWrittenVae.Architecture.burda(latent);
    Training base = Training.epochs(1).batchSize(batch).adam(learningRate).progress(ProgressListener.silent());
    Training resident = base.dataPath(DataPath.RESIDENT);
    Training fed = base.dataPath(DataPath.FED);
    try (VariationalModel generated = generated(latent, threadSettings);
        HandWrittenVae hand = HandWrittenVae.create(architecture, seed, threadSettings);
        MatMulCeiling ceiling = new MatMulCeiling(architecture.trainingStepMatMuls(batch), threadSettings, seed);
        MatMulCeiling towerProducts = new MatMulCeiling(towerMatMuls(architecture, batch, threadSettings.towers()),
            threadSettings, seed);
        MatMulCeiling productsAndAdam = MatMulCeiling.withAdam(architecture.trainingStepMatMuls(batch),
            threadSettings, seed);
        MatMulCeiling pixelFloor = MatMulCeiling.withAdamAndPixels(architecture.trainingStepMatMuls(batch),
            towerRows(batch, threadSettings.towers()), architecture.inputSize(), threadSettings, seed)) {
      // Warm-up, interleaved in short chunks so that every side sees the same machine state; at
      // least one step each, which uploads the data set for the resident path.
      for (int done = 0; done < Math.max(1, warmupSteps); done += blockSteps) {
        int n = Math.max(1, Math.min(blockSteps, warmupSteps - done));
        generated.fit(train, resident.maxSteps(n).seed(seed + 1_000_000 + done));
        generated.fit(train, fed.maxSteps(n).seed(seed + 1_000_000 + done));
        hand.train(train, "x", batch, n, learningRate, seed + 1_000_000 + done);
      }
      int steps = stepsPerBlock(batch);
      double one = ceiling.runMs(3);
      // As many ceiling runs per block as training steps, at least 50 ms of them.
      int runs = (int) Math.max(steps, Math.ceil(50 / Math.max(one, 1e-3)));
      ceiling.runMs(runs);
      towerProducts.runMs(runs);
      productsAndAdam.runMs(runs);
      pixelFloor.runMs(runs);

      // The ceiling is a fourth side of every round, so that it sees the same machine as the steps
      // (measured once beforehand, it varied 45-90 GFLOP/s at batch 32 between runs); the same
      // products at the shapes the towers run them are a fifth, the ceiling's products with Adam's
      // updates a sixth, and those with the pixels' work a seventh.
      double[][] ms = new double[SIDES][rounds];
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < SIDES; i++) {
          int side = (i + r) % SIDES; // the order rotates every round
          long blockSeed = seed + 1 + r;
          long start = System.nanoTime();
          long done = switch (side) {
            case RESIDENT -> generated.fit(train, resident.maxSteps(steps).seed(blockSeed)).steps();
            case FED -> generated.fit(train, fed.maxSteps(steps).seed(blockSeed)).steps();
            case HAND -> hand.train(train, "x", batch, steps, learningRate, blockSeed).steps();
            case TOWER_PRODUCTS -> {
              towerProducts.runMs(runs);
              yield runs;
            }
            case PRODUCTS_AND_ADAM -> {
              productsAndAdam.runMs(runs);
              yield runs;
            }
            case PIXEL_FLOOR -> {
              pixelFloor.runMs(runs);
              yield runs;
            }
            default -> {
              ceiling.runMs(runs);
              yield runs;
            }
          };
          ms[side][r] = (System.nanoTime() - start) / 1e6 / done;
        }
      }
      return new TrainingRow(latent, batch, architecture.trainingStepFlops(batch), ms);
    }
  }

  /** The rows of each non-empty tower of a batch ({@link ThreadSettings#towerRows}). */
  private static List<Integer> towerRows(int batch, int towers) {
    List<Integer> rows = new ArrayList<>();
    for (int t = 0; t < towers; t++) {
      int n = ThreadSettings.towerRows(batch, towers, t);
      if (n > 0) {
        rows.add(n);
      }
    }
    return rows;
  }

  /**
   * The products of a step split into {@code towers} ({@link ThreadSettings#towerRows}): each
   * tower's at its own rows. The same FLOPs as the whole batch's, in smaller products.
   */
  private static List<MatMulShape> towerMatMuls(HandWrittenVae.Architecture architecture, int batch, int towers) {
    List<MatMulShape> products = new ArrayList<>();
    for (int rows : towerRows(batch, towers)) {
      products.addAll(architecture.trainingStepMatMuls(rows));
    }
    return products;
  }

  /**
   * Resident vs fed for data binarized once, not per step: what the resident path saves when the
   * graph has no draws to make (latent 50, batch 128). The sweep's data is dynamically binarized.
   */
  private void fixedData(PrintStream out, Dataset dynamicallyBinarized, ThreadSettings threadSettings) {
    Dataset fixed = dynamicallyBinarized.binarized("x", seed); // a copy, binarized once
    Training base = Training.epochs(1).batchSize(128).adam(learningRate).progress(ProgressListener.silent());
    Training resident = base.dataPath(DataPath.RESIDENT);
    Training fed = base.dataPath(DataPath.FED);
    double[][] ms = new double[2][rounds];
    try (VariationalModel generated = generated(50, threadSettings)) {
      for (int done = 0; done < Math.max(1, warmupSteps); done += blockSteps) {
        int n = Math.max(1, Math.min(blockSteps, warmupSteps - done));
        generated.fit(fixed, resident.maxSteps(n).seed(seed + 1_000_000 + done));
        generated.fit(fixed, fed.maxSteps(n).seed(seed + 1_000_000 + done));
      }
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < 2; i++) {
          int side = (i + r) % 2;
          long start = System.nanoTime();
          long steps = generated.fit(fixed, (side == 0 ? resident : fed).maxSteps(blockSteps).seed(seed + 1 + r)).steps();
          ms[side][r] = (System.nanoTime() - start) / 1e6 / steps;
        }
      }
    }
    double ratio = medianRatio(ms[0], ms[1]);
    out.printf(Locale.ROOT, "  data binarized once (no draws in the graph), latent 50, batch 128: generated resident"
        + " %.3f, fed %.3f ms/step, resident/fed %.3f%n", median(ms[0]), median(ms[1]), ratio);
    summary.add(new String[] {"resident/fed ms/step, data binarized once, latent 50, batch 128",
        fmt("%.3f", ratio), "", ""});
  }

  private VariationalModel generated(int latent, ThreadSettings threadSettings) {
    return switch (latent) {
      case 10 -> Latent10VaeModel.create(new Latent10Vae(), Seed.of(seed), threadSettings);
      case 200 -> Latent200VaeModel.create(new Latent200Vae(), Seed.of(seed), threadSettings);
      default -> VaeModel.create(new Vae(), Seed.of(seed), threadSettings);
    };
  }

  // --------------------------------------------------------------------------------- evaluation

  private void evaluation(PrintStream out, Mnist mnist, ThreadSettings threadSettings) {
    Dataset test = mnist.test().take(Math.min(evalExamples, mnist.test().size())).dataset("x").binarized("x", seed);
    new EvalSection(evalK, evalRounds, seed).run(out, test, threadSettings, summary);
  }

  // ---------------------------------------------------------------------------------- processor

  private void processor(PrintStream out) throws IOException {
    out.printf(Locale.ROOT, "== processor: annotation processing, 1 and %d models per compilation,"
        + " %d warm-up and %d timed rounds ==%n", processorModels, processorWarmup, processorRounds);
    List<ProcessingCost.Result> results = ProcessingCost.measure(processorModels, processorWarmup, processorRounds);
    out.print(ProcessingCost.table(results));
    out.println("(added = with the processor - with -proc:none; in processor = inside its process() calls)");
    for (ProcessingCost.Result r : results) {
      summary.add(new String[] {"annotation processing ms/model, " + r.models() + (r.models() == 1 ? " model" : " models"),
          fmt("%.1f", r.addedMsPerModel()), "", ""});
    }
  }

  // --------------------------------------------------------------------------------- cold start

  private void coldStart(PrintStream out) throws IOException {
    out.printf(Locale.ROOT, "== cold: JVM start to the first training step of the sample VAE, %d fresh JVMs ==%n", coldRuns);
    List<Map<String, String>> runs = new ArrayList<>();
    for (int i = 0; i < coldRuns; i++) {
      runs.add(BenchChild.run(List.of("cold"), 600));
    }
    String[] parts = {"jvm_to_main_ms", "mnist_ms", "native_ms", "build_ms", "first_step_ms", "total_ms"};
    TextTable table = new TextTable(1, "run", "JVM->main", "MNIST load", "TF native load", "model build",
        "first fit step", "JVM start->1st step", "launch->1st step");
    double[] totals = new double[runs.size()];
    double[] launches = new double[runs.size()];
    for (int i = 0; i < runs.size(); i++) {
      Map<String, String> r = runs.get(i);
      String[] cells = new String[parts.length + 2];
      cells[0] = Integer.toString(i + 1);
      for (int p = 0; p < parts.length; p++) {
        cells[p + 1] = r.get(parts[p]);
      }
      totals[i] = Double.parseDouble(r.get("total_ms"));
      launches[i] = Double.parseDouble(r.get("first_step_at")) - Double.parseDouble(r.get("launched_at"));
      cells[parts.length + 1] = fmt("%.0f", launches[i]);
      table.row(cells);
    }
    table.print(out);
    out.println("(ms; the first step includes uploading the data set to the graph: path "
        + runs.get(0).get("data_path") + "; launch->1st step adds the JVM's own start-up before its clock starts)");
    summary.add(new String[] {"cold start, JVM start -> first training step, ms", fmt("%.0f", median(totals)), "", ""});
    summary.add(new String[] {"cold start, process launch -> first training step, ms", fmt("%.0f", median(launches)), "", ""});
  }

  // ------------------------------------------------------------------------------------ profile

  private void profile(PrintStream out, Dataset train, ThreadSettings threadSettings) {
    out.printf(Locale.ROOT, "== profile: the sample VAE's training step by op type, batch %d, %d traced steps"
        + " (TensorFlow step stats) ==%n", profileBatch, profileSteps);
    for (DataPath path : List.of(DataPath.RESIDENT, DataPath.FED)) {
      try (VaeModel vae = VaeModel.create(new Vae(), Seed.of(seed), threadSettings)) {
        StepProfile p = StepProfile.measure(vae, train, profileBatch, path, Math.max(1, warmupSteps), profileSteps);
        out.printf(Locale.ROOT, "  %s: %.0f us/step wall (untraced), %.0f us/step summed over ops (traced)%n",
            p.dataPath(), p.wallMicrosPerStep(), p.opMicrosPerStep());
        for (String line : p.table(60).split("\n")) {
          out.println("    " + line);
        }
      }
    }
    try (HandWrittenVae hand = HandWrittenVae.create(HandWrittenVae.Architecture.burda(), seed, threadSettings)) {
      StepProfile p = StepProfile.measure(hand, train, "x", profileBatch, Math.max(1, warmupSteps), profileSteps);
      out.printf(Locale.ROOT, "  HAND-WRITTEN (fed, one tower): %.0f us/step wall (untraced), %.0f us/step summed"
          + " over ops (traced)%n", p.wallMicrosPerStep(), p.opMicrosPerStep());
      for (String line : p.table(60).split("\n")) {
        out.println("    " + line);
      }
    }
    out.println("(ops on different threads overlap, so op time can exceed wall time; a MatMul fused with its"
        + " BiasAdd (and activation) by TensorFlow's optimizer runs as _FusedMatMul)");
  }

  // ------------------------------------------------------------------------------------ threads

  private void threadSettings(PrintStream out) throws IOException {
    List<int[]> settings = parsedThreadSettings;
    out.printf(Locale.ROOT, "== threads: sample VAE, resident data, batch sizes %s; each setting in %d fresh JVMs"
        + " per batch size, passes interleaved; 100 warm-up steps, then the median of 5 blocks of 50 steps"
        + " per JVM ==%n", batchSizes, threadPasses);
    // setting -> batch -> the JVMs' medians
    Map<String, Map<Integer, double[]>> medians = new LinkedHashMap<>();
    for (int[] s : settings) {
      Map<Integer, double[]> perBatch = new LinkedHashMap<>();
      batchSizes.forEach(b -> perBatch.put(b, new double[threadPasses]));
      medians.put(s[0] + "/" + s[1] + "/" + s[2], perBatch);
    }
    for (int pass = 0; pass < threadPasses; pass++) {
      for (int batch : batchSizes) {
        for (int[] s : settings) {
          Map<String, String> r = BenchChild.run(List.of("steps", Integer.toString(s[0]), Integer.toString(s[1]),
              Integer.toString(s[2]), Integer.toString(batch), "100", "5", "50"), 600);
          medians.get(s[0] + "/" + s[1] + "/" + s[2]).get(batch)[pass] = Double.parseDouble(r.get("median_ms"));
        }
      }
    }
    List<String> header = new ArrayList<>(List.of("intra/inter/towers"));
    batchSizes.forEach(b -> header.add("batch " + b + " ms/step"));
    batchSizes.forEach(b -> header.add("batch " + b + " per JVM"));
    TextTable table = new TextTable(1, header.toArray(String[]::new));
    Map<Integer, String> best = new LinkedHashMap<>();
    for (Map.Entry<String, Map<Integer, double[]>> e : medians.entrySet()) {
      List<String> cells = new ArrayList<>(List.of(e.getKey()));
      for (int batch : batchSizes) {
        double m = median(e.getValue().get(batch));
        cells.add(fmt("%.3f", m));
        String b = best.get(batch);
        if (b == null || m < median(medians.get(b).get(batch))) {
          best.put(batch, e.getKey());
        }
      }
      for (int batch : batchSizes) {
        cells.add(String.join(" ", Arrays.stream(e.getValue().get(batch)).mapToObj(v -> fmt("%.2f", v)).toList()));
      }
      table.row(cells.toArray(String[]::new));
    }
    table.print(out);
    out.println("(median over the JVMs of each JVM's median; 0 = TensorFlow chooses; the defaults are "
        + ThreadSettings.defaults() + ")");
    for (Map.Entry<Integer, String> e : best.entrySet()) {
      summary.add(new String[] {"fastest thread setting (intra/inter/towers), batch " + e.getKey() + ", median ms/step",
          e.getValue() + ": " + fmt("%.3f", median(medians.get(e.getValue()).get(e.getKey()))), "", ""});
    }
  }

  // ------------------------------------------------------------------------------------ helpers

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /** The median of {@code a[i] / b[i]}: paired by round, so that both sides of a round share its machine. */
  static double medianRatio(double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = a[i] / b[i];
    }
    return median(r);
  }

  static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  static String percent(double fraction) {
    return fmt("%.0f%%", 100 * fraction);
  }

  static String fmt(String format, double v) {
    return String.format(Locale.ROOT, format, v);
  }
}
