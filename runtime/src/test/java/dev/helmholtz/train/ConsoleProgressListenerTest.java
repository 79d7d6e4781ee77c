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
}
