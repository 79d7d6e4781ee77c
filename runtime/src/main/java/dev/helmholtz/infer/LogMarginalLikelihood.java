package dev.helmholtz.infer;

/**
 * Importance-sampled estimates of log p(x), one per example, with their standard errors (see
 * {@link ImportanceSampling} for how both are computed).
 *
 * @param estimates per example, log((1/k) sum_i w_i)
 * @param standardErrors per example, the delta-method standard error of the estimate
 * @param effectiveSampleSizes per example, Kish's (sum w)^2 / sum w^2, between 1 and k
 * @param k draws per example
 * @param seconds wall time, graph building included
 */
public record LogMarginalLikelihood(double[] estimates, double[] standardErrors,
    double[] effectiveSampleSizes, int k, double seconds) {

  /**
   * From each example's log sum w and log sum w^2 over its {@code k} draws (as accumulated in
   * chunks by {@link ImportanceSampling} or a generated model).
   */
  public static LogMarginalLikelihood fromLogSums(double[] logSum, double[] logSumSquares, int k, double seconds) {
    int n = logSum.length;
    double[] estimates = new double[n];
    double[] errors = new double[n];
    double[] ess = new double[n];
    double logK = Math.log(k);
    for (int i = 0; i < n; i++) {
      estimates[i] = logSum[i] - logK;
      errors[i] = ImportanceSampling.standardError(logSum[i], logSumSquares[i], k);
      ess[i] = ImportanceSampling.effectiveSampleSize(logSum[i], logSumSquares[i]);
    }
    return new LogMarginalLikelihood(estimates, errors, ess, k, seconds);
  }

  /** The mean of the per-example estimates: the data set's average log-likelihood. */
  public double mean() {
    double s = 0;
    for (double e : estimates) {
      s += e;
    }
    return s / estimates.length;
  }

  /** The Monte Carlo standard error of {@link #mean}: sqrt(sum se_i^2) / N. */
  public double standardError() {
    double s = 0;
    for (double e : standardErrors) {
      s += e * e;
    }
    return Math.sqrt(s) / standardErrors.length;
  }

  /** The smallest per-example effective sample size: how well the proposal covers the worst example. */
  public double minEffectiveSampleSize() {
    double m = Double.POSITIVE_INFINITY;
    for (double e : effectiveSampleSizes) {
      m = Math.min(m, e);
    }
    return m;
  }
}
