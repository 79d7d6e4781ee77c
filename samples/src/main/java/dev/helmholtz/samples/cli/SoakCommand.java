package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.vae.Vae;
import dev.helmholtz.samples.vae.VaeModel;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The soak test: a long training run of the sample VAE with everything on (checkpoints,
 * validation, TensorBoard), sampling the process's resident memory as it goes. Leaked tensors or
 * results show as RSS that keeps growing; a healthy run is flat after warm-up.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Soak test: trains the sample VAE for --steps steps with periodic checkpoints,"
        + " validation every epoch and TensorBoard scalars and images, and prints the resident"
        + " memory (VmRSS from /proc/self/status) and Java heap every --sample-every steps. Passes"
        + " when RSS grows by at most --max-growth-mb between the end of warm-up (the second"
        + " sample) and the last sample.",
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {"0:RSS stayed flat.", "1:RSS grew by more than --max-growth-mb, or training failed.",
        ExitCodes.HELP_BAD_INPUT})
public final class SoakCommand implements Callable<Integer> {
  @Option(names = "--steps", defaultValue = "20000", description = "Training steps (default: ${DEFAULT-VALUE}).")
  long steps;

  @Option(names = "--sample-every", defaultValue = "1000", paramLabel = "STEPS",
      description = "Steps between two memory samples; also the checkpoint interval (default: ${DEFAULT-VALUE}).")
  long sampleEvery;

  @Option(names = "--max-growth-mb", defaultValue = "64", paramLabel = "MB",
      description = "Largest RSS growth after warm-up that counts as flat (default: ${DEFAULT-VALUE}).")
  double maxGrowthMb;

  @Option(names = "--train-examples", description = "Train on the first N training images only (default: all 60000).")
  Integer trainExamples;

  @Option(names = "--validation", defaultValue = "1000", paramLabel = "N",
      description = "Test images used as the validation set each epoch (default: ${DEFAULT-VALUE}).")
  int validation;

