package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** eight-schools and bnn-regression --sampler nuts end to end on tiny settings. */
class NutsCommandsTest {
  @Test
  void eightSchoolsWritesItsMeansBesideTheExactOnes(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("schools");
    int exit = HelmholtzCli.commandLine().execute("eight-schools", "--chains", "2", "--warmup", "100",
        "--draws", "100", "--output", output.toString());
    assertEquals(0, exit);
    String metrics = Files.readString(output.resolve("metrics.json"));
    // 200 draws: the mean of mu within 2.5 of the exact 4.40 (its posterior sd is 3.3).
    assertEquals(4.40, number(metrics, "mean_mu"), 2.5, metrics);
    assertTrue(metrics.contains("\"exact_mean_theta_8\"") && metrics.contains("\"divergences\""), metrics);
  }

  @Test
  void bnnRegressionSamplesByNuts(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("bnn");
    int exit = HelmholtzCli.commandLine().execute("bnn-regression", "--sampler", "nuts", "--train-points", "40",
        "--test-points", "100", "--chains", "2", "--warmup", "40", "--draws", "20", "--max-tree-depth", "5",
        "--output", output.toString());
    assertEquals(0, exit);
    String metrics = Files.readString(output.resolve("metrics.json"));
    assertTrue(metrics.contains("\"sampler\": \"nuts\"") && metrics.contains("\"nuts_mean_tree_depth\""), metrics);
    double coverage = number(metrics, "test_coverage");
    assertTrue(coverage > 0.5 && coverage <= 1, metrics);
  }

  @Test
  void anUnknownSamplerIsBadInput(@TempDir Path dir) {
    StringWriter err = new StringWriter();
    CommandLine cli = HelmholtzCli.commandLine();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("bnn-regression", "--sampler", "gibbs", "--output", dir.resolve("b").toString()));
    assertTrue(err.toString().contains("--sampler must be hmc or nuts, was gibbs"), err.toString());
  }

  private static double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*(-?[0-9.eE+-]+)").matcher(json);
    assertTrue(m.find(), key + " missing from " + json);
    return Double.parseDouble(m.group(1));
  }
}
