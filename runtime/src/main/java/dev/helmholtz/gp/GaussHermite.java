package dev.helmholtz.gp;

/**
 * Gauss-Hermite quadrature: nodes t_i and weights w_i with sum_i w_i g(t_i) ~ integral of
 * exp(-t^2) g(t) dt, exact for polynomials g of degree below 2n. So for f ~ N(mu, v),
 * E[g(f)] ~ sum_i w_i / sqrt(pi) g(mu + sqrt(2 v) t_i).
 *
 * <p>The nodes are the roots of the n-th orthonormal Hermite polynomial, bracketed on a fine
 * grid and refined by bisection; the weights are the Christoffel numbers 1 / sum over k below n of
 * p_k(t_i)^2, with the orthonormal p_k from their three-term recurrence (no factorials, so no
 * overflow).
 */
public final class GaussHermite {
  private final double[] nodes;
  private final double[] weights;

  private GaussHermite(double[] nodes, double[] weights) {
    this.nodes = nodes;
    this.weights = weights;
  }

  /** The rule of {@code n} points (1 to 100). */
  public static GaussHermite of(int n) {
    if (n < 1 || n > 100) {
      throw new IllegalArgumentException("Gauss-Hermite points must be 1 to 100, was " + n);
    }
    double bound = Math.sqrt(2.0 * n + 1) + 1;
    int cells = 200 * n;
    double step = 2 * bound / cells;
    double[] nodes = new double[n];
    int found = 0;
    double left = -bound;
    double valueLeft = orthonormal(n, left)[n];
    for (int c = 0; c < cells && found < n; c++) {
      double right = left + step;
      double valueRight = orthonormal(n, right)[n];
      if (valueLeft == 0) {
        nodes[found++] = left;
      } else if (valueLeft * valueRight < 0) {
        nodes[found++] = bisect(n, left, right);
      }
      left = right;
      valueLeft = valueRight;
    }
    if (found != n) {
      throw new IllegalStateException("found " + found + " of " + n + " Gauss-Hermite nodes");
    }
    double[] weights = new double[n];
    for (int i = 0; i < n; i++) {
      double[] p = orthonormal(n, nodes[i]);
      double sum = 0;
      for (int k = 0; k < n; k++) {
        sum += p[k] * p[k];
      }
      weights[i] = 1 / sum;
    }
    return new GaussHermite(nodes, weights);
  }

  /** The nodes t_i, increasing. */
  public double[] nodes() {
    return nodes.clone();
  }

  /** The weights w_i (summing to sqrt(pi)). */
  public double[] weights() {
    return weights.clone();
  }

  /** p_0(t) ... p_n(t), orthonormal under exp(-t^2). */
  private static double[] orthonormal(int n, double t) {
    double[] p = new double[n + 1];
    p[0] = Math.pow(Math.PI, -0.25);
    if (n >= 1) {
      p[1] = Math.sqrt(2) * t * p[0];
    }
    for (int k = 1; k < n; k++) {
      p[k + 1] = Math.sqrt(2.0 / (k + 1)) * t * p[k] - Math.sqrt((double) k / (k + 1)) * p[k - 1];
    }
    return p;
  }

  private static double bisect(int n, double lo, double hi) {
    double fLo = orthonormal(n, lo)[n];
    for (int i = 0; i < 100 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo)); i++) {
      double mid = 0.5 * (lo + hi);
      double fMid = orthonormal(n, mid)[n];
      if (fMid == 0) {
        return mid;
      }
      if (fLo * fMid < 0) {
        hi = mid;
      } else {
        lo = mid;
        fLo = fMid;
      }
    }
    return 0.5 * (lo + hi);
  }
}
