package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.energy.EnergyModel;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ThreadSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rbm command end to end on a small subset, its methods, and its answer to an unknown method. */
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

  /** Salakhutdinov and Murray's three (CD-1, CD-3, CD-25), CD-10 and PCD: each its sweeps and its published row. */
  @Test
  void eachMethodTrainsWithItsOwnSweepsNextToItsPublishedFigure() {
    Map<String, Integer> sweeps = Map.of("cd1", 1, "cd3", 3, "cd10", 10, "cd25", 25);
    for (Map.Entry<String, Integer> method : sweeps.entrySet()) {
      try (EnergyModel rbm = RbmCommand.factory(method.getKey()).apply(Seed.of(1), ThreadSettings.of(1, 1))) {
        assertEquals(method.getValue(), rbm.spec().gibbsSteps(), method.getKey());
        assertFalse(rbm.spec().persistent(), method.getKey() + " starts its chains at the data");
      }
    }
    try (EnergyModel rbm = RbmCommand.factory("pcd").apply(Seed.of(1), ThreadSettings.of(1, 1))) {
      assertTrue(rbm.spec().persistent() && rbm.spec().persistentChains() == 100 && rbm.spec().gibbsSteps() == 1);
    }
    assertEquals("CD-25", RbmCommand.label("cd25"));
    assertEquals("-125.53 -105.50 -86.34 - -", String.join(" ", RbmCommand.published("CD-1"),
        RbmCommand.published(RbmCommand.label("cd3")), RbmCommand.published(RbmCommand.label("cd25")),
        RbmCommand.published("CD-10"), RbmCommand.published("PCD")));
  }
}
