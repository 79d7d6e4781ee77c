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
    for (String key : new String[] {"frechet_distance", "frechet_distance_real_floor", "class_histogram",
        "label_agreement", "classifier_test_accuracy"}) {
      assertTrue(metrics.contains("\"" + key + "\""), key + " in " + metrics);
    }
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
