package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dbn and dbm commands end to end on a small subset: samples and a finite bound below zero. */
class DeepEnergyCommandsTest {
  @Test
  void dbnTrainsGreedilyAndReportsItsBound(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("dbn");
    assertEquals(0, HelmholtzCli.commandLine().execute("dbn", "--epochs", "1", "--train-examples", "200",
        "--test-examples", "20", "--ais-runs", "4", "--ais-temperatures", "20", "--bound-samples", "2",
        "--gibbs-sweeps", "2", "--output", output.toString()));
    assertTrue(Files.size(output.resolve("samples.png")) > 0);
    String metrics = Files.readString(output.resolve("metrics.json"));
    assertTrue(value(metrics, "test_bound") < 0, metrics);
    assertEquals(2, value(metrics, "updates_per_layer"), metrics);
  }

  @Test
  void dbmTrainsAndReportsItsBound(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("dbm");
    assertEquals(0, HelmholtzCli.commandLine().execute("dbm", "--train-examples", "200", "--test-examples", "20",
        "--chains", "10", "--mean-field-iterations", "2", "--ais-runs", "4", "--ais-temperatures", "20",
        "--bound-samples", "2", "--gibbs-sweeps", "2", "--output", output.toString()));
    assertTrue(Files.size(output.resolve("samples.png")) > 0);
    String metrics = Files.readString(output.resolve("metrics.json"));
    assertTrue(value(metrics, "test_bound") < 0, metrics);
    assertEquals(2, value(metrics, "updates"), metrics);
  }

  private static double value(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": (-?[0-9.eE+-]+)").matcher(json);
    assertTrue(m.find(), key + " in " + json);
    return Double.parseDouble(m.group(1));
  }
}
