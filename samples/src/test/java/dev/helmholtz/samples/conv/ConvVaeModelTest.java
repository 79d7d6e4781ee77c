package dev.helmholtz.samples.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.EventArrays;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The convolutional VAE generated from {@link ConvVae} trains on [28, 28, 1] images and gives them back in that shape or as rows. */
class ConvVaeModelTest {
  private static Mnist.Split train;
  private static Dataset test;

  @BeforeAll
  static void load() throws IOException {
    Mnist mnist = Mnist.loadDefault();
    train = mnist.train().take(600);
    test = mnist.test().take(200).imageDataset("x").binarized("x", 1);
  }

  @Test
  void shortTrainingRunRaisesTheElbo() {
    try (ConvVaeModel vae = ConvVaeModel.create(new ConvVae(), Seed.of(1), ThreadSettings.of(2, 1))) {
      double before = vae.elbo(test);
      vae.fit(train.imageDataset("x").dynamicallyBinarized("x"),
          Training.epochs(2).batchSize(50).adam(2e-3).progress(ProgressListener.silent()));
      double after = vae.elbo(test);
      // 24 Adam steps take a fresh model from about -545 nats (every pixel's probability near 1/2)
      // past -300.
      assertTrue(after > before + 150, "ELBO before " + before + ", after " + after);
      double logLikelihood = vae.logLikelihood(test.take(20), 10);
      assertTrue(logLikelihood > vae.elbo(test.take(20)) - 5, "IWAE(10) " + logLikelihood);
    }
  }

  @Test
  void samplesReconstructionsAndCodesComeInTheEventShapeOrAsRows() {
    try (ConvVaeModel vae = ConvVaeModel.create(Seed.of(2))) {
      float[][][][] samples = vae.sample(3);
      assertEquals(3, samples.length);
      assertEquals(28, samples[0].length);
      assertEquals(28, samples[0][27].length);
      assertEquals(1, samples[0][27][27].length);
      float[][] images = java.util.Arrays.copyOf(train.images(), 4);
      float[][] reconstructions = vae.reconstruct(images);
      assertEquals(4, reconstructions.length);
      assertEquals(784, reconstructions[3].length);
      // The image-shaped column and flat rows are the same data.
      assertArrayEquals(reconstructions[2],
          vae.reconstructAll(train.take(4).imageDataset("x")).get("x")[2], 0f);
      // In the event's shape, pixel (row 5, column 20) is value 5 * 28 + 20 of the flat row.
      float[][][][] shaped = vae.reconstruct(EventArrays.unflatten(images, float[][][][].class, 28, 28, 1));
      assertEquals(reconstructions[1][5 * 28 + 20], shaped[1][5][20][0], 0f);
      assertEquals(50, vae.encode(images)[0].length);
      assertArrayEquals(vae.encode(images)[3],
          vae.encode(EventArrays.unflatten(images, float[][][][].class, 28, 28, 1))[3], 0f);
    }
  }
}
