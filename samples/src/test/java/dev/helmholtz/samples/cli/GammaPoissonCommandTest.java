package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** gamma-poisson end to end on short settings, and its answer to bad input. */
class GammaPoissonCommandTest {
  @Test
  void hmcAndGammaViLandNearTheConjugatePosterior(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("gp");
    int exit = HelmholtzCli.commandLine().execute("gamma-poisson", "--groups", "4", "--chains", "2",
        "--warmup", "150", "--draws", "200", "--vi-steps", "2500", "--output", output.toString());
    assertEquals(0, exit);
    String metrics = Files.readString(output.resolve("metrics.json"));
    // Short HMC: 400 draws put a mean within a few percent. VI: the optimum is exact, and 2500 steps
    // reach it (800 left an sd 59% off: the shape must grow from the prior's 2 to about 100).
    assertTrue(number(metrics, "hmc_max_relative_mean_gap") < 0.1, metrics);
    assertTrue(number(metrics, "vi_max_relative_mean_gap") < 0.05, metrics);
    assertTrue(number(metrics, "vi_max_relative_sd_gap") < 0.05, metrics);
  }

  @Test
  void badInputIsAMessageAndAnExitCode(@TempDir Path dir) {
    StringWriter err = new StringWriter();
    CommandLine cli = HelmholtzCli.commandLine();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("gamma-poisson", "--min-counts", "5", "--max-counts", "2",
        "--output", dir.resolve("a").toString()));
    assertTrue(err.toString().contains("need --groups >= 1 and 1 <= --min-counts <= --max-counts, were 8, 5, 2"),
        err.toString());
    assertFalse(Files.exists(dir.resolve("a")));
  }

  private static double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": ([-0-9.eE+]+)").matcher(json);
    assertTrue(m.find(), key + " in " + json);
    return Double.parseDouble(m.group(1));
  }
}
