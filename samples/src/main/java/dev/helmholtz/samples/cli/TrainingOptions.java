package dev.helmholtz.samples.cli;

import dev.helmholtz.train.LearningRateSchedule;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.io.PrintStream;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Optimizer, seed, threads and progress options shared by the training commands. */
final class TrainingOptions {
  @Option(names = "--batch-size", defaultValue = "100", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "1e-3", description = "Adam's (base) learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--lr-schedule", defaultValue = "constant", paramLabel = "SCHEDULE",
      description = "Learning-rate schedule: constant, step:EVERY_EPOCHS:FACTOR (e.g. step:30:0.5) or"
          + " exp:RATE:DECAY_STEPS (e.g. exp:0.96:1000) (default: ${DEFAULT-VALUE}).")
  String schedule;

  @Option(names = "--clip-norm", defaultValue = "0", paramLabel = "NORM",
      description = "Clip gradients to this global norm; 0 for no clipping (default: ${DEFAULT-VALUE}).")
  double clipNorm;

  @Option(names = "--seed", defaultValue = "1", description = "Seed for initialization, batching and sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", split = ",", paramLabel = "INTRA[,INTER[,TOWERS]]", hideParamSyntax = true,
      description = "TensorFlow intra-op,inter-op threads and the towers a training batch is split into (default: measured defaults).")
  int[] threads;

  @Option(names = "--progress", defaultValue = "auto", paramLabel = "STYLE",
      description = "Progress display: bar (with ETA), lines, none, or auto: bar on a terminal, lines"
          + " otherwise (default: ${DEFAULT-VALUE}).")
  String progress;

  ThreadSettings threadSettings() {
    if (threads != null && threads.length > 3) {
      throw new IllegalArgumentException("--threads takes INTRA, INTRA,INTER or INTRA,INTER,TOWERS, got "
          + threads.length + " numbers");
    }
    return ThreadSettings.fromCounts(threads);
  }

  /** The progress listener chosen by {@code --progress}. */
  ProgressListener progressListener(PrintStream out) {
    return switch (progress) {
      case "bar" -> ProgressListener.progressBar(out);
      case "lines" -> ProgressListener.console(out);
      case "none" -> ProgressListener.silent();
      case "auto" -> System.console() != null ? ProgressListener.progressBar(out) : ProgressListener.console(out);
      default -> throw new IllegalArgumentException(
          "--progress must be bar, lines, none or auto, was '" + progress + "'");
    };
  }

  /** A bar redraws often; lines every few seconds. */
  Duration logEvery() {
    boolean bar = progress.equals("bar") || progress.equals("auto") && System.console() != null;
    return bar ? Duration.ofMillis(250) : Duration.ofSeconds(5);
  }

  /** These options applied to {@code base}; every value is checked here, before anything loads. */
  Training apply(Training base, PrintStream out) {
    Training t = base.batchSize(batchSize).adam(learningRate).seed(seed)
        .learningRateSchedule(LearningRateSchedule.parse(schedule))
        .logEvery(logEvery()).progress(progressListener(out));
    if (clipNorm != 0) {
      if (!(clipNorm > 0)) {
        throw new IllegalArgumentException("--clip-norm must be > 0 (or 0 for no clipping), was " + clipNorm);
      }
      t = t.clipGradientNorm(clipNorm);
    }
    return t;
  }
}
