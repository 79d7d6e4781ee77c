package dev.helmholtz.objective;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * VIMCO (Mnih and Rezende 2016): the k-sample bound with leave-one-out baselines for the
 * score-function latents. Its baselines are within an example's samples, so a batch splits into
 * towers; validated as the bound at the model's k.
 */
public final class VimcoObjective extends FixedPropertiesObjective {
  VimcoObjective(int samples) {
    super("VIMCO", samples, true, true, true);
  }

  @Override
  public TrainingTarget target(ObjectiveInputs in) {
    Operand<TFloat32> surrogate = Vimco.surrogate(in.tf(), in.pass().logWeights(), in.pass().scoreFunctionLogQ());
    return TrainingTarget.of(in.tf(), surrogate, surrogate); // its value is the bound
  }
}