  @Option(names = "--output", defaultValue = "out/soak",
      description = "Directory for checkpoints and TensorBoard files, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin
  TrainingOptions trainingOptions;

  @Option(names = "--tensorboard-every", defaultValue = "100", paramLabel = "STEPS",
      description = "Steps between TensorBoard scalar writes (default: ${DEFAULT-VALUE}).")
  int tensorBoardEvery;

  @Option(names = "--keep", defaultValue = "2", paramLabel = "N", description = "Checkpoints to keep (default: ${DEFAULT-VALUE}).")
  int keep;

  /** One memory sample. */
  record Sample(long step, double rssMb, double heapMb) {}

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    if (steps < 1 || sampleEvery < 1 || steps < 2 * sampleEvery) {
      throw new IllegalArgumentException("--steps must be at least twice --sample-every (both >= 1), got "
          + steps + " and " + sampleEvery);
    }
    // The training options' own checks, before the data load and the steps-per-epoch division
    // (a message naming --batch-size or --learning-rate, not "/ by zero").
    trainingOptions.apply(Training.epochs(1), out);
    if (!Files.isReadable(Path.of("/proc/self/status"))) {
      throw new IOException("/proc/self/status is not readable: the soak test reads VmRSS there (Linux only)");
    }
    // The directory is this run's until it returns: a second run on it is refused here.
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return soak(out);
    }
  }

  private int soak(PrintStream out) throws IOException {
    Mnist mnist = Mnist.loadDefault();
    Mnist.Split trainSplit = trainExamples == null ? mnist.train() : mnist.train().take(trainExamples);
    Dataset train = trainSplit.dataset("x").dynamicallyBinarized("x");
    Dataset valid = mnist.test().take(validation).dataset("x").binarized("x", trainingOptions.seed);
    int stepsPerEpoch = (train.size() + trainingOptions.batchSize - 1) / trainingOptions.batchSize;
    int epochs = (int) ((steps + stepsPerEpoch - 1) / stepsPerEpoch);

    List<Sample> samples = new ArrayList<>();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    out.printf(Locale.ROOT, "soak: %d steps (%d epochs of %d), batch %d, checkpoint and memory sample every %d steps,"
        + " TensorBoard every %d steps, validation on %d images each epoch%n", steps, epochs, stepsPerEpoch,
        trainingOptions.batchSize, sampleEvery, tensorBoardEvery, valid.size());
    out.printf(Locale.ROOT, "%8s  %9s  %9s  %9s%n", "step", "RSS MB", "Δ MB", "heap MB");
    // Sampled after each checkpoint: the moment with the most tensors in flight just released.
    ProgressListener sampler = new ProgressListener() {
      @Override
      public void checkpointWritten(long step, Path checkpoint) {
        System.gc();
        double heap = memory.getHeapMemoryUsage().getUsed() / 1048576.0;
        Sample s = new Sample(step, rssMb(), heap);
        samples.add(s);
        out.printf(Locale.ROOT, "%8d  %9.1f  %+9.1f  %9.1f%n", s.step(), s.rssMb(),
            s.rssMb() - samples.get(0).rssMb(), s.heapMb());
        out.flush();
      }
    };
    Training training = trainingOptions.apply(Training.epochs(epochs), out)
        .progress(sampler)
        .maxSteps(steps)
        .validation(valid)
        .checkpoints(output.resolve("checkpoints")).checkpointEvery(sampleEvery).keepCheckpoints(keep)
        .tensorBoard(output.resolve("tensorboard")).tensorBoardEvery(tensorBoardEvery);
    TrainingSummary summary;
    long start = System.nanoTime();
    try (VaeModel vae = VaeModel.create(new Vae(), Seed.of(trainingOptions.seed), trainingOptions.threadSettings())) {
      samples.add(new Sample(0, rssMb(), memory.getHeapMemoryUsage().getUsed() / 1048576.0));
      out.printf(Locale.ROOT, "%8d  %9.1f  %+9.1f  %9.1f%n", 0, samples.get(0).rssMb(), 0.0, samples.get(0).heapMb());
      summary = vae.fit(train, training);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // Warm-up: TensorFlow's allocator pools and the JIT settle during the first interval.
    List<Sample> steady = samples.subList(Math.min(2, samples.size() - 1), samples.size());
    Sample first = steady.get(0);
    Sample last = steady.get(steady.size() - 1);
    double growth = last.rssMb() - first.rssMb();
    double slope = slopePerThousandSteps(steady);
    double max = steady.stream().mapToDouble(Sample::rssMb).max().orElse(Double.NaN);
    double min = steady.stream().mapToDouble(Sample::rssMb).min().orElse(Double.NaN);
    boolean flat = growth <= maxGrowthMb;
    out.printf(Locale.ROOT, "%d steps in %.0f s (%.2f ms/step); after warm-up (step %d on): RSS %.1f -> %.1f MB"
        + " (min %.1f, max %.1f), growth %+.1f MB, trend %+.2f MB per 1,000 steps%n",
        summary.steps(), seconds, 1e3 * seconds / Math.max(1, summary.steps()), first.step(),
        first.rssMb(), last.rssMb(), min, max, growth, slope);
    out.println(flat ? "PASS: resident memory is flat (growth <= " + maxGrowthMb + " MB)"
        : "FAIL: resident memory grew by more than " + maxGrowthMb + " MB");
    return flat ? ExitCodes.OK : ExitCodes.TRAINING_FAILED;
  }

  /** Least-squares slope of RSS against step, in MB per 1,000 steps. */
  static double slopePerThousandSteps(List<Sample> samples) {
    int n = samples.size();
    if (n < 2) {
      return 0;
    }
    double mx = samples.stream().mapToDouble(Sample::step).average().orElse(0);
    double my = samples.stream().mapToDouble(Sample::rssMb).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    for (Sample s : samples) {
      sxy += (s.step() - mx) * (s.rssMb() - my);
      sxx += (s.step() - mx) * (s.step() - mx);
    }
    return sxx == 0 ? 0 : 1000 * sxy / sxx;
  }

  /** VmRSS of this process, in MB. */
  static double rssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException("cannot read VmRSS from /proc/self/status: " + e.getMessage(), e);
    }
    throw new IllegalStateException("no VmRSS line in /proc/self/status");
  }
}
