package dev.helmholtz.linear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * PPCA and factor analysis on data drawn from a known linear-Gaussian model: the eigensolver
 * reconstructs the covariance; the closed-form PPCA's likelihood is the maximum EM climbs to, its
 * subspace the top principal components; factor analysis by EM never loses likelihood and ends at
 * least as high as PPCA of the same size (it has more noise parameters).
 */
class LinearGaussianModelTest {
  private static final int D = 6;
  private static final int K = 2;

  private static float[][] sample(int n, long seed, boolean isotropic) {
    Random random = new Random(seed);
    double[][] w = new double[D][K];
    for (double[] row : w) {
      for (int c = 0; c < K; c++) {
        row[c] = 2 * random.nextGaussian();
      }
    }
    float[][] x = new float[n][D];
    for (float[] row : x) {
      double[] z = {random.nextGaussian(), random.nextGaussian()};
      for (int i = 0; i < D; i++) {
        double noise = isotropic ? 0.5 : 0.2 + 0.3 * i;
        row[i] = (float) (w[i][0] * z[0] + w[i][1] * z[1] + i + noise * random.nextGaussian());
      }
    }
    return x;
  }

  @Test
  void eigenvectorsReconstructTheCovariance() {
    LinearGaussianModel.Moments m = LinearGaussianModel.Moments.of(sample(500, 1, true));
    Matrices.Eigen e = m.principalComponents();
    for (int i = 0; i < D; i++) {
      for (int j = 0; j < D; j++) {
        double sum = 0;
        for (int c = 0; c < D; c++) {
          sum += e.vectors()[i][c] * e.values()[c] * e.vectors()[j][c];
        }
        assertEquals(m.covariance()[i][j], sum, 1e-9);
      }
    }
    for (int c = 1; c < D; c++) {
      assertTrue(e.values()[c - 1] >= e.values()[c], "descending");
    }
  }

  @Test
  void emClimbsToTheClosedFormAndItsSubspaceIsTheTopPrincipalComponents() {
    LinearGaussianModel.Moments m = LinearGaussianModel.Moments.of(sample(2000, 2, true));
    LinearGaussianModel closed = LinearGaussianModel.probabilisticPca(m, K);
    double best = closed.logLikelihood(m);
    LinearGaussianModel em = LinearGaussianModel.initial(m, K, 3);
    double previous = em.logLikelihood(m);
    for (int step = 0; step < 3000; step++) {
      em = em.ppcaEmStep(m);
      double now = em.logLikelihood(m);
      assertTrue(now >= previous - 1e-9, "EM lost likelihood at step " + step + ": " + previous + " -> " + now);
      assertTrue(now <= best + 1e-9, "EM above the maximum: " + now + " > " + best);
      previous = now;
    }
    assertEquals(best, previous, 1e-6, "EM's fixed point is the closed form");
    assertEquals(closed.noise()[0], em.noise()[0], 1e-5, "noise variance");
    // W W' is the same (W is unique up to a rotation), and W's columns span the top two components.
    double[][] a = Matrices.multiply(closed.weights(), Matrices.transpose(closed.weights()));
    double[][] b = Matrices.multiply(em.weights(), Matrices.transpose(em.weights()));
    for (int i = 0; i < D; i++) {
      for (int j = 0; j < D; j++) {
        assertEquals(a[i][j], b[i][j], 1e-5 * Math.max(1, Math.abs(a[i][j])), "W W'");
      }
    }
    Matrices.Eigen pcs = m.principalComponents();
    for (int c = 0; c < K; c++) {
      // Projecting W's columns onto the top K components keeps all of each column.
      for (int col = 0; col < K; col++) {
        double norm = 0;
        double kept = 0;
        for (int i = 0; i < D; i++) {
          norm += em.weights()[i][col] * em.weights()[i][col];
        }
        for (int pc = 0; pc < K; pc++) {
          double dot = 0;
          for (int i = 0; i < D; i++) {
            dot += em.weights()[i][col] * pcs.vectors()[i][pc];
          }
          kept += dot * dot;
        }
        assertEquals(1, kept / norm, 1e-6, "column " + col + " in the top-" + K + " subspace");
      }
    }
  }

  @Test
  void factorAnalysisNeverLosesLikelihoodAndFitsUnequalNoiseBetterThanPpca() {
    LinearGaussianModel.Moments m = LinearGaussianModel.Moments.of(sample(2000, 4, false));
    LinearGaussianModel fa = LinearGaussianModel.initial(m, K, 5);
    double previous = fa.logLikelihood(m);
    for (int step = 0; step < 500; step++) {
      fa = fa.factorAnalysisEmStep(m);
      double now = fa.logLikelihood(m);
      assertTrue(now >= previous - 1e-9, "EM lost likelihood at step " + step);
      previous = now;
    }
    double ppca = LinearGaussianModel.probabilisticPca(m, K).logLikelihood(m);
    assertTrue(previous > ppca + 0.01, "factor analysis " + previous + " vs PPCA " + ppca);
    // The noise it finds rises with the unit, as the data's does (0.2 + 0.3 i standard deviations).
    for (int i = 1; i < D; i++) {
      assertTrue(fa.noise()[i] > fa.noise()[i - 1], "noise of unit " + i);
    }
  }

  @Test
  void theExactLikelihoodIsTheGaussianDensity() {
    // A one-dimensional model, K = 1, D = 2: the marginal is N(mu, w w' + s^2 I), checked by hand.
    LinearGaussianModel model = new LinearGaussianModel(new double[][] {{1}, {2}}, new double[] {0, 0},
        new double[] {0.5, 0.5});
    float[][] rows = {{1, 0}, {-1, 2}};
    LinearGaussianModel.Moments m = LinearGaussianModel.Moments.of(rows);
    // C = [[1.5, 2], [2, 4.5]], det = 2.75, C^-1 = [[4.5, -2], [-2, 1.5]] / 2.75.
    double sum = 0;
    for (float[] x : rows) {
      double quad = (4.5 * x[0] * x[0] - 4 * x[0] * x[1] + 1.5 * x[1] * x[1]) / 2.75;
      sum += -0.5 * (2 * Math.log(2 * Math.PI) + Math.log(2.75) + quad);
    }
    assertEquals(sum / rows.length, model.logLikelihood(m), 1e-12);
  }
}
