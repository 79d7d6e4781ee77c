package dev.helmholtz.samples.counts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A count likelihood end to end: the generated model trains on counts, and generates rates (the
 * means of its Poisson likelihood, as generate shows observed nodes).
 */
class PoissonFactorModelTest {

  /** Counts x_j ~ Poisson(exp(w_j . z + b_j)) for z ~ N(0, I_2). */
  private static float[][] counts(int n, long seed) {
    Random r = new Random(seed);
    double[][] w = {{1, 0}, {0, 1}, {0.7, 0.7}, {-0.8, 0.3}, {0.2, -0.9}, {0.5, 0.5}};
    double[] b = {1, 0.5, 1.5, 0.8, 1.2, 0};
    float[][] rows = new float[n][6];
    for (int i = 0; i < n; i++) {
      double z0 = r.nextGaussian();
      double z1 = r.nextGaussian();
      for (int j = 0; j < 6; j++) {
        rows[i][j] = poisson(r, Math.exp(w[j][0] * z0 + w[j][1] * z1 + b[j]));
      }
    }
    return rows;
  }

  /** Knuth's multiplication method: fine for the small rates here. */
  private static int poisson(Random r, double rate) {
    double limit = Math.exp(-rate);
    double product = r.nextDouble();
    int k = 0;
    while (product > limit) {
      product *= r.nextDouble();
      k++;
    }
    return k;
  }

  @Test
  void theElboImprovesAndGeneratedRatesArePositive() {
    Dataset train = Dataset.of("x", counts(1000, 1));
    Dataset test = Dataset.of("x", counts(200, 2));
    try (PoissonFactorModelModel model =
        PoissonFactorModelModel.create(new PoissonFactorModel(), Seed.of(5), ThreadSettings.of(1, 1))) {
      double before = model.elbo(test);
      model.fit(train, Training.epochs(5).batchSize(50).adam(1e-2).progress(ProgressListener.silent()));
      double after = model.elbo(test);
      // Six count columns of rates around 1-5: the untrained model's ELBO was about -50 nats per
      // example, and 100 steps took it to about -18 (seed 5); 10 nats is far beyond the noise.
      assertTrue(after > before + 10, "ELBO before " + before + ", after " + after);
      float[][] generated = model.generate(8).get("x");
      assertEquals(8, generated.length);
      for (float[] row : generated) {
        assertEquals(6, row.length);
        for (float v : row) {
          assertTrue(v > 0 && Float.isFinite(v), "a generated rate is not positive: " + v);
        }
      }
    }
  }

  /** Geometric latents under VIMCO: drawn k = 3 times per example in training, scored by logProb. */
  @Test
  void aCountLatentTrainsUnderVimco() {
    Dataset train = Dataset.of("x", counts(1000, 3));
    Dataset test = Dataset.of("x", counts(200, 4));
    try (GeometricCountsModelModel model =
        GeometricCountsModelModel.create(new GeometricCountsModel(), Seed.of(6), ThreadSettings.of(1, 1))) {
      float[] encoderBefore = model.parameter("encode/dense_0/kernel");
      double before = model.logLikelihood(test, 3);
      model.fit(train, Training.epochs(5).batchSize(50).adam(1e-2).progress(ProgressListener.silent()));
      double after = model.logLikelihood(test, 3);
      // About -42 to -18 nats per example (seed 6).
      assertTrue(after > before + 10, "bound before " + before + ", after " + after);
      float[] encoderAfter = model.parameter("encode/dense_0/kernel");
      double moved = 0;
      for (int i = 0; i < encoderBefore.length; i++) {
        moved += Math.abs(encoderAfter[i] - encoderBefore[i]);
      }
      // q gets only score-function gradients: it must still have learned.
      assertTrue(moved > 0.1, "q(z | x) barely moved: " + moved);
      float[][] codes = model.generate(4).get("z");
      for (float[] row : codes) {
        for (float v : row) {
          assertTrue(v >= 0 && v == Math.floor(v), "a drawn latent is not a count: " + v);
        }
      }
    }
  }
}
