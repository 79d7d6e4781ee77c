package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code conv-vae} end to end on a small subset: both models' figures, the images and the metrics. */
class ConvVaeCommandTest {
  @Test
  void trainsBothModelsAndWritesTheirFigures(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("out");
    PrintStream saved = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      exit = HelmholtzCli.commandLine().execute("conv-vae", "--train-examples", "100", "--test-examples", "20",
          "--ll-examples", "5", "--k", "3", "--batch-size", "50", "--progress", "none", "--output", output.toString());
    } finally {
      System.setOut(saved);
    }
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, out);
    assertTrue(out.contains("MNIST: 100 training and 20 test images (log-likelihood on 5, k = 3)"), out);
    assertTrue(out.contains("conv-vae   test ELBO"), out);
    assertTrue(out.contains("vae (MLP)  test ELBO"), out);
    for (String file : new String[] {"samples.png", "reconstructions.png", "metrics.json"}) {
      assertTrue(Files.size(output.resolve(file)) > 0, file);
    }
    String metrics = Files.readString(output.resolve("metrics.json"));
    assertTrue(metrics.contains("\"conv_vae_test_log_likelihood\"") && metrics.contains("\"mlp_vae_test_log_likelihood\""), metrics);
    assertTrue(metrics.contains("\"log_likelihood_k\": 3"), metrics);
  }
}
