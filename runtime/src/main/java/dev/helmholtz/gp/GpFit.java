package dev.helmholtz.gp;

/**
 * What an optimization run did.
 *
 * @param steps the Adam steps taken
 * @param objective the objective at each step, before that step's update (the log marginal
 *     likelihood, or the minibatch ELBO scaled to the whole data set)
 * @param seconds the wall time
 */
public record GpFit(int steps, double[] objective, double seconds) {

  /** The objective at the last step. */
  public double lastObjective() {
    return objective[objective.length - 1];
  }
}
