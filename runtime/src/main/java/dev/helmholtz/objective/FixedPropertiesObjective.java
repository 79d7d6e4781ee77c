package dev.helmholtz.objective;

import dev.helmholtz.data.Dataset;

/**
 * An objective whose properties are fixed when it is made: its training samples, whether it
 * differentiates them, whether it splits into towers, and whether validation reports the bound at
 * its k (the importance-weighted objectives) or the single-sample ELBO. Each implementation gives
 * these to the constructor and builds its own target.
 */
abstract class FixedPropertiesObjective implements TrainingObjective {
  private final String name;
  private final int samples;
  private final boolean differentiatesSamples;
  private final boolean splitsIntoTowers;
  private final boolean validatesBoundAtK;

  FixedPropertiesObjective(String name, int samples, boolean differentiatesSamples, boolean splitsIntoTowers,
      boolean validatesBoundAtK) {
    this.name = name;
    this.samples = samples;
    this.differentiatesSamples = differentiatesSamples;
    this.splitsIntoTowers = splitsIntoTowers;
    this.validatesBoundAtK = validatesBoundAtK;
  }

  @Override
  public final int trainingSamples() {
    return samples;
  }

  @Override
  public final boolean differentiatesSamples() {
    return differentiatesSamples;
  }

  @Override
  public final boolean splitsIntoTowers() {
    return splitsIntoTowers;
  }

  /** The importance-weighted bound at the training k, or the single-sample ELBO. */
  @Override
  public final double validation(BoundEstimators model, Dataset data) {
    return validatesBoundAtK ? model.logLikelihood(data, samples) : model.elbo(data);
  }

  @Override
  public String toString() {
    return name + " (k=" + samples + ")";
  }
}
