package dev.helmholtz.gp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KernelTest {
  private static final double[][] A = {{0.0, 1.0}, {0.5, -0.3}, {2.0, 0.7}};
  private static final double[][] B = {{0.1, 0.9}, {-1.2, 0.4}};

  private static double scaledDistance(double[] a, double[] b, double[] lengthscales) {
    double r2 = 0;
    for (int d = 0; d < a.length; d++) {
      double diff = (a[d] - b[d]) / lengthscales[d];
      r2 += diff * diff;
    }
    return Math.sqrt(r2);
  }

  private interface Formula {
    double at(double[] a, double[] b);
  }

  private static void assertMatrix(Kernel kernel, Formula formula) {
    double[][] k = kernel.evaluate(A, B);
    for (int i = 0; i < A.length; i++) {
      for (int j = 0; j < B.length; j++) {
        assertEquals(formula.at(A[i], B[j]), k[i][j], 1e-12, kernel + " at (" + i + ", " + j + ")");
      }
    }
  }

  @Test
  void stationaryKernelsMatchTheirFormulas() {
    double[] ls = {0.7, 1.9};
    assertMatrix(new RbfKernel(1.3, ls), (a, b) -> {
      double r = scaledDistance(a, b, ls);
      return 1.3 * Math.exp(-0.5 * r * r);
    });
    assertMatrix(new Matern32Kernel(0.8, ls), (a, b) -> {
      double r = scaledDistance(a, b, ls);
      return 0.8 * (1 + Math.sqrt(3) * r) * Math.exp(-Math.sqrt(3) * r);
    });
    assertMatrix(new Matern52Kernel(2.1, 0.6), (a, b) -> {
      double r = scaledDistance(a, b, new double[] {0.6, 0.6});
      return 2.1 * (1 + Math.sqrt(5) * r + 5 * r * r / 3) * Math.exp(-Math.sqrt(5) * r);
    });
  }

  @Test
  void periodicSumAndProductMatchTheirFormulas() {
    Formula periodic = (a, b) -> {
      double s = 0;
      for (int d = 0; d < a.length; d++) {
        double sine = Math.sin(Math.PI * (a[d] - b[d]) / 1.7);
        s += sine * sine;
      }
      return 0.9 * Math.exp(-2 * s / (0.8 * 0.8));
    };
    assertMatrix(new PeriodicKernel(0.9, 0.8, 1.7), periodic);
    Formula rbf = (a, b) -> {
      double r = scaledDistance(a, b, new double[] {1.1, 1.1});
      return 0.5 * Math.exp(-0.5 * r * r);
    };
    assertMatrix(new PeriodicKernel(0.9, 0.8, 1.7).plus(new RbfKernel(0.5, 1.1)),
        (a, b) -> periodic.at(a, b) + rbf.at(a, b));
    assertMatrix(new PeriodicKernel(0.9, 0.8, 1.7).times(new RbfKernel(0.5, 1.1)),
        (a, b) -> periodic.at(a, b) * rbf.at(a, b));
  }

  @Test
  void aSharedHyperparameterIsOneParameterOfTheSum() {
    RbfKernel rbf = new RbfKernel(1, 1);
    assertEquals(2, rbf.plus(rbf).hyperparameters().size());
    assertEquals(5, rbf.times(new PeriodicKernel(1, 1, 1)).hyperparameters().size());
  }

  @Test
  void gaussHermiteIntegratesGaussianMoments() {
    GaussHermite rule = GaussHermite.of(20);
    double[] t = rule.nodes();
    double[] w = rule.weights();
    double m0 = 0;
    double m2 = 0;
    double m4 = 0;
    double m38 = 0;
    for (int i = 0; i < t.length; i++) {
      m0 += w[i];
      m2 += w[i] * t[i] * t[i];
      m4 += w[i] * Math.pow(t[i], 4);
      m38 += w[i] * Math.pow(t[i], 38);
    }
    assertEquals(Math.sqrt(Math.PI), m0, 1e-13);
    assertEquals(Math.sqrt(Math.PI) / 2, m2, 1e-13);
    assertEquals(3 * Math.sqrt(Math.PI) / 4, m4, 1e-12);
    // Gamma(19.5) is the exact integral of t^38 exp(-t^2): degree 38 < 40 is still exact.
    double gamma = Math.exp(org.apache.commons.math3.special.Gamma.logGamma(19.5));
    assertEquals(1, m38 / gamma, 1e-9);
  }
}
