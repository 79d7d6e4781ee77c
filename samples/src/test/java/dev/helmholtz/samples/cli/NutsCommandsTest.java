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
    int exit = HelmholtzCli.commandLine().execute("eight-schools", "--chains", "2", "--warmup", "50",
        "--draws", "50", "--output", output.toString());
    assertEquals(0, exit);
    String metrics = Files.readString(output.resolve("metrics.json"));
    // 100 draws after a short warm-up: the mean of mu within one posterior sd (3.3) of the exact
    // 4.40; the prior's mean, 0, is not.
    assertEquals(4.40, number(metrics, "mean_mu"), 3.3, metrics);
    assertTrue(metrics.contains("\"exact_mean_theta_8\"") && metrics.contains("\"divergences\""), metrics);
  }

  @Test
  void bnnRegressionSamplesByNuts(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("bnn");
    int exit = HelmholtzCli.commandLine().execute("bnn-regression", "--sampler", "nuts", "--train-points", "20",
        "--test-points", "50", "--chains", "2", "--warmup", "10", "--draws", "10", "--max-tree-depth", "3",
        "--output", output.toString());
    assertEquals(0, exit);
    String metrics = Files.readString(output.resolve("metrics.json"));
    assertTrue(metrics.contains("\"sampler\": \"nuts\"") && metrics.contains("\"nuts_mean_tree_depth\""), metrics);
    assertTrue(number(metrics, "nuts_mean_tree_depth") <= 3, metrics);
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
