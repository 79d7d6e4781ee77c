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

/** The GAN commands end to end on small subsets, and their answers to bad input. */
class GanCommandsTest {
  @Test
  void ganWritesAGridPerEpochAndMetrics(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("gan");
    assertEquals(0, HelmholtzCli.commandLine().execute("gan", "--epochs", "2", "--train-examples", "128",
        "--output", output.toString()));
    assertTrue(Files.size(output.resolve("samples-epoch-001.png")) > 0);
    assertTrue(Files.size(output.resolve("samples-epoch-002.png")) > 0);
    assertTrue(Files.readString(output.resolve("metrics.json")).contains("\"seconds_per_epoch\""));
  }

  /**
   * {@code --resume} continues a run exactly: 30 critic steps, then resumed to 50, draw the same
   * samples as 50 in one go; {@code --steps} is the whole run's. And a GAN resumed after its first
   * epoch writes the second epoch's grid and checkpoint as the run in one go does.
   */
  @Test
  void resumedRunsMatchTheRunInOneGo(@TempDir Path dir) throws Exception {
    Path whole = dir.resolve("whole");
    Path split = dir.resolve("split");
    String[] common = {"wgan-gp-ring", "--batch-size", "64", "--samples", "200", "--checkpoint-every", "10"};
    assertEquals(0, HelmholtzCli.commandLine().execute(concat(common, "--steps", "50", "--output", whole.toString())));
    assertEquals(0, HelmholtzCli.commandLine().execute(concat(common, "--steps", "30", "--output", split.toString())));
    assertTrue(Files.isDirectory(split.resolve("checkpoints/step-0000000030")));
    assertEquals(0, HelmholtzCli.commandLine().execute(concat(common, "--steps", "50", "--output", split.toString(),
        "--resume")));
    assertEquals(Files.readString(whole.resolve("samples.csv")), Files.readString(split.resolve("samples.csv")));
    assertTrue(Files.readString(split.resolve("metrics.json")).contains("\"critic_steps\": 50"),
        Files.readString(split.resolve("metrics.json")));

    Path gan = dir.resolve("gan");
    String[] ganOptions = {"gan", "--train-examples", "128", "--batch-size", "64", "--output", gan.toString()};
    assertEquals(0, HelmholtzCli.commandLine().execute(concat(ganOptions, "--epochs", "1")));
    assertEquals(0, HelmholtzCli.commandLine().execute(concat(ganOptions, "--epochs", "2", "--resume")));
    assertTrue(Files.isDirectory(gan.resolve("checkpoints/step-0000000004")), "2 epochs of 2 batches");
    assertTrue(Files.size(gan.resolve("samples-epoch-002.png")) > 0);
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  @Test
  void cganWritesOneRowPerDigit(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("cgan");
    Path export = dir.resolve("exported/1");
    assertEquals(0, HelmholtzCli.commandLine().execute("cgan", "--epochs", "1", "--train-examples", "128",
        "--output", output.toString(), "--export", export.toString()));
    var image = javax.imageio.ImageIO.read(output.resolve("samples-epoch-001.png").toFile());
    assertEquals(image.getWidth(), image.getHeight(), "10 x 10 digits");
    assertTrue(Files.isRegularFile(export.resolve("saved_model.pb")), "the generator is exported");
    assertTrue(Files.readString(output.resolve("metrics.json")).contains("\"saved_model\""));
  }

  @Test
  void cganQualityReportsFrechetDistanceHistogramAndLabelAgreement(@TempDir Path dir) throws Exception {
    Path classifier = dir.resolve("classifier.bin");
    try (var c = dev.helmholtz.samples.quality.MnistClassifier.train(
        dev.helmholtz.data.Mnist.loadDefault().train().take(500), 1, 1, dev.helmholtz.train.ThreadSettings.of(1, 1))) {
      c.save(classifier);
    }
    Path output = dir.resolve("cgan");
    assertEquals(0, HelmholtzCli.commandLine().execute("cgan", "--epochs", "1", "--train-examples", "128",
        "--test-examples", "60", "--quality", "--quality-samples", "50", "--classifier", classifier.toString(),
        "--output", output.toString()));
    String metrics = Files.readString(output.resolve("metrics.json"));
    assertTrue(metrics.contains("\"class_histogram\""), metrics);
    // Fractions are fractions; distances are finite and positive (a Frechet distance of samples from
    // a generator trained one epoch lies far above the real digits' floor).
    Metrics.number(metrics, "label_agreement", 0, 1);
    Metrics.number(metrics, "classifier_test_accuracy", 0, 1);
    double floor = Metrics.number(metrics, "frechet_distance_real_floor", 0, 1e6);
    double distance = Metrics.number(metrics, "frechet_distance", 0, 1e6);
    assertTrue(distance > floor, "an untrained generator's distance " + distance + " above the floor " + floor);
  }

  @Test
  void badInputIsAMessage(@TempDir Path dir) {
    StringWriter err = new StringWriter();
    CommandLine cli = HelmholtzCli.commandLine();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("gan", "--epochs", "0", "--output", dir.toString()));
    assertTrue(err.toString().contains("--epochs must be at least 1, was 0"), err.toString());
    assertEquals(2, cli.execute("wgan-gp-ring", "--steps", "0", "--output", dir.toString()));
    assertTrue(err.toString().contains("--steps and --samples must be at least 1"), err.toString());
    // An existing export directory is refused before any training, and left as it was.
    assertEquals(2, cli.execute("wgan-gp-ring", "--output", dir.resolve("ring").toString(), "--export", dir.toString()));
    assertTrue(err.toString().contains("--export: the directory exists"), err.toString());
    assertTrue(!Files.exists(dir.resolve("ring").resolve("metrics.json")), "nothing trained");
  }
}
