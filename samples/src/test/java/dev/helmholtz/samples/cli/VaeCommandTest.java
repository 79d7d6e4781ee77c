package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The main job end to end on a small subset, and its answers to bad input. */
class VaeCommandTest {
  @Test
  void writesImagesAndMetricsOnASmallSubset(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("new/out");
    int exit = HelmholtzCli.commandLine().execute("vae", "--epochs", "1", "--train-examples", "300",
        "--test-examples", "10", "--k", "5", "--output", output.toString());
    assertEquals(0, exit);
    for (String file : new String[] {"samples.png", "reconstructions.png", "metrics.json"}) {
      assertTrue(Files.size(output.resolve(file)) > 0, file);
    }
    String metrics = Files.readString(output.resolve("metrics.json"));
    assertTrue(metrics.contains("\"test_log_likelihood_k\": 5"), metrics);
    assertTrue(metrics.contains("\"data_path\": \"resident\""), metrics);
  }

  @Test
  void badInputIsAMessageAndAnExitCodeNotAStackTrace(@TempDir Path dir) {
    StringWriter err = new StringWriter();
    CommandLine cli = HelmholtzCli.commandLine();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("vae", "--data", dir.resolve("missing").toString(),
        "--output", dir.resolve("out").toString()));
    assertTrue(err.toString().startsWith("error: ") && err.toString().contains("missing"), err.toString());
    assertEquals(2, cli.execute("vae", "--epochs", "0", "--output", dir.resolve("out").toString()));
    assertTrue(err.toString().contains("epochs must be in [1,"), err.toString());
    assertEquals(2, cli.execute("vae", "--k", "0"));
    assertTrue(err.toString().contains("--k must be at least 1"), err.toString());
    assertEquals(2, cli.execute("vae", "--epochs", "abc"));
    assertTrue(!err.toString().contains("Exception"), err.toString());
  }
}
