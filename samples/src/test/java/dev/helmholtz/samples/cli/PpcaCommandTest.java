package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ppca command end to end on a small set: the closed form and EM agree, and all rows are written. */
class PpcaCommandTest {
  @Test
  void ppcaPrintsTheClosedFormEmAndTheLinearVae(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("ppca");
    assertEquals(0, HelmholtzCli.commandLine().execute("ppca", "--train-examples", "300", "--test-examples",
        "100", "--epochs", "2", "--em-iterations", "100", "--output", output.toString()));
    String metrics = Files.readString(output.resolve("metrics.json"));
    double closed = value(metrics, "closed_form_train_log_likelihood");
    assertEquals(closed, value(metrics, "em_train_log_likelihood"), 1e-4, metrics);
    assertTrue(value(metrics, "linear_vae_train_elbo") <= value(metrics, "linear_vae_train_log_likelihood"), metrics);
    assertTrue(value(metrics, "linear_vae_train_log_likelihood") <= closed + 1e-6, metrics);
    assertTrue(value(metrics, "factor_analysis_train_log_likelihood") >= closed - 1e-3, metrics);
    assertEquals(0, value(metrics, "closed_form_max_principal_angle_degrees"), 1e-3, metrics);
  }

  private static double value(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": (-?[0-9.eE+-]+)").matcher(json);
    assertTrue(m.find(), key + " in " + json);
    return Double.parseDouble(m.group(1));
  }
}
