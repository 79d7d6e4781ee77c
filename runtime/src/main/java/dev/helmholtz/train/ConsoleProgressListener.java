package dev.helmholtz.train;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/** {@link ProgressListener#console(PrintStream)} and {@link ProgressListener#silent()}. */
final class ConsoleProgressListener implements ProgressListener {

  static final ProgressListener SILENT =
      new ProgressListener() {
        @Override
        public String toString() {
          return "ProgressListener.silent()";
        }
      };

  /** Console progress on whatever {@code System.out} is when each line is printed. */
  static final ConsoleProgressListener STDOUT =
      new ConsoleProgressListener(() -> System.out, System.console() != null);

  private final Supplier<PrintStream> stream;
  private final boolean interactive;
  private PrintStream out;
  private int epochs;
  /** Length of the line last printed without a newline (interactive mode), 0 if none. */
  private int pending;

  ConsoleProgressListener(PrintStream out, boolean interactive) {
    Objects.requireNonNull(out, "out");
    this.stream = () -> out;
    this.interactive = interactive;
  }

  private ConsoleProgressListener(Supplier<PrintStream> stream, boolean interactive) {
    this.stream = stream;
    this.interactive = interactive;
  }

  @Override
  public synchronized void epochStarted(int epoch, int epochs, int batches) {
    this.epochs = epochs;
  }

  @Override
  public synchronized void progress(
      int epoch, int batch, int batches, double runningObjective, double examplesPerSecond) {
    out = stream.get();
    int width = Integer.toString(Math.max(batches, 0)).length() + 1;
    String line =
        String.format(
            Locale.ROOT,
            "%s  [%" + width + "d/%d]  objective %.2f  %,.0f ex/s",
            epochLabel(epoch),
            batch,
            batches,
            runningObjective,
            examplesPerSecond);
    if (interactive) {
      rewrite(line);
    } else {
      out.println(line);
    }
    out.flush();
  }

  @Override
  public synchronized void epochFinished(
      int epoch, double meanObjective, double examplesPerSecond, Duration took) {
    out = stream.get();
    String line =
        String.format(
            Locale.ROOT,
            "%s  mean objective %.2f  %,.0f ex/s  %s",
            epochLabel(epoch),
            meanObjective,
            examplesPerSecond,
            format(took));
    if (interactive) {
      rewrite(line);
      out.println();
      pending = 0;
    } else {
      out.println(line);
    }
    out.flush();
  }

  @Override
  public synchronized void validated(int epoch, double objective) {
    printLine(String.format(Locale.ROOT, "%s  validation objective %.2f", epochLabel(epoch), objective));
  }

  @Override
  public synchronized void checkpointWritten(long step, Path checkpoint) {
    printLine(String.format(Locale.ROOT, "checkpoint after step %,d: %s", step, checkpoint));
  }

  /** Prints a whole line, ending a pending in-place line first. */
  private void printLine(String line) {
    out = stream.get();
    if (pending > 0) {
      out.println();
      pending = 0;
    }
    out.println(line);
    out.flush();
  }

  /**
   * Prints the task's start, then a line each time another tenth of it is done (rewritten in
   * place on a terminal), with the elapsed time and an estimate of the time left.
   */
  @Override
  public synchronized TaskProgress task(String name, long total, String unit) {
    long start = System.nanoTime();
    printLine(String.format(Locale.ROOT, "%s: %,d %s", name, total, unit));
    return new TaskProgress() {
      private long done;
      private long reportedTenths;
      private boolean closed;

      @Override
      public void advance(long units) {
        synchronized (ConsoleProgressListener.this) {
          done += units;
          long tenths = total <= 0 ? 0 : Math.min(10, done * 10 / total);
          if (tenths > reportedTenths && !closed) {
            reportedTenths = tenths;
            double seconds = (System.nanoTime() - start) / 1e9;
            double left = done >= total ? 0 : seconds * (total - done) / Math.max(1, done);
            String line = String.format(Locale.ROOT, "%s  [%,d/%,d %s]  %3d%%  %s elapsed, ETA %s",
                name, done, total, unit, tenths * 10, format(Duration.ofMillis((long) (seconds * 1000))),
                format(Duration.ofMillis((long) (left * 1000))));
            out = stream.get();
            if (interactive) {
              rewrite(line);
            } else {
              out.println(line);
            }
            out.flush();
          }
        }
      }

      @Override
      public void close() {
        synchronized (ConsoleProgressListener.this) {
          if (!closed && pending > 0) {
            out.println();
            pending = 0;
          }
          closed = true;
        }
      }
    };
  }

  @Override
  public synchronized void finished(TrainingSummary s) {
    out = stream.get();
    if (pending > 0) {
      out.println();
      pending = 0;
    }
    if (s.trainedNothing()) {
      out.println(nothingTrained(s));
      out.flush();
      return;
    }
    out.println(
        String.format(
            Locale.ROOT,
            "%s  %,d %s  %,d steps  %,d examples  objective %.2f  %,.0f ex/s  %s  data %s",
            s.stopReason() == StopReason.COMPLETED ? "done"
                : s.stopReason() == StopReason.MAX_STEPS ? "stopped at the step limit"
                : s.stopReason() == StopReason.EARLY_STOPPED ? "stopped early"
                : "interrupted",
            s.epochs(),
            s.epochs() == 1 ? "epoch" : "epochs",
            s.steps(),
            s.examples(),
            s.finalObjective(),
            s.examplesPerSecond(),
            format(s.took()),
            s.dataPath().name().toLowerCase(Locale.ROOT)));
    out.flush();
  }

  /** For a run resumed from a checkpoint with no epoch left to train: that, plainly, and what it holds. */
  private static String nothingTrained(TrainingSummary s) {
    EpochRecord last = s.history().isEmpty() ? null : s.history().get(s.history().size() - 1);
    String holds = last == null ? ""
        : String.format(Locale.ROOT, " (%,d %s, %,d steps, objective %.2f)", last.epoch(),
            last.epoch() == 1 ? "epoch" : "epochs", last.step(), last.trainObjective());
    return "nothing trained: the checkpoint" + s.lastCheckpoint().map(p -> " " + p).orElse("")
        + " had already finished the requested epochs" + holds;
  }

  private String epochLabel(int epoch) {
    return epochs > 0 ? "epoch " + epoch + "/" + epochs : "epoch " + epoch;
  }

  /** Carriage return, the line, and blanks over what is left of a longer previous line. */
  private void rewrite(String line) {
    StringBuilder b = new StringBuilder(Math.max(line.length(), pending) + 1).append('\r');
    b.append(line);
    for (int i = line.length(); i < pending; i++) {
      b.append(' ');
    }
    out.print(b);
    pending = line.length();
  }

  /** "850 ms", "6.1 s", "2 min 03 s", "1 h 02 min 03 s". */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    long s = d.toSeconds();
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min %02d s", s / 3600, s / 60 % 60, s % 60);
  }

  @Override
  public String toString() {
    return "ProgressListener.console(" + (interactive ? "terminal" : "plain lines") + ")";
  }
}
