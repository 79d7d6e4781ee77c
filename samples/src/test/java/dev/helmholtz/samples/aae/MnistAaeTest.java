package dev.helmholtz.samples.aae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.cli.HelmholtzCli;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated adversarial autoencoder: a short run lowers the reconstruction loss; the aae
 * command trains it end to end on a few images and writes its figures.
 */
class MnistAaeTest {
  @Test
  void aShortRunLowersTheReconstructionLoss() throws Exception {
    Dataset data = Dataset.of("x", Mnist.loadDefault().train().take(200).images());
    try (MnistAaeModel aae = MnistAaeModel.create(new MnistAae(), Seed.of(1), ThreadSettings.of(1, 1))) {
      aae.fit(data, Training.epochs(1).maxSteps(1).batchSize(100).adam(1e-3).seed(1)
          .progress(ProgressListener.silent()));
      double first = aae.lastReconstructionLoss();
      aae.fit(data, Training.epochs(20).maxSteps(40).batchSize(100).adam(1e-3).seed(2)
          .progress(ProgressListener.silent()));
      double later = aae.lastReconstructionLoss();
      // 784 Bernoulli pixels at p = 1/2 cost 543 nats; a decoder that learned the mean digit far less
      assertTrue(first > 500 && later < first - 200, "reconstruction loss " + first + " then " + later);
      assertEquals(8, aae.encodeSample(data)[0].length);
    }
  }

  @Test
  void commandWritesReconstructionsAndTheLatentFigures(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("aae");
    assertEquals(0, HelmholtzCli.commandLine().execute("aae", "--epochs", "1", "--train-examples", "200",
        "--test-examples", "50", "--output", output.toString()));
    for (String png : List.of("samples-epoch-001.png", "reconstructions.png", "aggregate-posterior.png")) {
      assertTrue(Files.size(output.resolve(png)) > 0, png);
    }
    String latent = Files.readString(output.resolve("latent.json"));
    for (String key : List.of("reconstruction_mse_per_pixel", "posterior_max_abs_mean", "game_value_test",
        "encodings_taken_for_prior")) {
      assertTrue(latent.contains("\"" + key + "\""), key + " in " + latent);
    }
  }
}
