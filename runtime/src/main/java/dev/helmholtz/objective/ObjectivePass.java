package dev.helmholtz.objective;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * What a pass over one training batch (or one tower of it) hands a {@link TrainingObjective}: the
 * per-sample weights and densities, and the bounds per example, that objectives are built from.
 * Each call adds its ops to the graph, so an objective asks for each quantity once, in the order
 * it needs them.
 */
public interface ObjectivePass {
  /** The ELBO per example, {@code [B]} (in an enumerating pass: with the enumerated latent summed out). */
  Operand<TFloat32> elboPerExample();

  /** The ELBO per example with the latents' terms weighted by {@code klWeight}, {@code [B]}. */
  Operand<TFloat32> klWeightedElboPerExample(Operand<TFloat32> klWeight);

  /** log p(x, z) - log q(z | x) per sample, {@code [k, B]}. */
  Operand<TFloat32> logWeights();

  /** log p(x, z) per sample, {@code [k, B]}. */
  Operand<TFloat32> logJoint();

  /** log q(z | x) per sample, {@code [k, B]}. */
  Operand<TFloat32> logPosterior();

  /** log q of the latents drawn without a reparameterized gradient, per sample, {@code [k, B]}. */
  Operand<TFloat32> scoreFunctionLogQ();

  /** log q(y_obs | x) of a pass that enumerates or clamps a label latent, 0 for unlabelled examples, {@code [B]}. */
  Operand<TFloat32> labelLogPosterior();

  /** 1 for each labelled example of a pass that enumerates or clamps a label latent, 0 for each unlabelled one, {@code [B]}. */
  Operand<TFloat32> labelled();

  /** Whether this pass summed a latent out by enumeration. */
  boolean enumerated();

  /** The number of samples per example k, a scalar. */
  Operand<TInt32> k();

  /** The batch size B, a scalar. */
  Operand<TInt32> batchSize();
}
