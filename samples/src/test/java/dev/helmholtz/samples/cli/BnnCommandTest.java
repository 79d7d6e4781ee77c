package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.samples.bayes.DiabetesData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** bnn: every method end to end on tiny settings, the bundled data, and answers to bad input. */
class BnnCommandTest {
  @Test
  void everyMethodWritesItsFigures(@TempDir Path dir) throws Exception {
    String[][] runs = {
        {"--method", "bbb", "--epochs", "3"},
        {"--method", "sghmc", "--burnin", "20", "--draws", "6", "--thin", "5", "--chains", "2"},
        {"--method", "hmc", "--warmup", "4", "--draws", "4", "--leapfrog-steps", "3", "--chains", "2"}};
    for (String[] run : runs) {
      Path output = dir.resolve(run[1]);
      String[] args = new String[run.length + 3];
      args[0] = "bnn";
      System.arraycopy(run, 0, args, 1, run.length);
      args[run.length + 1] = "--output";
      args[run.length + 2] = output.toString();
      assertEquals(0, HelmholtzCli.commandLine().execute(args), String.join(" ", args));
      String metrics = Files.readString(output.resolve("metrics.json"));
      assertTrue(metrics.contains("\"method\": \"" + run[1] + "\""), metrics);
      assertEquals(44, (int) number(metrics, "test_points"), metrics);
      double coverage = number(metrics, "test_coverage");
      assertTrue(coverage >= 0 && coverage <= 1, metrics);
      assertTrue(Double.isFinite(number(metrics, "test_log_likelihood")), metrics);
      assertEquals(!run[1].equals("bbb"), metrics.contains("\"rhat_noise_sd\""), metrics);
    }
  }

  @Test
  void theBundledDataAreTheDiabetesDataStandardizedByTheTrainingSet() {
    double[][] rows = DiabetesData.rows();
    assertEquals(442, rows.length);
    assertEquals(59, rows[0][0]); // age of the first patient
    assertEquals(151, rows[0][10]); // and their progression
    DiabetesData.Split split = DiabetesData.split(0.1, 7);
    assertEquals(398, split.trainY().length);
    assertEquals(44, split.testY().length);
    double mean = 0;
    for (float[] y : split.trainY()) {
      mean += y[0] / 398.0;
    }
    assertEquals(0, mean, 1e-5);
    assertTrue(split.ySd() > 70 && split.ySd() < 85, "the target's sd is about 77: " + split.ySd());
  }

  @Test
  void badInputIsAMessageAndAnExitCode(@TempDir Path dir) {
    StringWriter err = new StringWriter();
    CommandLine cli = HelmholtzCli.commandLine();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("bnn", "--method", "nuts2", "--output", dir.resolve("a").toString()));
    assertTrue(err.toString().contains("--method must be one of [hmc, bbb, sghmc], was 'nuts2'"), err.toString());
    assertEquals(2, cli.execute("bnn", "--method", "sghmc", "--batch-size", "1000", "--output", dir.resolve("b").toString()));
    assertTrue(err.toString().contains("--batch-size must be in [1, 398]"), err.toString());
  }

  private static double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": (-?[0-9.eE+-]+)").matcher(json);
    assertTrue(m.find(), key + " in " + json);
    return Double.parseDouble(m.group(1));
  }
}
