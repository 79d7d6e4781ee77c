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
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, was " + max);
    }
    int chains = chainCount();
    int perChain = Math.max(1, Math.min(drawCount(), max / chains));
    double[][] out = new double[perChain * chains][];
    int i = 0;
    for (int t = 0; t < perChain; t++) {
      int iteration = (int) ((long) t * drawCount() / perChain);
      for (int c = 0; c < chains; c++) {
        float[] draw = draws[iteration][c];
        double[] copy = new double[draw.length];
        for (int d = 0; d < draw.length; d++) {
          copy[d] = draw[d];
        }
        out[i++] = copy;
      }
    }
    return out;
  }

  /** The mean of every parameter over all chains and draws. */
  public double[] mean() {
    double[] mean = new double[dims()];
    for (float[][] draw : draws) {
      for (float[] chain : draw) {
        for (int d = 0; d < mean.length; d++) {
          mean[d] += chain[d];
        }
      }
    }
    double n = (double) drawCount() * chainCount();
    for (int d = 0; d < mean.length; d++) {
      mean[d] /= n;
    }
    return mean;
  }

  /** The covariance over all chains and draws, n - 1 denominator. */
  public double[][] covariance() {
    double[] mean = mean();
    int dims = dims();
    double[][] cov = new double[dims][dims];
    for (float[][] draw : draws) {
      for (float[] chain : draw) {
        for (int i = 0; i < dims; i++) {
          double di = chain[i] - mean[i];
          for (int j = 0; j <= i; j++) {
            cov[i][j] += di * (chain[j] - mean[j]);
          }
        }
      }
    }
    double n = (double) drawCount() * chainCount() - 1;
    for (int i = 0; i < dims; i++) {
      for (int j = 0; j <= i; j++) {
        cov[i][j] /= n;
        cov[j][i] = cov[i][j];
      }
    }
    return cov;
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
