package dev.helmholtz.train;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * {@link ProgressListener#progressBar(PrintStream)}: one me.tongfei:progressbar bar per epoch
 * (batches done, elapsed time, ETA, running objective and throughput) and per long task; epoch
 * summaries, validation and the final line as plain lines, as the console listener prints them.
 */
final class ProgressBarListener implements ProgressListener {
  /** Width used when the output is not a terminal whose width can be asked. */
  static final int DEFAULT_WIDTH = 110;

  private final PrintStream out;
  private final boolean askTerminalWidth;
  private final ConsoleProgressListener lines;
  private ProgressBar bar;
  private int epochs;

  ProgressBarListener(PrintStream out) {
    this(out, System.console() != null);
  }

  ProgressBarListener(PrintStream out, boolean askTerminalWidth) {
    this.out = Objects.requireNonNull(out, "out");
    this.askTerminalWidth = askTerminalWidth;
    this.lines = new ConsoleProgressListener(out, false);
  }

  private ProgressBarBuilder builder(String task, long max) {
    ProgressBarConsumer consumer = askTerminalWidth
        ? new ConsoleProgressBarConsumer(out)
        : new ConsoleProgressBarConsumer(out, DEFAULT_WIDTH);
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setStyle(ProgressBarStyle.UNICODE_BLOCK)
        .setUpdateIntervalMillis(250)
        .setConsumer(consumer);
  }

  @Override
  public synchronized void epochStarted(int epoch, int epochs, int batches) {
    closeBar();
    this.epochs = epochs;
    lines.epochStarted(epoch, epochs, batches);
    bar = builder(label(epoch), batches).clearDisplayOnFinish().build();
  }

  @Override
  public synchronized void progress(
      int epoch, int batch, int batches, double runningObjective, double examplesPerSecond) {
    if (bar == null) {
      bar = builder(label(epoch), batches).clearDisplayOnFinish().build();
    }
    bar.stepTo(batch);
    bar.setExtraMessage(String.format(Locale.ROOT, "objective %.2f  %,.0f ex/s",
        runningObjective, examplesPerSecond));
  }

  @Override
  public synchronized void epochFinished(
      int epoch, double meanObjective, double examplesPerSecond, Duration took) {
    if (bar != null) {
      bar.stepTo(Math.max(bar.getCurrent(), bar.getMax()));
      bar.setExtraMessage(String.format(Locale.ROOT, "mean objective %.2f", meanObjective));
      closeBar();
    }
    lines.epochFinished(epoch, meanObjective, examplesPerSecond, took);
  }

  @Override
  public synchronized void validated(int epoch, double objective) {
    lines.validated(epoch, objective);
  }

  @Override
  public synchronized void checkpointWritten(long step, java.nio.file.Path checkpoint) {
    lines.checkpointWritten(step, checkpoint);
  }

  @Override
  public synchronized void finished(TrainingSummary summary) {
    closeBar();
    lines.finished(summary);
  }

  @Override
  public synchronized TaskProgress task(String name, long total, String unit) {
    closeBar();
    ProgressBar taskBar = builder(name, total).setUnit(" " + unit, 1).showSpeed().build();
    return new TaskProgress() {
      @Override
      public void advance(long units) {
        taskBar.stepBy(units);
      }

      @Override
      public void close() {
        taskBar.close();
      }
    };
  }

  private String label(int epoch) {
    return epochs > 0 ? "epoch " + epoch + "/" + epochs : "epoch " + epoch;
  }

  private void closeBar() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  @Override
  public String toString() {
    return "ProgressListener.progressBar()";
  }
}
