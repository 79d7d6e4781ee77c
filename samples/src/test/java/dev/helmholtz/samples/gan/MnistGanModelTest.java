package dev.helmholtz.samples.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.quality.MnistClassifier;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The generated GAN classes run: training moves both players, sampling respects labels. */
class MnistGanModelTest {
  private static final Mnist.Split SMALL = load().take(1000);

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

  @Test
  void shortRunTrainsTheDiscriminatorAndTheGenerator() {
    try (MnistGanModel gan = MnistGanModel.create(new MnistGan(), Seed.of(2), ThreadSettings.of(1, 1))) {
      assertTrue(gan.generatorParameterNames().stream().allMatch(n -> n.startsWith("generate/")));
      assertTrue(gan.discriminatorParameterNames().stream().allMatch(n -> n.startsWith("discriminate/")));
      Dataset data = Dataset.of("x", symmetric(SMALL.images()));
      double before = gan.gameValue(data);
      float[][] first = gan.sample(4);
      var summary = gan.fit(data, Training.epochs(2).batchSize(50).adam(2e-4).progress(ProgressListener.silent()));
      assertEquals(40, summary.steps());
      // Both players moved: the game's value changed, and stays finite.
      double after = gan.gameValue(data);
      assertTrue(Double.isFinite(after) && Math.abs(after - before) > 0.01, "game value " + before + " -> " + after);
      assertTrue(Double.isFinite(gan.lastGeneratorLoss()));
      float[][] samples = gan.sample(4);
      assertEquals(784, samples[0].length);
      assertTrue(Arrays.stream(samples).flatMapToDouble(r -> {
        double[] d = new double[r.length];
        for (int i = 0; i < r.length; i++) {
          d[i] = r[i];
        }
        return Arrays.stream(d);
      }).allMatch(v -> v >= -1 && v <= 1), "tanh pixels lie in [-1, 1]");
      assertTrue(!Arrays.equals(first[0], samples[0]), "the generator did not change");
    }
  }

  @Test
  void conditionalSamplesFollowTheirLabels() {
    try (ConditionalMnistGanModel gan = ConditionalMnistGanModel.create(new ConditionalMnistGan(), Seed.of(3),
        ThreadSettings.of(1, 1))) {
      float[][] labels = MnistClassifier.oneHot(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3});
      assertEquals(11, gan.sample(labels).length);
      float[] logits = gan.discriminate(SMALL.take(5).images(), MnistClassifier.oneHot(Arrays.copyOf(SMALL.labels(), 5)));
      assertEquals(5, logits.length);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> gan.generate(3));
      assertTrue(e.getMessage().contains("pass their values to generate(Dataset)"), e.getMessage());
      IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
          () -> gan.sample(new float[2][9]));
      assertTrue(wrong.getMessage().contains("column 'y' has [9] values per example, but node 'y'"),
          wrong.getMessage());
    }
  }

  /**
   * Samples and scores depend on their labels: two models of one seed draw the same noise, so the
   * same labels give the same samples bit for bit, and other labels different ones; likewise for
   * the discriminator's scores of the same images. A conditional GAN whose networks ignore the
   * label (a generator fed zeros for y, say) gives identical samples for every label and fails.
   * (Whether a trained generator's digits match their labels is the cgan command's
   * label_agreement, which needs a trained classifier and many epochs.)
   */
  @Test
  void samplesAndScoresDependOnTheirLabels() {
    int[] threes = new int[8];
    Arrays.fill(threes, 3);
    int[] sevens = new int[8];
    Arrays.fill(sevens, 7);
    float[][] images = Arrays.copyOf(SMALL.images(), 8);
    try (ConditionalMnistGanModel a = ConditionalMnistGanModel.create(new ConditionalMnistGan(), Seed.of(3),
            ThreadSettings.of(1, 1));
        ConditionalMnistGanModel b = ConditionalMnistGanModel.create(new ConditionalMnistGan(), Seed.of(3),
            ThreadSettings.of(1, 1))) {
      float[][] asThrees = a.sample(MnistClassifier.oneHot(threes));
      float[][] sameAgain = b.sample(MnistClassifier.oneHot(threes));
      float[][] secondDraw = a.sample(MnistClassifier.oneHot(threes));
      assertTrue(Arrays.deepEquals(asThrees, sameAgain), "one seed, one label: the same samples");
      float[][] asSevens = b.sample(MnistClassifier.oneHot(sevens));
      // Same noise (b's second draw is a's second), other labels: the samples differ.
      double labelEffect = meanAbsoluteDifference(secondDraw, asSevens);
      assertTrue(labelEffect > 1e-3, "samples ignore their labels: mean |difference| " + labelEffect);
      float[] scoresThrees = a.discriminate(images, MnistClassifier.oneHot(threes));
      float[] scoresSevens = a.discriminate(images, MnistClassifier.oneHot(sevens));
      double scoreEffect = 0;
      for (int i = 0; i < 8; i++) {
        scoreEffect += Math.abs(scoresThrees[i] - scoresSevens[i]) / 8;
      }
      assertTrue(scoreEffect > 1e-4, "scores ignore their labels: mean |difference| " + scoreEffect);
    }
  }

  private static double meanAbsoluteDifference(float[][] a, float[][] b) {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        sum += Math.abs(a[i][j] - b[i][j]);
        n++;
      }
    }
    return sum / n;
  }
}
