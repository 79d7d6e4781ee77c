package dev.helmholtz.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * On a model whose log-likelihood is known exactly: the ELBO lies below it, and the
 * importance-sampled estimate rises with k towards it (Burda et al. 2016, Theorem 1).
 */
class LinearGaussianBoundsTest {
  private static LinearGaussian model;
  private static Dataset test;
  private static double exact;

  /** Data from a fixed linear-Gaussian model, then a short fit so q is a reasonable proposal. */
  @BeforeAll
  static void train() {
    model = new LinearGaussian(Seed.of(7), ObjectiveKind.ELBO, 1, true);
    model.fit(sample(4000, 11), Training.epochs(30).batchSize(100).adam(1e-2)
        .progress(ProgressListener.silent()));
    test = sample(300, 12);
    float[] flat = test.flat("x");
    double sum = 0;
    for (int i = 0; i < test.size(); i++) {
      sum += model.exactLogLikelihood(java.util.Arrays.copyOfRange(flat, 3 * i, 3 * i + 3));
    }
    exact = sum / test.size();
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static Dataset sample(int n, long seed) {
    double[][] w = {{1.0, -0.5, 0.8}, {0.3, 1.2, -0.7}};
    double[] b = {0.5, -1.0, 0.2};
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[n][3];
    for (int i = 0; i < n; i++) {
      double z0 = gaussian(random);
      double z1 = gaussian(random);
      for (int j = 0; j < 3; j++) {
        rows[i][j] = (float) (z0 * w[0][j] + z1 * w[1][j] + b[j] + LinearGaussian.NOISE_STD * gaussian(random));
      }
    }
    return Dataset.of("x", rows);
  }

  private static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  @Test
  void elboIsBelowTheExactLogLikelihood() {
    double elbo = model.elbo(test);
    // The gap is KL(q || posterior) > 0; Monte Carlo noise in the mean of 300 single-sample
    // ELBOs is far below 0.05 nats for this model.
    assertTrue(elbo < exact - 0.05, "ELBO " + elbo + " vs exact " + exact);
  }

  @Test
  void importanceSampledEstimateRisesWithKAndApproachesExact() {
    double k1 = model.logLikelihood(test, 1);
    double k10 = model.logLikelihood(test, 10);
    double k100 = model.logLikelihood(test, 100);
    double k2000 = model.logLikelihood(test, 2000);
    String figures = "k=1 " + k1 + ", k=10 " + k10 + ", k=100 " + k100 + ", k=2000 " + k2000 + ", exact " + exact;
    assertTrue(k1 < k10 && k10 < k100, figures);
    assertTrue(k100 <= k2000 + 0.005, figures);
    assertTrue(k2000 <= exact + 0.01, figures);
    assertEquals(exact, k2000, 0.02, figures);
  }

  @Test
  void chunkedEstimateOverManyRowsMatchesExact() {
    // 40,000 samples per example exceed one run's row budget: the estimate is assembled from chunks.
    Dataset two = test.take(2);
    List<Double> estimates = model.logLikelihoods(two, 40_000);
    float[] flat = two.flat("x");
    for (int i = 0; i < 2; i++) {
      double exactOne = model.exactLogLikelihood(java.util.Arrays.copyOfRange(flat, 3 * i, 3 * i + 3));
      assertEquals(exactOne, estimates.get(i), 0.02, "example " + i);
    }
  }
}
