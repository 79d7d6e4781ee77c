package dev.helmholtz.gp;

import java.util.List;

/**
 * Adam (Kingma &amp; Ba 2015) in Java, in double precision, over parameter blocks held in Java
 * arrays: a GP has few parameters (hyperparameters, inducing points, q(u)), so stepping them
 * outside the graph costs nothing and keeps them exact. TensorFlow's form (epsilon added to
 * sqrt(v), bias correction folded into the step size), ascending.
 */
final class GpAdam {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;

  private final double[][] m;
  private final double[][] v;
  private final double learningRate;

  GpAdam(int[] sizes, double learningRate) {
    this.m = new double[sizes.length][];
    this.v = new double[sizes.length][];
    for (int i = 0; i < sizes.length; i++) {
      m[i] = new double[sizes[i]];
      v[i] = new double[sizes[i]];
    }
    this.learningRate = learningRate;
  }

  /**
   * One ascent step of step number {@code t} (from 1): each block of {@code values} moves along
   * its gradient, in place.
   *
   * @throws IllegalStateException if a gradient is not finite
   */
  void ascend(List<double[]> values, List<double[]> gradients, int t) {
    double rate = learningRate * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
    for (int i = 0; i < values.size(); i++) {
      double[] x = values.get(i);
      double[] g = gradients.get(i);
      for (int j = 0; j < x.length; j++) {
        if (!Double.isFinite(g[j])) {
          throw new IllegalStateException("GP optimization: a gradient is " + g[j] + " at step " + t);
        }
        m[i][j] = BETA1 * m[i][j] + (1 - BETA1) * g[j];
        v[i][j] = BETA2 * v[i][j] + (1 - BETA2) * g[j] * g[j];
        x[j] += rate * m[i][j] / (Math.sqrt(v[i][j]) + EPSILON);
      }
    }
  }
}
