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

/** The train and objectives commands on tiny subsets, and their answers to bad input. */
class TrainAndObjectivesCommandTest {
  @Test
  void trainWritesImagesAndMetricsForANamedModel(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("sbn");
    int exit = HelmholtzCli.commandLine().execute("train", "--model", "sbn-vimco", "--epochs", "1",
        "--train-examples", "200", "--test-examples", "10", "--k", "5", "--output", output.toString());
    assertEquals(0, exit);
    for (String file : new String[] {"samples.png", "reconstructions.png", "training-curves.png", "metrics.json"}) {
      assertTrue(Files.size(output.resolve(file)) > 0, file);
    }
    String metrics = Files.readString(output.resolve("metrics.json"));
    assertTrue(metrics.contains("\"objective\": \"VIMCO\"") && metrics.contains("\"objective_samples\": 5"), metrics);
    // 200 images in batches of 100: the final checkpoint is at step 2, and --resume finds it.
    assertTrue(dev.helmholtz.train.Checkpoints.isCheckpoint(output.resolve("checkpoints/step-0000000002")),
        "the final checkpoint");
    assertEquals(0, HelmholtzCli.commandLine().execute("train", "--model", "sbn-vimco", "--epochs", "2",
        "--train-examples", "200", "--test-examples", "10", "--k", "5", "--output", output.toString(), "--resume"));
    assertTrue(dev.helmholtz.train.Checkpoints.isCheckpoint(output.resolve("checkpoints/step-0000000004")),
        "the resumed run's final checkpoint");
  }

  /** The log-likelihood estimate, minutes long at k = 5000, reports its progress (it printed nothing). */
  @Test
  void trainReportsTheEvaluationsProgress(@TempDir Path dir) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      exit = HelmholtzCli.commandLine().execute("train", "--model", "vae", "--epochs", "1",
          "--train-examples", "100", "--test-examples", "10", "--k", "3", "--output", dir.toString());
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, out);
    assertTrue(out.contains("log-likelihood (k = 3): 10 examples"), out);
  }

  @Test
  void objectivesPrintsOneRowPerModelWithThePublishedFigure(@TempDir Path dir) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      exit = HelmholtzCli.commandLine().execute("objectives", "--models", "vae,sbn-nvil", "--epochs", "1",
          "--train-examples", "100", "--test-examples", "10", "--k", "3", "--output", dir.toString());
    } finally {
      System.setOut(original);
    }
    assertEquals(0, exit);
    String out = captured.toString(StandardCharsets.UTF_8);
    assertTrue(out.lines().anyMatch(l -> l.startsWith("vae ") && l.contains("ELBO") && l.contains("-86.76")), out);
    assertTrue(out.lines().anyMatch(l -> l.startsWith("sbn-nvil ") && l.contains("NVIL")), out);
  }

  @Test
  void anUnknownModelIsAMessageListingTheModels() {
    StringWriter err = new StringWriter();
    CommandLine cli = HelmholtzCli.commandLine();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("train", "--model", "nope"));
    assertTrue(err.toString().contains("no sample model 'nope'; the models are vae, vae-k5"), err.toString());
  }

  /** --schedule anneals a hyperparameter (metrics.json records it); a bad one is a message before training. */
  @Test
  void scheduleAnnealsTheGumbelTemperatureAndBadSchedulesAreMessages(@TempDir Path dir) throws Exception {
    String[] common = {"train", "--model", "gumbel", "--epochs", "1", "--train-examples", "128", "--test-examples",
        "50", "--k", "5", "--batch-size", "64"};
    Path out = dir.resolve("annealed");
    assertEquals(0, HelmholtzCli.commandLine().execute(concat(common, "--output", out.toString(),
        "--schedule", "temperature=exp:1:1e-4:500:0.5")));
    assertTrue(Files.readString(out.resolve("metrics.json")).contains("\"schedule_temperature\""));
    StringWriter err = new StringWriter();
    CommandLine cli = HelmholtzCli.commandLine();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute(concat(common, "--output", dir.resolve("a").toString(), "--schedule", "temperature")));
    assertTrue(err.toString().contains("is not NAME=SCHEDULE"), err.toString());
    assertEquals(2, cli.execute(concat(common, "--output", dir.resolve("b").toString(), "--schedule", "temperature=exp:1")));
    assertTrue(err.toString().contains("is not a schedule"), err.toString());
    assertEquals(2, cli.execute(concat(common, "--output", dir.resolve("c").toString(), "--schedule", "tau=1")));
    assertTrue(err.toString().contains("declares only temperature"), err.toString());
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }
}
