package dev.helmholtz.samples.cli;

import dev.helmholtz.data.GaussianRing;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.mmd.RingMmd;
import dev.helmholtz.samples.mmd.RingMmdModel;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Trains a moment-matching generator on the ring of 8 Gaussians and reports how many modes it covers. */
@Command(
    name = "mmd-ring",
    mixinStandardHelpOptions = true,
    description = "Trains a moment-matching generator (MMD^2 under Gaussian kernels of bandwidths 0.05 to 2; no"
        + " critic) on the 2-D ring of 8 Gaussians (radius 2, std 0.05), then prints the modes covered, the"
        + " fraction of high-quality samples (within 3 std of a centre) and MMD^2 on held-out ring draws;"
        + " writes samples.csv and metrics.json.")
public final class MmdRingCommand implements Callable<Integer> {
  @Option(names = "--steps", defaultValue = "3000", description = "Generator updates (default: ${DEFAULT-VALUE}).")
  long steps;

  @Option(names = "--batch-size", defaultValue = "512", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--samples", defaultValue = "2500", description = "Samples scored against the ring (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--seed", defaultValue = "1", description = "Seed for data, initialization and sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--output", defaultValue = "out/mmd-ring", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Override
  public Integer call() throws IOException {
    if (steps < 1 || samples < 2) {
      throw new IllegalArgumentException("--steps must be at least 1 and --samples at least 2, were " + steps
          + " and " + samples);
    }
    // The directory is this run's until it returns: a second run on it is refused here.
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return train();
    }
  }

  private int train() throws IOException {
    GaussianRing ring = GaussianRing.eight();
    try (RingMmdModel mmd = RingMmdModel.create(new RingMmd(), Seed.of(seed), ThreadSettings.defaults())) {
      TrainingSummary summary = mmd.fit(ring.dataset("x", 50_000, seed), Training.epochs(Integer.MAX_VALUE)
          .maxSteps(steps).batchSize(batchSize).adam(learningRate).seed(seed).progress(ProgressListener.silent()));
      float[][] drawn = mmd.sample(samples);
      GaussianRing.Coverage coverage = ring.coverage(drawn);
      // Held-out draws of the ring (another seed than the training set's).
      double heldOut = mmd.discrepancy(ring.dataset("x", samples, seed + 1_000_003));
      System.out.printf(Locale.ROOT, "trained %d generator steps in %.1f s%n", summary.steps(),
          summary.took().toMillis() / 1e3);
      System.out.printf(Locale.ROOT, "modes covered %d/%d, high-quality samples %.1f%%, per mode %s%n",
          coverage.modesCovered(), ring.modes(), 100 * coverage.highQuality(), Arrays.toString(coverage.perMode()));
      System.out.printf(Locale.ROOT, "MMD^2 to %d held-out ring draws %.5f%n", samples, heldOut);
      try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(output.resolve("samples.csv"), StandardCharsets.UTF_8))) {
        csv.println("x,y");
        for (float[] s : drawn) {
          csv.printf(Locale.ROOT, "%.5f,%.5f%n", s[0], s[1]);
        }
      }
      Map<String, Object> metrics = MnistGanExperiment.metrics("RingMmd, moment matching");
      metrics.put("generator_steps", summary.steps());
      metrics.put("batch_size", batchSize);
      metrics.put("learning_rate", learningRate);
      metrics.put("seed", seed);
      metrics.put("training_seconds", summary.took().toMillis() / 1e3);
      metrics.put("modes_covered", coverage.modesCovered());
      metrics.put("high_quality_fraction", coverage.highQuality());
      metrics.put("held_out_mmd2", heldOut);
      MetricsFile.write(output.resolve("metrics.json"), metrics);
    }
    System.out.println("wrote " + output.resolve("samples.csv") + " and " + output.resolve("metrics.json"));
    return 0;
  }
}
