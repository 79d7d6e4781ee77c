package dev.helmholtz.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConsoleProgressListenerTest {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static void feed(ProgressListener l) {
    l.epochStarted(2, 10, 469);
    l.progress(2, 1, 469, -110.5, 812.4);
    l.progress(2, 312, 469, -102.3149, 9840.2);
    l.epochFinished(2, -101.866, 9912.0, Duration.ofMillis(6080));
    l.finished(new TrainingSummary(10, 4690, 600_320, -98.12, Duration.ofSeconds(61), 9870.4, DataPath.RESIDENT));
  }

  @Test
  void plainLinesWhenNotOnATerminal() {
    feed(new ConsoleProgressListener(out, false));
    assertEquals(
        String.join(
            System.lineSeparator(),
            "epoch 2/10  [   1/469]  objective -110.50  812 ex/s",
            "epoch 2/10  [ 312/469]  objective -102.31  9,840 ex/s",
            "epoch 2/10  mean objective -101.87  9,912 ex/s  6.1 s",
            "done  10 epochs  4,690 steps  600,320 examples  objective -98.12  9,870 ex/s"
                + "  1 min 01 s  data resident",
            ""),
        output());
    assertFalse(output().contains("\r"));
  }

  @Test
  void carriageReturnUpdatesOnATerminal() {
    feed(new ConsoleProgressListener(out, true));
    String nl = System.lineSeparator();
    String first = "epoch 2/10  [   1/469]  objective -110.50  812 ex/s";
    String second = "epoch 2/10  [ 312/469]  objective -102.31  9,840 ex/s";
    String epoch = "epoch 2/10  mean objective -101.87  9,912 ex/s  6.1 s";
    assertEquals(
        "\r" + first
            + "\r" + second
            + "\r" + epoch + " ".repeat(second.length() - epoch.length()) + nl
            + "done  10 epochs  4,690 steps  600,320 examples  objective -98.12  9,870 ex/s"
            + "  1 min 01 s  data resident" + nl,
        output());
  }

  @Test
  void finishedEndsAPendingProgressLine() {
    ProgressListener l = new ConsoleProgressListener(out, true);
    l.epochStarted(1, 1, 9);
    l.progress(1, 3, 9, 1.0, 10.0);
    l.finished(new TrainingSummary(1, 3, 30, 1.0, Duration.ofMillis(250), 120.0, DataPath.FED));
    String nl = System.lineSeparator();
    assertEquals(
        "\repoch 1/1  [ 3/9]  objective 1.00  10 ex/s" + nl
            + "done  1 epoch  3 steps  30 examples  objective 1.00  120 ex/s  250 ms  data fed" + nl,
        output());
  }

  @Test
  void silentPrintsNothing() {
    PrintStream saved = System.out;
    System.setOut(out);
    try {
      feed(ProgressListener.silent());
    } finally {
      System.setOut(saved);
    }
    assertEquals("", output());
  }

  @Test
  void consoleWritesToTheGivenStream() {
    feed(ProgressListener.console(out));
    assertTrue(output().contains("[ 312/469]  objective -102.31  9,840 ex/s"), output());
    assertTrue(output().endsWith("1 min 01 s  data resident" + System.lineSeparator()), output());
  }

  @Test
  void durations() {
    assertEquals("850 ms", ConsoleProgressListener.format(Duration.ofMillis(850)));
    assertEquals("6.1 s", ConsoleProgressListener.format(Duration.ofMillis(6080)));
    assertEquals("2 min 03 s", ConsoleProgressListener.format(Duration.ofSeconds(123)));
    assertEquals("1 h 02 min 03 s", ConsoleProgressListener.format(Duration.ofSeconds(3723)));
  }

  @Test
  void validationCheckpointsTasksAndStopReasonsArePlainLines() {
    ConsoleProgressListener l = new ConsoleProgressListener(out, false);
    l.epochStarted(3, 5, 10);
    l.validated(3, -98.765);
    l.checkpointWritten(1200, java.nio.file.Path.of("ckpt", "step-0000001200"));
    try (TaskProgress task = l.task("log-likelihood (k = 5000)", 200, "examples")) {
      for (int i = 0; i < 8; i++) {
        task.advance(25);
      }
    }
    l.finished(new TrainingSummary(3, 10, 1000, -99.0, Duration.ofMillis(900), 1111, DataPath.RESIDENT,
        StopReason.INTERRUPTED, java.util.List.of(), null));
    String[] lines = output().split(System.lineSeparator());
    assertEquals("epoch 3/5  validation objective -98.77", lines[0]);
    assertEquals("checkpoint after step 1,200: " + java.nio.file.Path.of("ckpt", "step-0000001200"), lines[1]);
    assertEquals("log-likelihood (k = 5000): 200 examples", lines[2]);
    assertTrue(lines[3].startsWith("log-likelihood (k = 5000)  [25/200 examples]   10%  "), lines[3]);
    assertTrue(lines[3].contains("elapsed, ETA "), lines[3]);
    assertTrue(lines[10].startsWith("log-likelihood (k = 5000)  [200/200 examples]  100%  "), lines[10]);
    assertTrue(lines[11].startsWith("interrupted  3 epochs  10 steps"), lines[11]);
    assertEquals(12, lines.length);
  }

  @Test
  void aResumedRunWithNothingLeftSaysSoInsteadOfAZeroThroughput() {
    java.nio.file.Path checkpoint = java.nio.file.Path.of("ckpt", "step-0000000020");
    TrainingSummary nothing = new TrainingSummary(1, 0, 0, -385.99, Duration.ofMillis(1300), 0,
        DataPath.RESIDENT, StopReason.COMPLETED,
        java.util.List.of(new EpochRecord(1, 20, -385.99, Double.NaN, 1e-3, 1.1)), checkpoint);
    assertTrue(nothing.trainedNothing());
    new ConsoleProgressListener(out, false).finished(nothing);
    new ProgressBarListener(out, false).finished(nothing);
    String line = "nothing trained: the checkpoint " + checkpoint + " had already finished the requested"
        + " epochs (1 epoch, 20 steps, objective -385.99)" + System.lineSeparator();
    assertEquals(line + line, output());
  }

  @Test
  void progressBarShowsEpochsAndTasksWithAnEta() throws Exception {
    ProgressListener bar = new ProgressBarListener(out, false);
    bar.epochStarted(1, 2, 40);
    for (int b = 1; b <= 40; b += 13) {
      bar.progress(1, b, 40, -150.25, 9000);
      Thread.sleep(5);
    }
    bar.epochFinished(1, -140.5, 9100, Duration.ofMillis(800));
    try (TaskProgress task = bar.task("log-likelihood (k = 100)", 1000, "examples")) {
      task.advance(400);
      Thread.sleep(300);
      task.advance(600);
    }
    bar.finished(new TrainingSummary(1, 40, 4000, -140.5, Duration.ofMillis(800), 5000, DataPath.RESIDENT));
    String text = output();
    assertTrue(text.contains("epoch 1/2  mean objective -140.50"), text);
    assertTrue(text.contains("log-likelihood (k = 100) 100%") || text.contains("log-likelihood (k = 100)"), text);
    assertTrue(text.contains("1000/1000"), text);
    assertTrue(text.contains("done  1 epoch  40 steps"), text);
  }
}
