package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.train.Checkpoints;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a running {@code vae} process: it finishes the step, writes a checkpoint, exits
 * with 130, and {@code --resume} continues from that checkpoint.
 */
class InterruptTest {

  @Test
  void sigtermFinishesTheStepWritesACheckpointAndExits130(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("out");
    List<String> options = List.of("--train-examples", "1000", "--test-examples", "10", "--k", "2",
        "--checkpoint-every", "0", "--progress", "lines", "--output", output.toString());
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        HelmholtzCli.class.getName(), "vae", "--epochs", "10000"));
    command.addAll(options);
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      boolean signalled = false;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        if (!signalled && line.startsWith("epoch 2/10000")) {
          // SIGTERM; Process.destroy() would also close the stream being read.
          ProcessHandle.of(child.pid()).orElseThrow().destroy();
          signalled = true;
        }
      }
    } finally {
      if (!child.waitFor(60, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
    String log = String.join("\n", lines);
    assertEquals(ExitCodes.INTERRUPTED, child.exitValue(), log);
    assertTrue(log.contains("SIGTERM: finishing the current step, then writing a checkpoint"), log);
    assertTrue(log.contains("interrupted (SIGTERM) after step "), log);
    Path checkpoint = Checkpoints.latest(output.resolve("checkpoints")).orElseThrow(() -> new AssertionError(log));
    Properties state = Checkpoints.properties(checkpoint);
    long step = Long.parseLong(state.getProperty("training.step"));
    int epoch = Integer.parseInt(state.getProperty("training.epoch"));
    assertTrue(step >= 20 && epoch >= 2, "stopped in epoch 2 or later (10 steps per epoch): " + state);

    // Resume, in this JVM, to the end of the epoch it was in.
    List<String> resume = new ArrayList<>(List.of("vae", "--epochs", Integer.toString(epoch), "--resume"));
    resume.addAll(options);
    assertEquals(ExitCodes.OK, HelmholtzCli.commandLine().execute(resume.toArray(String[]::new)));
    String metrics = java.nio.file.Files.readString(output.resolve("metrics.json"));
    assertTrue(metrics.contains("\"steps\": " + (10L * epoch)), metrics);
  }
}
