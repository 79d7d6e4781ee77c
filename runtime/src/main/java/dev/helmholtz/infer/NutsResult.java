package dev.helmholtz.infer;

/**
 * What a {@link NoUTurnSampler} run produced: the draws and the diagnostics HMC gives ({@link
 * #samples()}, an {@link HmcResult}: R-hat, ESS, means, covariances, pooled draws, acceptance,
 * divergences, step sizes), and what is NUTS's own: tree depths, leapfrog steps and how often the
 * maximum depth was reached.
 *
 * <p>In {@link #samples()}, {@code acceptanceRates} are per chain the mean of Stan's accept_stat
 * (the mean Metropolis probability over each trajectory's states), {@code inverseMass} is the
 * chains' mean of their own diagonals ({@link #inverseMass()} has each chain's), and {@code
 * leapfrogSteps} is the mean number of steps per kept transition, rounded.
 *
 * @param samples the kept draws and the diagnostics shared with HMC
 * @param inverseMass each chain's diagonal inverse mass used for the kept draws, [chains][dims]
 * @param maxTreeDepth the tree depth limit (a trajectory has at most 2^depth - 1 steps)
 * @param meanTreeDepth the mean tree depth over chains and kept transitions
 * @param maxTreeDepthHits kept transitions that stopped at the depth limit, not at a U-turn
 * @param warmupMaxTreeDepthHits the same during warm-up
 * @param meanLeapfrogSteps the mean number of leapfrog steps (gradients) per kept transition
 * @param gradientEvaluations leapfrog steps of all chains over the whole run, warm-up included
 *     (steps the batched graph computed for chains whose tree had already stopped are not counted)
 */
public record NutsResult(HmcResult samples, double[][] inverseMass, int maxTreeDepth, double meanTreeDepth,
    int maxTreeDepthHits, int warmupMaxTreeDepthHits, double meanLeapfrogSteps, long gradientEvaluations) {

  /** Kept transitions whose trajectory diverged (energy error above 1000 or not finite). */
  public int divergences() {
    return samples.divergences();
  }

  /** Rank-normalized split R-hat of every parameter. */
  public double[] rhat() {
    return samples.rhat();
  }

  /** Bulk effective sample size of every parameter. */
  public double[] effectiveSampleSize() {
    return samples.effectiveSampleSize();
  }

  /** The posterior mean over all chains and kept draws. */
  public double[] mean() {
    return samples.mean();
  }

  /** The posterior covariance over all chains and kept draws. */
  public double[][] covariance() {
    return samples.covariance();
  }

  /** Wall time of the whole run, graph building included. */
  public double seconds() {
    return samples.seconds();
  }
}
