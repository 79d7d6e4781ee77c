package dev.helmholtz.infer;

/**
 * A fitted mean-field Gaussian q(theta) = prod_d N(theta_d; means[d], stds[d]^2).
 *
 * @param means the variational means
 * @param stds the variational standard deviations
 * @param elbo the mean single-step ELBO estimate over the averaged (last) steps
 * @param steps optimizer steps taken
 * @param seconds wall time, graph building included
 */
public record VariationalPosterior(double[] means, double[] stds, double elbo, int steps, double seconds) {
  public int dims() {
    return means.length;
  }

  /**
   * {@code n} draws from q, [n][dims], from a Java generator seeded by {@code seed}: for
   * posterior predictive checks computed outside the graph.
   */
  public double[][] draws(int n, long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1, was " + n);
    }
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    double[][] out = new double[n][means.length];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < means.length; d++) {
        double u = 1 - random.nextDouble();
        double z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
        out[i][d] = means[d] + stds[d] * z;
      }
    }
    return out;
  }
}
