package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rbm command end to end on a small subset, and its answer to an unknown method. */
class RbmCommandTest {
  @Test
  void rbmTrainsEachMethodAndWritesFiltersSamplesAndMetrics(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("rbm");
    assertEquals(0, HelmholtzCli.commandLine().execute("rbm", "--methods", "cd1,pcd", "--epochs", "1",
        "--train-examples", "200", "--test-examples", "50", "--ais-runs", "5", "--ais-temperatures", "50",
        "--gibbs-sweeps", "2", "--output", output.toString()));
    for (String method : new String[] {"cd1", "pcd"}) {
      assertTrue(Files.size(output.resolve("filters-" + method + ".png")) > 0);
      assertTrue(Files.size(output.resolve("samples-" + method + ".png")) > 0);
    }
    String metrics = Files.readString(output.resolve("metrics.json"));
    assertTrue(metrics.contains("\"cd1_test_log_likelihood\"") && metrics.contains("\"pcd_log_z\"")
        && metrics.contains("\"updates\": 2"), metrics);
  }

  @Test
  void anUnknownMethodIsRefusedBeforeAnythingRuns(@TempDir Path dir) {
    Path output = dir.resolve("rbm");
    int exit = HelmholtzCli.commandLine().execute("rbm", "--methods", "cd2", "--output", output.toString());
    assertEquals(ExitCodes.BAD_INPUT, exit);
    assertTrue(Files.notExists(output), "nothing written");
  }
}
