package dev.helmholtz.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.StochasticGradientMcmc.Method;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Each stochastic-gradient sampler on a correlated 2-d Gaussian posterior N(mu, Sigma), Sigma =
 * [[1, 0.8], [0.8, 1]], written as N = 100 "examples" x_n = mu + z_n with log p(x_n | theta) =
 * -(theta - x_n)^T (A / N) (theta - x_n) / 2, A = Sigma^-1, and a flat prior: the full log
 * posterior is -(theta - xbar)^T A (theta - xbar) / 2, and a batch of B = 10 gives the gradient
 * -A (theta - xbar_batch), whose noise A (xbar_batch - xbar) has covariance A C A, C = S_x (N - B)
 * / (B (N - 1)) with S_x the examples' covariance.
 *
 * <p>The tolerance: the samplers are linear recursions on this target (pSGLD once its
 * preconditioner settles, SGNHT once its thermostat does), so their stationary covariance with a
 * constant step is computable: {@link #predictedCovariance} iterates theta's second moments
 * through one update (SGLD: x' = (I - eps A / 2) x + eps/2 noise + sqrt(eps) xi; pSGLD the same
 * with eps G, G = diag(1 / sqrt(E[g_d^2])) and E[g g^T] = A + A C A at stationarity; SGHMC in
 * (theta, v) with friction alpha, learning rate eta and injected noise 2 alpha eta plus the
 * gradient noise eta^2 A C A; SGNHT as SGHMC with eta = h^2, alpha = h xi*, where the thermostat
 * settles at the xi* whose friction balances the injected and gradient noise, so the injected
 * noise totals 2 alpha eta) to its fixed point. Its difference from Sigma is the step's known
 * bias (1-13% here). Each estimated entry must be within 1.5 times that bias (the approximations
 * for pSGLD and SGNHT are first order) plus 4 Monte Carlo standard errors from the bulk ESS (mean:
 * sqrt(Sigma_ii / ESS); covariance: sqrt((Sigma_ii Sigma_jj + Sigma_ij^2) / ESS)) of Sigma. A
 * planted missing sqrt(eps) on SGLD's noise, noise of variance eps / 2, an unscaled (B / N)
 * likelihood, or a missing friction each move an entry by 30% to 100% or more, far outside.
 */
class StochasticGradientMcmcTest {
  static final int N = 100;
  static final int B = 10;
  static final double RHO = 0.8;
  static final double[] MU = {1.0, -0.5};
  static final double[][] SIGMA = {{1, RHO}, {RHO, 1}};
  static final double[][] A = inverse(SIGMA);
  static float[][] x;
  static double[] xbar = new double[2];
  static double[][] batchMeanCov = new double[2][2];

  @BeforeAll
  static void data() {
    SplittableRandom random = new SplittableRandom(17);
    x = new float[N][2];
    for (int n = 0; n < N; n++) {
      for (int d = 0; d < 2; d++) {
        x[n][d] = (float) (MU[d] + random.nextGaussian());
        xbar[d] += x[n][d] / (double) N;
      }
    }
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        double s = 0;
        for (int n = 0; n < N; n++) {
          s += (x[n][i] - xbar[i]) * (x[n][j] - xbar[j]);
        }
        batchMeanCov[i][j] = s / (N - 1) * (N - B) / ((double) B * (N - 1)) * (N - 1) / N * N / (N - 1);
      }
    }
  }

  /** The Gaussian as N examples, flat prior. */
  static final MinibatchLogDensity TARGET = new MinibatchLogDensity() {
    @Override
    public int size() {
      return N;
    }

    @Override
    public Terms logTerms(Ops tf, Operand<TFloat32> theta, Operand<TInt32> indices) {
      float[] flat = new float[N * 2];
      for (int n = 0; n < N; n++) {
        flat[2 * n] = x[n][0];
        flat[2 * n + 1] = x[n][1];
      }
      Operand<TFloat32> data = tf.constant(Shape.of(N, 2), DataBuffers.of(flat, true, false));
      Operand<TFloat32> batch = tf.gather(data, indices, tf.constant(0)); // [R, B, 2]
      Operand<TFloat32> diff = tf.math.sub(tf.expandDims(theta, tf.constant(1)), batch);
      float[][] scaled = new float[2][2];
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          scaled[i][j] = (float) (A[i][j] / N);
        }
      }
      Operand<TFloat32> aDiff = tf.reshape(tf.linalg.matMul(tf.reshape(diff, tf.constant(new int[] {-1, 2})),
          tf.constant(scaled)), tf.shape(diff));
      Operand<TFloat32> logLik = tf.math.mul(tf.constant(-0.5f),
          tf.reduceSum(tf.math.mul(diff, aDiff), tf.constant(new int[] {1, 2})));
      Operand<TFloat32> logPrior = tf.reduceSum(tf.math.mul(tf.constant(0f), theta), tf.constant(-1));
      return new Terms(logPrior, logLik);
    }
  };

  @Test
  void sgldRecoversTheGaussian() {
    check(Method.SGLD, b -> b.stepSize(0.05), 0.05, 0, 0);
  }

  /**
   * With a slow RMSprop average (0.999): the default 0.99 lets the preconditioner follow the
   * position within the mixing time, and the dropped Gamma term then inflates the variances (by
   * 12% on this target, measured), a bias the linear prediction does not include.
   */
  @Test
  void preconditionedSgldRecoversTheGaussian() {
    check(Method.PSGLD, b -> b.stepSize(0.08).rmsDecay(0.999), 0.08, 0, 0);
  }

  @Test
  void sghmcRecoversTheGaussian() {
    check(Method.SGHMC, b -> b.stepSize(0.005).friction(0.1), 0.005, 0.1, 0);
  }

  @Test
  void sgnhtRecoversTheGaussian() {
    check(Method.SGNHT, b -> b.stepSize(0.07).diffusion(1), 0.07, 0, 1);
  }

  private static void check(Method method, java.util.function.UnaryOperator<StochasticGradientMcmc.Builder> settings,
      double step, double friction, double diffusion) {
    SgmcmcResult r = settings.apply(StochasticGradientMcmc.builder(TARGET, 2).method(method).batchSize(B)
        .chains(64).burnin(1000).draws(300).thin(10).updatesPerRun(10).seed(Seed.of(3))).build().sample();
    double[][] predicted = predictedCovariance(method, step, friction, diffusion);
    double[] mean = r.mean();
    double[][] cov = r.covariance();
    double[] ess = r.effectiveSampleSize();
    double minEss = Math.min(ess[0], ess[1]);
    String report = method + ": mean " + Arrays.toString(mean) + " (exact " + Arrays.toString(xbar) + "), cov "
        + Arrays.deepToString(cov) + " (exact " + Arrays.deepToString(SIGMA) + ", predicted with the step's bias "
        + Arrays.deepToString(predicted) + "), ESS " + Arrays.toString(ess) + ", R-hat " + Arrays.toString(r.rhat());
    assertTrue(minEss > 300, report);
    for (int i = 0; i < 2; i++) {
      assertEquals(xbar[i], mean[i], 4 * Math.sqrt(SIGMA[i][i] / ess[i]), report);
      for (int j = 0; j < 2; j++) {
        double se = Math.sqrt((SIGMA[i][i] * SIGMA[j][j] + SIGMA[i][j] * SIGMA[i][j]) / minEss);
        double bias = Math.abs(predicted[i][j] - SIGMA[i][j]);
        assertEquals(SIGMA[i][j], cov[i][j], 1.5 * bias + 4 * se, report + " entry " + i + "," + j);
      }
      // Not 1.01: with 150 draws per split half and an autocorrelation time of about 7 draws
      // (SGLD), each half holds some 10 effective draws, and R-hat of well-mixed chains sits near
      // sqrt(1 + 1 / 10) = 1.05 (measured 1.02-1.06).
      assertTrue(r.rhat()[i] < 1.1, report);
    }
  }

  /** The stationary covariance of theta under the method's update with a constant step (see the class comment). */
  static double[][] predictedCovariance(Method method, double step, double friction, double diffusion) {
    double[][] acNoise = mul(mul(A, batchMeanCov), A); // covariance of the gradient's noise
    switch (method) {
      case SGLD, PSGLD -> {
        double[][] g = {{1, 0}, {0, 1}};
        if (method == Method.PSGLD) {
          for (int d = 0; d < 2; d++) {
            g[d][d] = 1 / Math.sqrt(A[d][d] + acNoise[d][d]);
          }
        }
        double[][] m = sub(identity(2), scale(mul(g, A), step / 2));
        double[][] q = add(scale(mul(mul(g, acNoise), g), step * step / 4), scale(g, step));
        return fixedPoint(m, q);
      }
      case SGHMC, SGNHT -> {
        double eta;
        double alpha;
        double[][] injected;
        if (method == Method.SGHMC) {
          eta = step;
          alpha = friction;
          injected = add(scale(identity(2), 2 * alpha * eta), scale(acNoise, eta * eta));
        } else {
          eta = step * step;
          double averageNoise = (acNoise[0][0] + acNoise[1][1]) / 2;
          alpha = step * (diffusion + step * averageNoise / 2);
          injected = scale(identity(2), 2 * alpha * eta);
        }
        // State (theta, v): v' = (1 - alpha) v - eta A theta + noise; theta' = theta + v'.
        double[][] m = new double[4][4];
        double[][] q = new double[4][4];
        for (int i = 0; i < 2; i++) {
          m[2 + i][2 + i] = 1 - alpha;
          m[i][2 + i] = 1 - alpha;
          m[i][i] = 1;
          for (int j = 0; j < 2; j++) {
            m[2 + i][j] -= eta * A[i][j];
            m[i][j] -= eta * A[i][j];
            q[i][j] = q[2 + i][j] = q[i][2 + j] = q[2 + i][2 + j] = injected[i][j];
          }
        }
        double[][] full = fixedPoint(m, q);
        return new double[][] {{full[0][0], full[0][1]}, {full[1][0], full[1][1]}};
      }
      default -> throw new AssertionError(method);
    }
  }

  @Test
  void predictedBiasIsSmallAndVanishesWithTheStep() {
    for (Method method : Method.values()) {
      double step = method == Method.SGHMC ? 0.005 : method == Method.SGNHT ? 0.07 : 0.05;
      double[][] p = predictedCovariance(method, step, 0.1, 1);
      double[][] tiny = predictedCovariance(method, step / 100, 0.1, 1);
      assertEquals(SIGMA[0][0], p[0][0], 0.15, method.toString());
      assertEquals(SIGMA[0][0], tiny[0][0], 0.01, method.toString());
      assertEquals(SIGMA[0][1], tiny[0][1], 0.01, method.toString());
    }
  }

  @Test
  void sameSeedSameDrawsThinningAndSchedules() {
    StochasticGradientMcmc.Builder b = StochasticGradientMcmc.builder(TARGET, 2).method(Method.SGLD).batchSize(B)
        .chains(2).burnin(7).draws(5).thin(3).updatesPerRun(3).seed(Seed.of(1))
        .stepSize(StepSizeSchedule.polynomial(0.1, 10, 0.55));
    SgmcmcResult first = b.build().sample();
    SgmcmcResult second = b.build().sample();
    assertEquals(5, first.drawCount());
    assertEquals(2, first.chainCount());
    assertEquals(9, first.burnin()); // rounded up to whole runs of thin updates
    assertEquals(0.1 * Math.pow(10 + 9 + 15 - 1, -0.55), first.finalStepSize(), 1e-12);
    // One update per run: the same schedule and burn-in (its noise ops differ, so other draws).
    SgmcmcResult stepwise = b.updatesPerRun(1).build().sample();
    for (int t = 0; t < 5; t++) {
      for (int c = 0; c < 2; c++) {
        assertArrayEquals(first.draws()[t][c], second.draws()[t][c]);
      }
    }
    assertEquals(9, stepwise.burnin());
    assertEquals(first.finalStepSize(), stepwise.finalStepSize(), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> b.updatesPerRun(2).build());
    assertEquals(1.0, StepSizeSchedule.constant(1).at(1000));
    assertThrows(IllegalArgumentException.class, () -> StepSizeSchedule.polynomial(1, 1, 1.5));
    assertThrows(IllegalArgumentException.class, () -> StochasticGradientMcmc.builder(TARGET, 2).batchSize(N + 1));
    assertThrows(IllegalArgumentException.class, () -> StochasticGradientMcmc.builder(TARGET, 2).friction(0));
  }

  @Test
  void divergenceIsReportedWithTheUpdate() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> StochasticGradientMcmc.builder(TARGET, 2)
        .method(Method.SGLD).batchSize(B).stepSize(5).chains(1).burnin(0).draws(200).build().sample());
    assertTrue(e.getMessage().contains("lower the step size"), e.getMessage());
  }

  // Small dense linear algebra for the predicted covariance.

  /** The fixed point of P = M P M^T + Q (M stable). */
  private static double[][] fixedPoint(double[][] m, double[][] q) {
    // P = sum_k M^k Q M^kT by doubling: after i rounds the sum holds 2^i terms.
    double[][] p = q;
    double[][] power = m;
    for (int round = 0; round < 40; round++) {
      p = add(p, mul(mul(power, p), transpose(power)));
      power = mul(power, power);
    }
    return p;
  }

  static double[][] inverse(double[][] a) {
    double det = a[0][0] * a[1][1] - a[0][1] * a[1][0];
    return new double[][] {{a[1][1] / det, -a[0][1] / det}, {-a[1][0] / det, a[0][0] / det}};
  }

  private static double[][] identity(int n) {
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) {
      out[i][i] = 1;
    }
    return out;
  }

  private static double[][] mul(double[][] a, double[][] b) {
    double[][] out = new double[a.length][b[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b[0].length; j++) {
        for (int k = 0; k < b.length; k++) {
          out[i][j] += a[i][k] * b[k][j];
        }
      }
    }
    return out;
  }

  private static double[][] transpose(double[][] a) {
    double[][] out = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        out[j][i] = a[i][j];
      }
    }
    return out;
  }

  private static double[][] add(double[][] a, double[][] b) {
    double[][] out = new double[a.length][a[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        out[i][j] = a[i][j] + b[i][j];
      }
    }
    return out;
  }

  private static double[][] sub(double[][] a, double[][] b) {
    return add(a, scale(b, -1));
  }

  private static double[][] scale(double[][] a, double s) {
    double[][] out = new double[a.length][a[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        out[i][j] = a[i][j] * s;
      }
    }
    return out;
  }
}
