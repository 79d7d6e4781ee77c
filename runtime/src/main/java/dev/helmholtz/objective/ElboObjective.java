package dev.helmholtz.objective;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The evidence lower bound (Kingma and Welling 2014): trained on the KL-weighted ELBO with
 * pathwise gradients where the latents allow, reported and validated as the ELBO itself.
 */
public final class ElboObjective extends FixedPropertiesObjective {
  /**
   * The hyperparameter that weighs the latents' KL terms in the training loss, 1 by default:
   * {@code Training.schedule("kl_weight", ScalarSchedule.linear(0, 1, 10_000))} warms it up. The
   * reported objective stays the ELBO.
   */
  public static final String KL_WEIGHT = "kl_weight";

  ElboObjective(int samples) {
    super("ELBO", samples, true, true, false);
  }

  @Override
  public TrainingTarget target(ObjectiveInputs in) {
    Operand<TFloat32> elbo = in.pass().elboPerExample();
    // The KL weight is 1 unless a run schedules it (warm-up): the value reported stays the ELBO.
    Operand<TFloat32> surrogate = in.pass().klWeightedElboPerExample(in.variables().hyperparameter(KL_WEIGHT, 1f));
    return TrainingTarget.of(in.tf(), elbo, surrogate);
  }
}
