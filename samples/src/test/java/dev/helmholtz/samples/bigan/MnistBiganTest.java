package dev.helmholtz.samples.bigan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.samples.cli.HelmholtzCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated BiGAN: the bigan command trains it end to end on a few images and writes its figures. */
class MnistBiganTest {
  @Test
  void commandTrainsAndWritesReconstructionsAndTheProbe(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("bigan");
    assertEquals(0, HelmholtzCli.commandLine().execute("bigan", "--epochs", "1", "--train-examples", "128",
        "--test-examples", "40", "--probe-train", "100", "--probe-epochs", "2", "--output", output.toString()));
    for (String png : List.of("samples-epoch-001.png", "reconstructions.png")) {
      assertTrue(Files.size(output.resolve(png)) > 0, png);
    }
    String encoder = Files.readString(output.resolve("encoder.json"));
    for (String key : List.of("reconstruction_mse_per_pixel", "probe_accuracy_encoder",
        "probe_accuracy_untrained_encoder", "probe_accuracy_raw_pixels")) {
      assertTrue(encoder.contains("\"" + key + "\""), key + " in " + encoder);
    }
  }
}
