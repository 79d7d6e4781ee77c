package dev.helmholtz.objective;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The importance-weighted bound at k samples (Burda et al. 2016), trained on its pathwise
 * gradient and validated at the same k.
 */
public final class IwaeObjective extends FixedPropertiesObjective {
  IwaeObjective(int samples) {
    super("IWAE", samples, true, true, true);
  }

  @Override
  public TrainingTarget target(ObjectiveInputs in) {
    Operand<TFloat32> bound = ImportanceWeightedBound.perExample(in.tf(), in.pass().logWeights(), in.pass().k());
    return TrainingTarget.of(in.tf(), bound, bound);
  }
}
