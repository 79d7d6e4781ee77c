package dev.helmholtz.samples.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The convolutional GANs train: a short run raises the discriminator's (critic's) objective,
 * moves the generator's batch-normalization averages, and samples stay tanh pixels.
 */
class ConvolutionalGanModelTest {
  private static final float[][] REAL = symmetric(load().take(640).images());

  private static Mnist.Split load() {
    try {
      return Mnist.loadDefault().train();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static float[][] symmetric(float[][] images) {
    float[][] out = new float[images.length][];
    for (int i = 0; i < images.length; i++) {
      out[i] = images[i].clone();
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = 2 * out[i][j] - 1;
      }
    }
    return out;
  }

  private static double mean(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  private static void assertTanhPixels(float[][] samples) {
    assertEquals(784, samples[0].length);
    for (float[] row : samples) {
      for (float v : row) {
        assertTrue(v >= -1 && v <= 1, "tanh pixel " + v);
      }
    }
  }

  @Test
  void dcganShortRunRaisesTheDiscriminatorsObjectiveAndMovesTheGeneratorsAverages() {
    try (DcGanModel gan = DcGanModel.create(new DcGan(), Seed.of(2), ThreadSettings.of(1, 1))) {
      assertTrue(gan.stateNames().contains("generate/batch_norm_0/moving_mean"), gan.stateNames().toString());
      assertFalse(gan.generatorParameterNames().contains("generate/batch_norm_0/moving_mean"));
      Dataset data = Dataset.of("x", REAL);
      // The game's value is the discriminator's objective, E log D(x) + E log(1 - D(G(z))).
      double before = gan.gameValue(data);
      float[] movingBefore = gan.parameter("generate/batch_norm_1/moving_variance");
      var summary = gan.fit(data, Training.epochs(1).batchSize(64).adam(2e-4).progress(ProgressListener.silent()));
      assertEquals(10, summary.steps());
      double after = gan.gameValue(data);
      assertTrue(after > before + 0.1, "discriminator objective " + before + " -> " + after);
      assertFalse(Arrays.equals(movingBefore, gan.parameter("generate/batch_norm_1/moving_variance")),
          "the generator's moving variance did not move");
      assertTanhPixels(gan.sample(8));
    }
  }

  @Test
  void wganGpConvShortRunRaisesTheCriticsWassersteinEstimate() {
    try (ConvWganGpModel gan = ConvWganGpModel.create(new ConvWganGp(), Seed.of(3), ThreadSettings.of(1, 1))) {
      Dataset data = Dataset.of("x", REAL);
      float[][] real = Arrays.copyOf(REAL, 256);
      double before = mean(gan.discriminate(real)) - mean(gan.discriminate(gan.sample(256)));
      // 10 critic steps (each with the gradient penalty's second-order gradient), 2 generator steps.
      gan.fit(data, Training.epochs(1).batchSize(64).adam(1e-4).progress(ProgressListener.silent()));
      double after = mean(gan.discriminate(real)) - mean(gan.discriminate(gan.sample(256)));
      assertTrue(after > before + 0.5, "critic's estimate " + before + " -> " + after);
      assertTanhPixels(gan.sample(8));
    }
  }
}
