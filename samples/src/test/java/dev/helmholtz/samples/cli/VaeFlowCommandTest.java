package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The vae-flow command on a tiny subset: one row per model, the diagonal Normal VAE first, and its files. */
class VaeFlowCommandTest {
  @Test
  void trainsTheNormalAndTheFlowPosteriorsAndComparesThem(@TempDir Path dir) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      exit = HelmholtzCli.commandLine().execute("vae-flow", "--epochs", "1", "--train-examples", "200",
          "--test-examples", "10", "--k", "3", "--output", dir.toString());
    } finally {
      System.setOut(original);
    }
    assertEquals(0, exit);
    String out = captured.toString(StandardCharsets.UTF_8);
    assertTrue(out.lines().anyMatch(l -> l.startsWith("vae ") && l.contains("+0.00")), out);
    assertTrue(out.lines().anyMatch(l -> l.startsWith("vae-planar ")), out);
    assertTrue(out.lines().anyMatch(l -> l.startsWith("vae-iaf ")), out);
    String comparison = Files.readString(dir.resolve("comparison.json"));
    assertTrue(comparison.contains("\"vae-iaf_test_log_likelihood\"") && comparison.contains("\"test_log_likelihood_k\": 3"),
        comparison);
    assertTrue(Files.size(dir.resolve("vae-planar/samples.png")) > 0);
  }

  @Test
  void anUnknownFlowIsAMessage() {
    StringWriter err = new StringWriter();
    CommandLine cli = HelmholtzCli.commandLine();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("vae-flow", "--flow", "radial"));
    assertTrue(err.toString().contains("--flow is planar, iaf or both, not 'radial'"), err.toString());
  }
}
