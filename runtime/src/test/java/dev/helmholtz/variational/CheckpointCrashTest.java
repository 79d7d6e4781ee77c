package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.CheckpointManager;
import dev.helmholtz.train.Checkpoints;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed (SIGKILL: no handler, no cleanup) while it writes checkpoints one after
 * another leaves a root whose latest checkpoint is complete and restores.
 */
class CheckpointCrashTest {

  @Test
  void aProcessKilledWhileWritingLeavesALoadableLatestCheckpoint(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("ckpt");
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classPath, CheckpointWriterLoop.class.getName(), root.toString())
        .redirectErrorStream(true).start();
    int written = 0;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("wrote ") && ++written == 15) {
          // Mid-way through writing the 16th, most likely: writes follow each other without a pause.
          ProcessHandle.of(child.pid()).orElseThrow().destroyForcibly();
          break;
        }
      }
    } finally {
      child.destroyForcibly();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
    }
    assertTrue(written == 15, "the child wrote checkpoints: " + written);
    Path latest = Checkpoints.latest(root).orElseThrow();
    assertTrue(Checkpoints.step(latest) >= 15, latest.toString());
    try (LinearGaussian expected = new LinearGaussian(Seed.of(3), ObjectiveKind.ELBO, 1, true);
        LinearGaussian restored = new LinearGaussian(Seed.of(9), ObjectiveKind.ELBO, 1, true)) {
      restored.restoreCheckpoint(root);
      for (String name : expected.parameterNames()) {
        assertArrayEquals(expected.parameter(name), restored.parameter(name), 0f, name);
      }
    }
    // Opening the root again removes whatever the killed write left behind.
    CheckpointManager.open(root, 2);
    try (var entries = java.nio.file.Files.list(root)) {
      assertTrue(entries.allMatch(p -> p.getFileName().toString().startsWith("step-")), "only checkpoints left");
    }
  }
}
