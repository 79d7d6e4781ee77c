package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vae-continuous command end to end on a small subset: images, and metrics in bits per dimension. */
class VaeContinuousCommandTest {
  @Test
  void writesImagesAndBitsPerDimension(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("out");
    int exit = HelmholtzCli.commandLine().execute("vae-continuous", "--epochs", "1", "--train-examples", "500",
        "--test-examples", "50", "--k", "5", "--output", output.toString());
    assertEquals(0, exit);
    for (String file : new String[] {"samples.png", "reconstructions.png", "metrics.json"}) {
      assertTrue(Files.size(output.resolve(file)) > 0, file);
    }
    String metrics = Files.readString(output.resolve("metrics.json"));
    for (String key : new String[] {"\"test_bits_per_dim\": ", "\"test_elbo_bits_per_dim\": ",
        "\"test_log_likelihood_k\": 5", "\"test_examples\": 50"}) {
      assertTrue(metrics.contains(key), key + " in " + metrics);
    }
  }

  @Test
  void bitsPerDimensionIsMinusLog2PerPixel() {
    assertEquals(8.0, VaeContinuousCommand.bitsPerDimension(-784 * 8 * Math.log(2)), 1e-12);
  }

  @Test
  void aNonPositiveKIsBadInput(@TempDir Path dir) {
    assertEquals(2, HelmholtzCli.commandLine().execute("vae-continuous", "--k", "0", "--output",
        dir.resolve("out").toString()));
  }
}
