package dev.helmholtz.infer;

/**
 * What a {@link StochasticGradientMcmc} run produced: the kept (thinned) draws, {@code
 * [draw][chain][param]}, with the same summaries and diagnostics as {@link HmcResult}.
 *
 * @param method the sampler
 * @param draws the kept draws, [draws][chains][dims] (burn-in discarded, thinned)
 * @param thin updates per kept draw
 * @param burnin updates discarded before the first kept draw
 * @param finalStepSize the step size of the last update
 * @param seconds wall time of the whole run, graph building included
 */
public record SgmcmcResult(StochasticGradientMcmc.Method method, float[][][] draws, int thin, int burnin,
    double finalStepSize, double seconds) {

  public int drawCount() {
    return draws.length;
  }

  public int chainCount() {
    return draws[0].length;
  }

  public int dims() {
    return draws[0][0].length;
  }

  /** Parameter {@code param}'s chains, [chain][draw]. */
  public double[][] chains(int param) {
    if (param < 0 || param >= dims()) {
      throw new IndexOutOfBoundsException("parameter " + param + " of " + dims());
    }
    return McmcDiagnostics.chainsOf(draws, param);
  }

  /** At most {@code max} draws of all chains pooled, evenly thinned, as {@link HmcResult#pooledDraws}. */
  public double[][] pooledDraws(int max) {
    return McmcDiagnostics.pooledDraws(draws, max);
  }

  /** The mean of every parameter over all chains and draws. */
  public double[] mean() {
    return McmcDiagnostics.mean(draws);
  }

  /** The covariance over all chains and draws, n - 1 denominator. */
  public double[][] covariance() {
    return McmcDiagnostics.covariance(draws);
  }

  /** Rank-normalized split R-hat of every parameter ({@link McmcDiagnostics#rankNormalizedSplitRhat}). */
  public double[] rhat() {
    double[] out = new double[dims()];
    for (int d = 0; d < out.length; d++) {
      out[d] = McmcDiagnostics.rankNormalizedSplitRhat(chains(d));
    }
    return out;
  }

  /** Bulk effective sample size of every parameter ({@link McmcDiagnostics#bulkEffectiveSampleSize}). */
  public double[] effectiveSampleSize() {
    double[] out = new double[dims()];
    for (int d = 0; d < out.length; d++) {
      out[d] = McmcDiagnostics.bulkEffectiveSampleSize(chains(d));
    }
    return out;
  }

  @Override
  public String toString() {
    return method + ": " + drawCount() + " draws x " + chainCount() + " chains, thin " + thin + ", burn-in "
        + burnin + ", final step size " + finalStepSize + ", " + seconds + " s";
  }
}
