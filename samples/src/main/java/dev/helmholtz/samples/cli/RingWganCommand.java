package dev.helmholtz.samples.cli;

import dev.helmholtz.data.GaussianRing;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.gan.RingWgan;
import dev.helmholtz.samples.gan.RingWganModel;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Checkpoints;
import dev.helmholtz.train.StopReason;
import dev.helmholtz.train.StopRequest;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains WGAN-GP on the ring of 8 Gaussians and reports how many modes it covers. */
@Command(
    name = "wgan-gp-ring",
    mixinStandardHelpOptions = true,
    description = "Trains WGAN-GP (5 critic steps per generator step, gradient penalty 0.1) on the 2-D ring of 8"
        + " Gaussians (radius 2, std 0.05), then prints the modes covered and the fraction of"
        + " high-quality samples (within 3 std of a centre); writes samples.csv and metrics.json.")
public final class RingWganCommand implements Callable<Integer> {
  @Option(names = "--steps", defaultValue = "20000", description = "Critic updates (default: ${DEFAULT-VALUE}).")
  long steps;

  @Option(names = "--batch-size", defaultValue = "256", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "1e-3", description = "Both players' Adam learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--samples", defaultValue = "2500", description = "Samples scored against the ring (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--seed", defaultValue = "1", description = "Seed for data, initialization and sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--output", defaultValue = "out/wgan-gp-ring", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  /** {@code steps} critic updates on 50,000 ring draws. */
  static Training training(long steps, int batchSize, double learningRate, long seed) {
    return Training.epochs(Integer.MAX_VALUE).maxSteps(steps).batchSize(batchSize).adam(learningRate).seed(seed)
        .progress(ProgressListener.silent());
  }

  @Mixin
  ExportOptions export;

  @Mixin
  CheckpointOptions checkpoints;

  /** Critic steps of a checkpoint fit wrote (its name, step-N); 0 for another directory, which fit refuses. */
  private static long criticStepsOf(Path checkpoint) {
    try {
      return Checkpoints.step(checkpoint);
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  @Override
  public Integer call() throws IOException {
    if (steps < 1 || samples < 1) {
      throw new IllegalArgumentException("--steps and --samples must be at least 1, were " + steps + " and " + samples);
    }
    export.requireNew();
    // The directory is this run's until it returns: a second run on it is refused here.
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return train();
    }
  }

  private int train() throws IOException {
    GaussianRing ring = GaussianRing.eight();
    try (RingWganModel wgan = RingWganModel.create(new RingWgan(), Seed.of(seed), ThreadSettings.defaults())) {
      Training training = checkpoints.apply(training(steps, batchSize, learningRate, seed), output);
      long done = 0;
      if (training.resumeFrom() != null) {
        // --steps is the whole run's: a resumed run trains what is left (maxSteps counts one fit call).
        done = criticStepsOf(Checkpoints.resolve(training.resumeFrom()));
        if (done >= steps) {
          throw new IllegalArgumentException("the checkpoint " + training.resumeFrom() + " has " + done
              + " critic steps already, not fewer than --steps " + steps);
        }
        training = training.maxSteps(steps - done);
      }
      StopRequest stop = new StopRequest();
      TrainingSummary summary;
      // The handlers are a scope: SIGINT and SIGTERM request a stop while the fit runs.
      StopRequest.SignalHandlers handlers = stop.onSignals();
      try (handlers) {
        summary = wgan.fit(ring.dataset("x", 50_000, seed), training.stopRequest(stop));
      }
      if (summary.stopReason() == StopReason.INTERRUPTED) {
        System.out.printf(Locale.ROOT, "interrupted (%s) after %d critic steps; checkpoint %s%n",
            stop.reason().orElse("stop requested"), summary.steps(),
            summary.lastCheckpoint().map(Path::toString).orElse("none"));
        System.out.println("continue with the same options and --resume");
        return ExitCodes.INTERRUPTED;
      }
      float[][] drawn = wgan.sample(samples);
      GaussianRing.Coverage coverage = ring.coverage(drawn);
      System.out.printf(Locale.ROOT, "trained %d critic steps in %.1f s%s%n", summary.steps(),
          summary.took().toMillis() / 1e3, done > 0 ? " after the checkpoint's " + done : "");
      System.out.printf(Locale.ROOT, "modes covered %d/%d, high-quality samples %.1f%%, per mode %s%n",
          coverage.modesCovered(), ring.modes(), 100 * coverage.highQuality(), Arrays.toString(coverage.perMode()));
      try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(output.resolve("samples.csv"), StandardCharsets.UTF_8))) {
        csv.println("x,y");
        for (float[] s : drawn) {
          csv.printf(Locale.ROOT, "%.5f,%.5f%n", s[0], s[1]);
        }
      }
      Map<String, Object> metrics = MnistGanExperiment.metrics("RingWgan, WGAN-GP");
      metrics.put("critic_steps", done + summary.steps());
      MetricsFile.putSettingsChanged(metrics, summary);
      metrics.put("batch_size", batchSize);
      metrics.put("learning_rate", learningRate);
      metrics.put("seed", seed);
      metrics.put("training_seconds", summary.took().toMillis() / 1e3);
      metrics.put("modes_covered", coverage.modesCovered());
      metrics.put("high_quality_fraction", coverage.highQuality());
      if (export.requested()) {
        wgan.exportSavedModel(export.directory);
        metrics.put("saved_model", export.directory.toAbsolutePath().toString());
      }
      MetricsFile.write(output.resolve("metrics.json"), metrics);
    }
    System.out.println("wrote " + output.resolve("samples.csv") + " and " + output.resolve("metrics.json")
        + (export.requested() ? "; SavedModel in " + export.directory : ""));
    return 0;
  }
}
