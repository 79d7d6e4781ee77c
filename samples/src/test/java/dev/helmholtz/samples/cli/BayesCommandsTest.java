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

/** bayes-logreg and bnn-regression end to end on tiny settings, and their answers to bad input. */
class BayesCommandsTest {
  @Test
  void bayesLogregRunsHmcAndViOnASmallSubset(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("logreg");
    int exit = HelmholtzCli.commandLine().execute("bayes-logreg", "--train-examples", "400",
        "--test-examples", "200", "--chains", "2", "--warmup", "60", "--draws", "40", "--leapfrog-steps", "4",
        "--vi-steps", "200", "--output", output.toString());
    assertEquals(0, exit);
    String metrics = Files.readString(output.resolve("metrics.json"));
    // On ten components 4 vs 9 is far better than chance (0.92 on the full data), and the two
    // posteriors predict alike.
    double hmcAccuracy = number(metrics, "hmc_test_accuracy");
    assertTrue(hmcAccuracy > 0.8, metrics);
    assertEquals(hmcAccuracy, number(metrics, "vi_test_accuracy"), 0.05, metrics);
    assertTrue(number(metrics, "hmc_acceptance_rate") > 0.3, metrics);
    assertTrue(metrics.contains("\"hmc_rhat_max\"") && metrics.contains("\"hmc_ess_min\""), metrics);
  }

  @Test
  void bnnRegressionWritesThePredictiveBand(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("bnn");
    int exit = HelmholtzCli.commandLine().execute("bnn-regression", "--train-points", "40",
        "--test-points", "100", "--chains", "2", "--warmup", "80", "--draws", "40", "--leapfrog-steps", "8",
        "--output", output.toString());
    assertEquals(0, exit);
    assertTrue(Files.size(output.resolve("predictive.png")) > 1000);
    String metrics = Files.readString(output.resolve("metrics.json"));
    double coverage = number(metrics, "test_coverage");
    // A short run: the 90% band need not be calibrated, but must cover most held-out points.
    assertTrue(coverage > 0.5 && coverage <= 1, metrics);
  }

  @Test
  void badInputIsAMessageAndAnExitCode(@TempDir Path dir) {
    StringWriter err = new StringWriter();
    CommandLine cli = HelmholtzCli.commandLine();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("bayes-logreg", "--prior-scale", "-1", "--output", dir.resolve("a").toString()));
    assertTrue(err.toString().contains("priorScale must be finite and > 0, was -1.0"), err.toString());
    assertEquals(2, cli.execute("bayes-logreg", "--chains", "0", "--output", dir.resolve("a").toString()));
    assertTrue(err.toString().contains("chains must be at least 1, was 0"), err.toString());
    assertEquals(2, cli.execute("bnn-regression", "--interval", "1.5", "--output", dir.resolve("b").toString()));
    assertTrue(err.toString().contains("--interval must be in (0, 1), was 1.5"), err.toString());
    assertEquals(2, cli.execute("bnn-regression", "--leapfrog-steps", "0", "--output", dir.resolve("b").toString()));
    assertTrue(err.toString().contains("leapfrogSteps must be at least 1, was 0"), err.toString());
    // Nothing was run, so nothing was written.
    assertTrue(!Files.exists(dir.resolve("a")) && !Files.exists(dir.resolve("b")));
  }

  private static double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": ([-0-9.eE+]+)").matcher(json);
    assertTrue(m.find(), key + " in " + json);
    return Double.parseDouble(m.group(1));
  }
}
