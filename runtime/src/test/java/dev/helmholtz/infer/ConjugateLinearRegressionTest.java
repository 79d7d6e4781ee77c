package dev.helmholtz.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.Seed;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Bayesian linear regression with known noise, y = X w + N(0, sigma^2), prior w ~ N(0, tau^2 I):
 * the posterior is N(m, S) with S = (I / tau^2 + X^T X / sigma^2)^-1 and m = S X^T y / sigma^2.
 * HMC must recover m and S; mean-field VI must recover m, with variances 1 / Lambda_dd, no
 * larger than S_dd.
 */
class ConjugateLinearRegressionTest {
  static final int N = 40;
  static final int D = 3;
  static final double SIGMA = 0.5;
  static final double TAU = 1.0;
  static float[][] x;
  static float[] y;
  static double[] postMean;
  static double[][] postCov;
  static double[][] precision;

  @BeforeAll
  static void data() {
    SplittableRandom random = new SplittableRandom(21);
    double[] w = {0.7, -1.2, 0.3};
    x = new float[N][D];
    y = new float[N];
    for (int n = 0; n < N; n++) {
      double mean = 0;
      for (int d = 0; d < D; d++) {
        // Correlated columns, so that the posterior is correlated and mean field must shrink.
        x[n][d] = (float) (gaussian(random) + (d > 0 ? 0.8 * x[n][0] : 0));
        mean += w[d] * x[n][d];
      }
      y[n] = (float) (mean + SIGMA * gaussian(random));
    }
    precision = new double[D][D];
    double[] xty = new double[D];
    for (int i = 0; i < D; i++) {
      for (int j = 0; j < D; j++) {
        double s = 0;
        for (int n = 0; n < N; n++) {
          s += x[n][i] * x[n][j];
        }
        precision[i][j] = s / (SIGMA * SIGMA) + (i == j ? 1 / (TAU * TAU) : 0);
      }
      for (int n = 0; n < N; n++) {
        xty[i] += x[n][i] * y[n];
      }
    }
    postCov = inverse(precision);
    postMean = new double[D];
    for (int i = 0; i < D; i++) {
      for (int j = 0; j < D; j++) {
        postMean[i] += postCov[i][j] * xty[j] / (SIGMA * SIGMA);
      }
    }
  }

  static Operand<TFloat32> logPosterior(Ops tf, Operand<TFloat32> w) {
    Operand<TFloat32> prediction = tf.linalg.matMul(w, tf.constant(x), org.tensorflow.op.linalg.MatMul.transposeB(true));
    Operand<TFloat32> residual = tf.math.sub(prediction, tf.constant(y)); // [n, N]
    Operand<TFloat32> logLik = tf.math.mul(tf.constant((float) (-0.5 / (SIGMA * SIGMA))),
        tf.reduceSum(tf.math.square(residual), tf.constant(-1)));
    Operand<TFloat32> logPrior = tf.math.mul(tf.constant((float) (-0.5 / (TAU * TAU))),
        tf.reduceSum(tf.math.square(w), tf.constant(-1)));
    return tf.math.add(logLik, logPrior);
  }

  @Test
  void hmcMatchesTheClosedFormPosterior() {
    HmcResult r = HamiltonianMonteCarlo.builder(ConjugateLinearRegressionTest::logPosterior, D)
        .chains(8).warmup(400).draws(500).leapfrogSteps(8).seed(Seed.of(4)).build().sample();
    double[] mean = r.mean();
    double[][] cov = r.covariance();
    double[] ess = r.effectiveSampleSize();
    String report = "exact " + Arrays.toString(postMean) + " " + Arrays.deepToString(postCov) + ", hmc "
        + Arrays.toString(mean) + " " + Arrays.deepToString(cov) + ", ess " + Arrays.toString(ess)
        + ", rhat " + Arrays.toString(r.rhat()) + ", acceptance " + r.acceptanceRate() + ", " + r.seconds() + " s";
    for (int i = 0; i < D; i++) {
      double sd = Math.sqrt(postCov[i][i]);
      assertEquals(postMean[i], mean[i], 5 * sd / Math.sqrt(ess[i]), report);
      for (int j = 0; j < D; j++) {
        assertEquals(postCov[i][j], cov[i][j], 0.12 * Math.sqrt(postCov[i][i] * postCov[j][j]), report);
      }
      assertTrue(r.rhat()[i] < 1.01, report);
    }
  }

  @Test
  void meanFieldViHasTheExactMeanAndNoLargerVariances() {
    VariationalPosterior q = MeanFieldVariationalInference.builder(ConjugateLinearRegressionTest::logPosterior, D)
        .samples(16).steps(2000).learningRate(0.02).seed(Seed.of(6)).build().fit();
    String report = "exact " + Arrays.toString(postMean) + ", sd " + Arrays.toString(marginalSds())
        + ", vi " + Arrays.toString(q.means()) + ", sd " + Arrays.toString(q.stds()) + ", " + q.seconds() + " s";
    for (int i = 0; i < D; i++) {
      double sd = Math.sqrt(postCov[i][i]);
      assertEquals(postMean[i], q.means()[i], 0.05 * sd, report);
      // The mean-field optimum: sd 1 / sqrt(Lambda_ii), below the marginal sd for this correlated posterior.
      double meanFieldSd = 1 / Math.sqrt(precision[i][i]);
      assertEquals(meanFieldSd, q.stds()[i], 0.05 * meanFieldSd, report);
      assertTrue(q.stds()[i] <= sd, report);
    }
  }

  private static double[] marginalSds() {
    double[] sd = new double[D];
    for (int i = 0; i < D; i++) {
      sd[i] = Math.sqrt(postCov[i][i]);
    }
    return sd;
  }

  /** Gauss-Jordan inverse of a small symmetric positive definite matrix. */
  static double[][] inverse(double[][] a) {
    int n = a.length;
    double[][] m = new double[n][2 * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], 0, m[i], 0, n);
      m[i][n + i] = 1;
    }
    for (int c = 0; c < n; c++) {
      double pivot = m[c][c];
      for (int k = 0; k < 2 * n; k++) {
        m[c][k] /= pivot;
      }
      for (int r = 0; r < n; r++) {
        if (r != c) {
          double f = m[r][c];
          for (int k = 0; k < 2 * n; k++) {
            m[r][k] -= f * m[c][k];
          }
        }
      }
    }
    double[][] inv = new double[n][n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(m[i], n, inv[i], 0, n);
    }
    return inv;
  }

  private static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
