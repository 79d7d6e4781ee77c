package dev.helmholtz.infer;

import java.util.Arrays;

/**
 * What a {@link HamiltonianMonteCarlo} run produced: the kept draws, {@code [draw][chain][param]},
 * and what the sampler adapted and observed.
 *
 * @param draws the kept draws, [draws][chains][dims] (warm-up discarded)
 * @param acceptanceRates per chain, the mean acceptance probability over the kept draws
 * @param stepSizes per chain, the step size used for the kept draws (all equal when shared)
 * @param inverseMass the diagonal of the inverse mass matrix used for the kept draws
 * @param divergences kept transitions whose energy error exceeded 1000 or was not finite
 * @param warmupDivergences the same during warm-up
 * @param leapfrogSteps leapfrog steps per trajectory
 * @param seconds wall time of the whole run, graph building included
 */
public record HmcResult(float[][][] draws, double[] acceptanceRates, double[] stepSizes,
    double[] inverseMass, int divergences, int warmupDivergences, int leapfrogSteps,
    double seconds) {

  public int drawCount() {
    return draws.length;
  }

  public int chainCount() {
    return draws[0].length;
  }

  public int dims() {
    return draws[0][0].length;
  }

  /** The mean acceptance probability over chains and kept draws. */
  public double acceptanceRate() {
    return Arrays.stream(acceptanceRates).average().orElse(Double.NaN);
  }

  /** Parameter {@code param}'s chains, [chain][draw]. */
  public double[][] chains(int param) {
    checkParam(param);
    return McmcDiagnostics.chainsOf(draws, param);
  }

  /**
   * At most {@code max} draws of all chains pooled, [draw][param] in double precision, evenly
   * thinned over the kept iterations (every chain gives the same iterations, at least one): the
   * form posterior predictive methods such as {@code BayesianModel.predictMean} take.
   */
  public double[][] pooledDraws(int max) {
    return McmcDiagnostics.pooledDraws(draws, max);
  }

  /** The posterior mean of every parameter over all chains and draws. */
  public double[] mean() {
    return McmcDiagnostics.mean(draws);
  }

  /** The posterior covariance over all chains and draws, n - 1 denominator. */
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

  private void checkParam(int param) {
    if (param < 0 || param >= dims()) {
      throw new IndexOutOfBoundsException("parameter " + param + " of " + dims());
    }
  }
}
