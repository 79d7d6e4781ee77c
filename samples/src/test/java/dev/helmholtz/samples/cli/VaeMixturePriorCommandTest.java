package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vae-mixture-prior} end to end on a small subset, and its answer to bad input. */
class VaeMixturePriorCommandTest {
  @Test
  void writesAGridPerComponentAndTheUsage(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("out");
    int exit = HelmholtzCli.commandLine().execute("vae-mixture-prior", "--epochs", "1", "--train-examples", "200",
        "--test-examples", "20", "--k", "2", "--draws", "400", "--output", output.toString());
    assertEquals(0, exit);
    for (String file : new String[] {"components.png", "metrics.json", "training-curves.png"}) {
      assertTrue(Files.size(output.resolve(file)) > 0, file);
    }
    String metrics = Files.readString(output.resolve("metrics.json"));
    assertTrue(metrics.contains("\"component_9_weight\": ") && metrics.contains("\"unused_components\": "), metrics);
    // 400 draws of 10 components of weight 0.1 at first: each has draws, so each has its grid.
    for (int k = 0; k < 10; k++) {
      assertTrue(Files.size(output.resolve("component-" + k + ".png")) > 0, "component-" + k + ".png");
    }
  }

  @Test
  void aShareOutsideTheUnitIntervalIsBadInput(@TempDir Path dir) {
    int exit = HelmholtzCli.commandLine().execute("vae-mixture-prior", "--min-share", "1.5", "--output",
        dir.resolve("out").toString());
    assertEquals(ExitCodes.BAD_INPUT, exit);
  }
}
