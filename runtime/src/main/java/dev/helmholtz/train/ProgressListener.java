package dev.helmholtz.train;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the training loop reports. Every method has an empty default, so a listener overrides only
 * what it needs. Epochs and batches are numbered from 1.
 */
public interface ProgressListener {

  /** An epoch of {@code batches} batches begins. */
  default void epochStarted(int epoch, int epochs, int batches) {}

  /**
   * Progress inside an epoch: {@code batch} of {@code batches} done, with the mean objective of
   * the epoch so far and the recent throughput. Called at most every {@link Training#logEvery()}.
   */
  default void progress(
      int epoch, int batch, int batches, double runningObjective, double examplesPerSecond) {}

  /** An epoch ended, with its mean objective, throughput and wall-clock time. */
  default void epochFinished(
      int epoch, double meanObjective, double examplesPerSecond, Duration took) {}

  /** The objective on the validation data after {@code epoch}; higher is better. */
  default void validated(int epoch, double objective) {}

  /** A checkpoint of the state after {@code step} is complete at {@code checkpoint}. */
  default void checkpointWritten(long step, Path checkpoint) {}

  /** Training ended (see {@link TrainingSummary#stopReason()} for why). */
  default void finished(TrainingSummary summary) {}

  /**
   * A long task outside the epochs begins, such as an importance-sampled log-likelihood: {@code
   * total} units (examples, samples, ...) named {@code unit}. The default reports nothing.
   */
  default TaskProgress task(String name, long total, String unit) {
    return TaskProgress.NONE;
  }

  /**
   * Human-readable progress, one line per update:
   *
   * <pre>
   * epoch 2/10  [ 312/469]  objective -102.31  9,840 ex/s
   * </pre>
   *
   * then per epoch {@code epoch 2/10  [ 469/469]  objective -101.87  9,912 ex/s  6.1 s} and at the
   * end {@code done  10 epochs  4,690 steps  600,320 examples  objective -98.12  9,870 ex/s  1 min
   * 01 s  data resident} (the {@link DataPath} training used). On a terminal ({@code System.console() != null}) the progress line is rewritten in
   * place with a carriage return; otherwise (CI logs, redirected output) every update is a plain
   * line. Numbers use {@link java.util.Locale#ROOT} (',' groups thousands, '.' is the decimal
   * point) so logs look the same everywhere.
   */
  static ProgressListener console(PrintStream out) {
    return new ConsoleProgressListener(out, System.console() != null);
  }

  /**
   * A progress bar per epoch and per long task, with rate and ETA (me.tongfei:progressbar), on
   * {@code out}; meant for a terminal. Ask for progress often, e.g. {@code
   * logEvery(Duration.ofMillis(250))}, so the bar moves smoothly.
   */
  static ProgressListener progressBar(PrintStream out) {
    return new ProgressBarListener(out);
  }

  /** Reports nothing. */
  static ProgressListener silent() {
    return ConsoleProgressListener.SILENT;
  }
}
