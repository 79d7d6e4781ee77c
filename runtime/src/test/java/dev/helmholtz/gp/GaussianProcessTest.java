package dev.helmholtz.gp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;

class GaussianProcessTest {
  private static final int N = 12;
  private static final double NOISE = 0.09;
  private static final double[][] X = new double[N][1];
  private static final double[] Y = new double[N];
  private static final double[][] TEST_X = {{-2.3}, {0.15}, {1.0}, {3.4}};

  static {
    Random random = new Random(7);
    for (int i = 0; i < N; i++) {
      X[i][0] = -3 + 6.0 * i / (N - 1) + 0.1 * random.nextGaussian();
      Y[i] = Math.sin(X[i][0]) + 0.3 * random.nextGaussian();
    }
  }

  private static RealMatrix gram(double[][] a, double[][] b, double variance, double lengthscale) {
    RealMatrix k = new Array2DRowRealMatrix(a.length, b.length);
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        double d = (a[i][0] - b[j][0]) / lengthscale;
        k.setEntry(i, j, variance * Math.exp(-0.5 * d * d));
      }
    }
    return k;
  }

  @Test
  void logMarginalLikelihoodMatchesTheClosedForm() {
    RealMatrix k = gram(X, X, 1.4, 0.8).add(MatrixUtils.createRealIdentityMatrix(N).scalarMultiply(NOISE));
    CholeskyDecomposition chol = new CholeskyDecomposition(k);
    RealVector y = MatrixUtils.createRealVector(Y);
    double quad = y.dotProduct(chol.getSolver().solve(y));
    double expected = -0.5 * quad - 0.5 * Math.log(chol.getDeterminant()) - 0.5 * N * Math.log(2 * Math.PI);
    try (ExactGaussianProcess gp = new ExactGaussianProcess(new RbfKernel(1.4, 0.8), X, Y, NOISE)) {
      assertEquals(expected, gp.logMarginalLikelihood(), 1e-10);
      GpPrediction p = gp.predict(TEST_X);
      RealMatrix ks = gram(X, TEST_X, 1.4, 0.8);
      RealVector mean = ks.transpose().operate(chol.getSolver().solve(y));
      RealMatrix cov = gram(TEST_X, TEST_X, 1.4, 0.8).subtract(ks.transpose().multiply(chol.getSolver().solve(ks)));
      for (int i = 0; i < TEST_X.length; i++) {
        assertEquals(mean.getEntry(i), p.mean()[i], 1e-10);
        assertEquals(cov.getEntry(i, i), p.variance()[i], 1e-10);
        assertEquals(cov.getEntry(i, i) + NOISE, p.observationVariance()[i], 1e-10);
      }
    }
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    Kernel kernel = new Matern52Kernel(1.1, 0.9).plus(new PeriodicKernel(0.4, 1.2, 2.5).times(new RbfKernel(0.7, 2.0)));
    try (ExactGaussianProcess gp = new ExactGaussianProcess(kernel, X, Y, NOISE)) {
      List<Hyperparameter> parameters = gp.hyperparameters();
      List<double[]> gradient = gp.gradient();
      assertEquals(8, parameters.size());
      double h = 1e-5;
      for (int i = 0; i < parameters.size(); i++) {
        Hyperparameter p = parameters.get(i);
        double[] u = gp.getUnconstrained(p);
        gp.setUnconstrained(p, u[0] + h);
        double up = gp.logMarginalLikelihood();
        gp.setUnconstrained(p, u[0] - h);
        double down = gp.logMarginalLikelihood();
        gp.setUnconstrained(p, u[0]);
        double numeric = (up - down) / (2 * h);
        assertEquals(numeric, gradient.get(i)[0], 1e-6 * Math.max(1, Math.abs(numeric)), p.name());
      }
    }
  }

  @Test
  void adamRaisesTheMarginalLikelihood() {
    try (ExactGaussianProcess gp = new ExactGaussianProcess(new RbfKernel(0.2, 3.0), X, Y, 1.0)) {
      double before = gp.logMarginalLikelihood();
      GpFit fit = gp.fit(150, 0.05);
      double after = gp.logMarginalLikelihood();
      assertTrue(after > before + 3, before + " -> " + after);
      assertEquals(after, fit.lastObjective(), 0.1);
      assertTrue(gp.get(gp.noiseVariance())[0] < 0.5, "noise " + gp.get(gp.noiseVariance())[0]);
    }
  }

  /**
   * With Z = X the sparse model is exact: at the optimal q (the posterior of the whitened or plain
   * inducing values given y, computed here by hand) the ELBO is the log marginal likelihood and
   * the predictions are the exact GP's.
   */
  @Test
  void svgpWithInducingPointsAtTheDataIsTheExactGp() {
    double jitter = 1e-9;
    RealMatrix kzz = gram(X, X, 1.4, 0.8).add(MatrixUtils.createRealIdentityMatrix(N).scalarMultiply(jitter));
    RealMatrix lz = new CholeskyDecomposition(kzz, 1e-14, 1e-14).getL();
    RealVector y = MatrixUtils.createRealVector(Y);
    try (ExactGaussianProcess exact = new ExactGaussianProcess(new RbfKernel(1.4, 0.8), X, Y, NOISE)) {
      double lml = exact.logMarginalLikelihood();
      GpPrediction expected = exact.predict(TEST_X);
      for (boolean whiten : new boolean[] {true, false}) {
        // f = F w with w ~ N(0, P): whitened F = L_z, P = I; plain F = I, P = K_zz.
        RealMatrix f = whiten ? lz : MatrixUtils.createRealIdentityMatrix(N);
        RealMatrix priorPrecision = whiten ? MatrixUtils.createRealIdentityMatrix(N)
            : MatrixUtils.inverse(kzz);
        RealMatrix inverse = MatrixUtils.inverse(priorPrecision.add(f.transpose().multiply(f).scalarMultiply(1 / NOISE)));
        RealMatrix s = inverse.add(inverse.transpose()).scalarMultiply(0.5);
        RealVector m = s.operate(f.transpose().operate(y)).mapMultiply(1 / NOISE);
        RealMatrix ls = new CholeskyDecomposition(s, 1e-14, 1e-14).getL();
        try (SparseVariationalGaussianProcess svgp = SparseVariationalGaussianProcess
            .builder(new RbfKernel(1.4, 0.8), new GaussianLikelihood(NOISE), X)
            .whiten(whiten).jitter(jitter).build(X, Y)) {
          double before = svgp.elbo();
          svgp.set(svgp.variationalMean(), m.toArray());
          double[] flat = new double[N * N];
          for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
              flat[i * N + j] = ls.getEntry(i, j);
            }
          }
          svgp.set(svgp.variationalScale(), flat);
          double elbo = svgp.elbo();
          assertTrue(before < elbo - 1, "whiten " + whiten + ": the initial q is worse");
          assertEquals(lml, elbo, 1e-5, "whiten " + whiten);
          GpPrediction p = svgp.predict(TEST_X);
          for (int i = 0; i < TEST_X.length; i++) {
            assertEquals(expected.mean()[i], p.mean()[i], 1e-5, "whiten " + whiten + " mean " + i);
            assertEquals(expected.variance()[i], p.variance()[i], 1e-5, "whiten " + whiten + " variance " + i);
            assertEquals(expected.observationVariance()[i], p.observationVariance()[i], 1e-5);
          }
          // At the optimum q the ELBO's gradient in m vanishes.
          List<double[]> gradient = svgp.gradient();
          double[] dm = gradient.get(svgp.hyperparameters().indexOf(svgp.variationalMean()));
          for (double d : dm) {
            assertEquals(0, d, 1e-4, "whiten " + whiten);
          }
        }
      }
    }
  }

  /**
   * The minibatch objective is the ELBO's unbiased estimate: over one epoch of disjoint batches
   * (B divides N), the mean of (N / B) * batch sum - KL is the whole-data ELBO. A learning rate of
   * 1e-12 leaves the parameters where they were, so the trace's first epoch is that mean.
   */
  @Test
  void minibatchObjectivesAverageToTheElboOverAnEpoch() {
    try (SparseVariationalGaussianProcess svgp = SparseVariationalGaussianProcess
        .builder(new Matern32Kernel(1.2, 0.9), new GaussianLikelihood(NOISE), new double[][] {{-2}, {0}, {2}})
        .build(X, Y)) {
      double elbo = svgp.elbo();
      GpFit fit = svgp.fit(4, 3, 1e-12);
      double mean = java.util.Arrays.stream(fit.objective()).average().orElseThrow();
      assertEquals(elbo, mean, 1e-8 * Math.abs(elbo));
      // Each batch's estimate differs from the ELBO: the test sees the scaling, not four copies of one value.
      assertTrue(java.util.Arrays.stream(fit.objective()).anyMatch(v -> Math.abs(v - elbo) > 0.1));
    }
  }

  @Test
  void svgpClassifiesBySign() {
    int n = 80;
    double[][] x = new double[n][1];
    double[] labels = new double[n];
    Random random = new Random(3);
    for (int i = 0; i < n; i++) {
      x[i][0] = -3 + 6 * random.nextDouble();
      labels[i] = Math.sin(2 * x[i][0]) + 0.3 * random.nextGaussian() > 0 ? 1 : 0;
    }
    double[][] z = new double[10][1];
    for (int i = 0; i < z.length; i++) {
      z[i][0] = -3 + 6.0 * i / (z.length - 1);
    }
    try (SparseVariationalGaussianProcess svgp = SparseVariationalGaussianProcess
        .builder(new RbfKernel(1.0, 1.0), new BernoulliLikelihood(), z).build(x, labels)) {
      double before = svgp.elbo();
      svgp.fit(300, 20, 0.05);
      double after = svgp.elbo();
      assertTrue(after > before + 10, before + " -> " + after);
      double[][] probes = {{-2.4}, {-0.8}, {0.8}, {2.4}};
      double[] p = svgp.predictiveMean(probes);
      assertTrue(p[0] > 0.6 && p[1] < 0.4 && p[2] > 0.6 && p[3] < 0.4, java.util.Arrays.toString(p));
      double[] logDensity = svgp.logPredictiveDensity(probes, new double[] {1, 0, 1, 0});
      for (int i = 0; i < probes.length; i++) {
        assertEquals(Math.log(i % 2 == 0 ? p[i] : 1 - p[i]), logDensity[i], 1e-9);
      }
    }
  }
}
