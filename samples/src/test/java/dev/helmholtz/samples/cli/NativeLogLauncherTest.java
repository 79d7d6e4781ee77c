package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TensorFlow's native log lines are hidden unless --verbose asks for them. */
class NativeLogLauncherTest {
  private static final String ABSL_NOTICE =
      "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n";
  private static final String ABSL_INFO =
      "I0000 00:00:1796576326.834775    6259 mlir_graph_optimization_pass.cc:401] MLIR V1 optimization pass is not enabled\n";

  @Test
  void theFilterDropsAbslInfoLinesAndKeepsEverythingElse() {
    String kept = "[INFO] CheckpointManager - wrote step-0000000010\n"
        + "W0000 00:00:1796576326.834775    6259 some_pass.cc:12] a warning stays\n"
        + "SIGTERM: finishing the current step, then writing a checkpoint\n"
        + "a last line without a newline, \u00e9";
    String stderr = ABSL_NOTICE + "[INFO] CheckpointManager - wrote step-0000000010\n" + ABSL_INFO
        + "W0000 00:00:1796576326.834775    6259 some_pass.cc:12] a warning stays\n"
        + "SIGTERM: finishing the current step, then writing a checkpoint\n"
        + "a last line without a newline, \u00e9";
    assertEquals(kept, filtered(new ByteArrayInputStream(stderr.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void textThatCannotBecomeADroppedLineIsPassedOnAtOnce() {
    // A reader that hands out a progress line (no newline yet) and then fails the test if read again
    // before the filter has written what it had.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = new InputStream() {
      private int reads;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (reads++ == 0) {
          byte[] chunk = "\rlog-likelihood  40%".getBytes(StandardCharsets.UTF_8);
          System.arraycopy(chunk, 0, b, off, chunk.length);
          return chunk.length;
        }
        assertEquals("\rlog-likelihood  40%", out.toString(StandardCharsets.UTF_8), "held back");
        return -1;
      }
    };
    NativeLogLauncher.filter(in, out);
    assertEquals("\rlog-likelihood  40%", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aLineSplitAcrossReadsIsStillDropped() {
    byte[] all = (ABSL_INFO + "kept\n").getBytes(StandardCharsets.UTF_8);
    InputStream in = new InputStream() {
      private int at;

      @Override
      public int read() {
        return at < all.length ? all[at++] & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (at == all.length) {
          return -1;
        }
        b[off] = all[at++]; // one byte a read
        return 1;
      }
    };
    assertEquals("kept\n", filtered(in));
  }

  /** The vae command in a JVM of its own, as java -jar runs it: quiet, then with --verbose. */
  @Test
  void theCommandLineHidesTensorFlowsStartUpLinesUnlessVerbose(@TempDir Path dir) throws Exception {
    // The two runs side by side: each JVM spends most of its time starting up.
    var verboseRun = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return stderrOf(dir.resolve("verbose"), NativeLogLauncher.VERBOSE);
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    String quiet = stderrOf(dir.resolve("quiet"));
    String verbose = verboseRun.get(180, TimeUnit.SECONDS);
    for (String line : new String[] {"oneDNN", "cpu_feature_guard", "absl::InitializeLog", "mlir_graph_optimization"}) {
      assertFalse(quiet.contains(line), () -> "'" + line + "' in:\n" + quiet);
    }
    assertTrue(verbose.contains("absl::InitializeLog") && verbose.contains("I tensorflow/"), verbose);
  }

  /**
   * SIGKILL to the launching JVM: the command's JVM, left behind, stops as on SIGTERM (finishes the
   * step, writes its checkpoint, exits) instead of training on unseen.
   */
  @Test
  void theCommandStopsWithACheckpointWhenItsLauncherIsKilled(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("out");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        HelmholtzCli.class.getName(), "vae", "--epochs", "10000", "--train-examples", "1000",
        "--test-examples", "10", "--k", "2", "--checkpoint-every", "0", "--progress", "lines",
        "--output", output.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove(NativeLogLauncher.LOG_LEVEL_VARIABLE);
    Process launcher = builder.start();
    List<String> lines = new ArrayList<>();
    ProcessHandle child = null;
    boolean stoppedByItself = false;
    try (java.io.BufferedReader out = new java.io.BufferedReader(
        new java.io.InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) { // the child's stdout stays open after the kill
        lines.add(line);
        if (child == null && line.startsWith("epoch 2/10000")) {
          child = launcher.toHandle().children().findFirst().orElseThrow(() -> new AssertionError(lines));
          launcher.toHandle().destroyForcibly(); // SIGKILL; Process.destroyForcibly() would close the stream read here
          ProcessHandle orphan = child; // killed after a minute if it runs on, so that this read ends
          java.util.concurrent.CompletableFuture.delayedExecutor(60, TimeUnit.SECONDS)
              .execute(orphan::destroyForcibly);
        }
      }
      stoppedByItself = child != null && child.onExit().get(10, TimeUnit.SECONDS) != null
          && state(output) != null;
    } finally {
      launcher.destroyForcibly();
    }
    String log = String.join("\n", lines);
    assertTrue(child != null, () -> "no 'epoch 2' line:\n" + log);
    assertTrue(stoppedByItself, () -> "the command's JVM did not stop with a checkpoint after its launcher was killed:\n" + log);
    java.util.Properties state = state(output);
    assertTrue(Integer.parseInt(state.getProperty("training.epoch")) >= 2, state::toString);
  }

  private static java.util.Properties state(Path output) throws java.io.IOException {
    var latest = dev.helmholtz.train.Checkpoints.latest(output.resolve("checkpoints"));
    return latest.isPresent() ? dev.helmholtz.train.Checkpoints.properties(latest.get()) : null;
  }

  private static String stderrOf(Path output, String... first) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        HelmholtzCli.class.getName()));
    command.addAll(List.of(first));
    command.addAll(List.of("vae", "--epochs", "1", "--train-examples", "100", "--test-examples", "10",
        "--k", "2", "--progress", "none", "--output", output.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().remove(NativeLogLauncher.LOG_LEVEL_VARIABLE);
    Process child = builder.start();
    byte[] stderr;
    try (InputStream err = child.getErrorStream()) {
      stderr = err.readAllBytes();
    }
    if (!child.waitFor(120, TimeUnit.SECONDS)) {
      child.destroyForcibly();
    }
    String text = new String(stderr, StandardCharsets.UTF_8);
    assertEquals(0, child.exitValue(), text);
    return text;
  }

  private static String filtered(InputStream in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NativeLogLauncher.filter(in, out);
    return out.toString(StandardCharsets.UTF_8);
  }
}
