package dev.helmholtz.linear;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The closed-form ELBO of a linear encoder against the exact likelihood and a Monte Carlo
 * estimate, and principal angles against constructed subspaces.
 */
class LinearEncoderTest {
  private static final int D = 5;
  private static final int K = 2;

  private static float[][] sample(int n, long seed) {
    Random random = new Random(seed);
    float[][] x = new float[n][D];
    for (float[] row : x) {
      double z0 = 3 * random.nextGaussian();
      double z1 = 2 * random.nextGaussian();
      for (int i = 0; i < D; i++) {
        row[i] = (float) (z0 * (i % 2 == 0 ? 1 : -1) + z1 * i * 0.5 + i + 0.7 * random.nextGaussian());
      }
    }
    return x;
  }

  @Test
  void theExactPosteriorOfTheClosedFormMakesTheElboTheLikelihood() {
    LinearGaussianModel.Moments m = LinearGaussianModel.Moments.of(sample(1000, 1));
    LinearGaussianModel closed = LinearGaussianModel.probabilisticPca(m, K);
    LinearEncoder posterior = LinearEncoder.posteriorOf(closed);
    assertEquals(closed.logLikelihood(m), posterior.elbo(closed, m), 1e-9);
    // Any other encoder is a strict lower bound.
    LinearEncoder off = new LinearEncoder(posterior.weights(), posterior.bias(),
        new double[] {posterior.variances()[0] * 2, posterior.variances()[1]});
    assertTrue(off.elbo(closed, m) < closed.logLikelihood(m) - 1e-3);
  }

  @Test
  void aRotatedSolutionHasTheSameLikelihoodButNoDiagonalPosteriorReachesIt() {
    LinearGaussianModel.Moments m = LinearGaussianModel.Moments.of(sample(1000, 2));
    LinearGaussianModel closed = LinearGaussianModel.probabilisticPca(m, K);
    double c = Math.cos(0.6);
    double s = Math.sin(0.6);
    double[][] rotated = Matrices.multiply(closed.weights(), new double[][] {{c, -s}, {s, c}});
    LinearGaussianModel turned = new LinearGaussianModel(rotated, closed.mean(), closed.noise());
    assertEquals(closed.logLikelihood(m), turned.logLikelihood(m), 1e-9);
    // The exact posterior's covariance is now not diagonal: dropping its off-diagonal loses nats.
    assertTrue(LinearEncoder.posteriorOf(turned).elbo(turned, m) < turned.logLikelihood(m) - 1e-3);
  }

  @Test
  void theClosedFormElboMatchesAMonteCarloEstimate() {
    float[][] rows = sample(400, 3);
    LinearGaussianModel.Moments m = LinearGaussianModel.Moments.of(rows);
    LinearGaussianModel model = LinearGaussianModel.initial(m, K, 4);
    LinearEncoder encoder = new LinearEncoder(new double[][] {{0.1, 0, 0.2, 0, -0.1}, {0, 0.3, 0, 0.1, 0}},
        new double[] {0.5, -0.2}, new double[] {0.4, 0.9});
    Random random = new Random(5);
    double sum = 0;
    int draws = 200;
    for (float[] x : rows) {
      for (int t = 0; t < draws; t++) {
        double[] z = new double[K];
        double kl = 0;
        for (int c = 0; c < K; c++) {
          double mean = encoder.bias()[c];
          for (int j = 0; j < D; j++) {
            mean += encoder.weights()[c][j] * x[j];
          }
          z[c] = mean + Math.sqrt(encoder.variances()[c]) * random.nextGaussian();
          double v = encoder.variances()[c];
          kl += 0.5 * (v + mean * mean - 1 - Math.log(v));
        }
        double logLik = 0;
        for (int i = 0; i < D; i++) {
          double mean = model.mean()[i];
          for (int c = 0; c < K; c++) {
            mean += model.weights()[i][c] * z[c];
          }
          double noise = model.noise()[i];
          logLik -= 0.5 * (Math.log(2 * Math.PI * noise) + (x[i] - mean) * (x[i] - mean) / noise);
        }
        sum += logLik - kl;
      }
    }
    assertEquals(sum / (rows.length * draws), encoder.elbo(model, m), 0.05);
  }

  @Test
  void principalAnglesOfConstructedSubspaces() {
    double[][] a = {{1, 0}, {0, 1}, {0, 0}};
    double[][] sameSpan = {{2, 1}, {1, -3}, {0, 0}};
    assertArrayEquals(new double[] {0, 0}, Subspaces.principalAngles(a, sameSpan), 1e-7);
    double t = 0.3;
    double[][] tilted = {{1, 0}, {0, Math.cos(t)}, {0, Math.sin(t)}};
    assertArrayEquals(new double[] {0, t}, Subspaces.principalAngles(a, tilted), 1e-9);
    double[][] line = {{0}, {0}, {1}};
    assertArrayEquals(new double[] {Math.PI / 2}, Subspaces.principalAngles(line, a), 1e-9);
    assertThrows(IllegalArgumentException.class, () -> Subspaces.principalAngles(new double[][] {{1, 2}, {2, 4}}, a));
  }
}
