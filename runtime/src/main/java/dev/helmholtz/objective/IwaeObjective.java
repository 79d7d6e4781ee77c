package dev.helmholtz.objective;

import dev.helmholtz.data.Dataset;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The importance-weighted bound at k samples (Burda et al. 2016), trained on its pathwise
 * gradient and validated at the same k.
 */
public final class IwaeObjective implements TrainingObjective {
  private final int samples;

  IwaeObjective(int samples) {
    this.samples = samples;
  }

  @Override
  public int trainingSamples() {
    return samples;
  }

  @Override
  public boolean differentiatesSamples() {
    return true;
  }

  @Override
  public boolean splitsIntoTowers() {
    return true;
  }

  @Override
  public TrainingTarget target(ObjectiveInputs in) {
    Operand<TFloat32> bound = ImportanceWeightedBound.perExample(in.tf(), in.pass().logWeights(), in.pass().k());
    return TrainingTarget.of(in.tf(), bound, bound);
  }

  @Override
  public double validation(BoundEstimators model, Dataset data) {
    return model.logLikelihood(data, samples);
  }

  @Override
  public String toString() {
    return "IWAE (k=" + samples + ")";
  }
}
