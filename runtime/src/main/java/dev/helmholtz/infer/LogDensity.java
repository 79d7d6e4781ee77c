package dev.helmholtz.infer;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * An unnormalized log density over a flat parameter vector, built in the graph for a batch of
 * points: typically log p(theta) + log p(data | theta) of a model with global parameters theta.
 *
 * <p>{@link HamiltonianMonteCarlo} calls it with one row per chain, {@link
 * MeanFieldVariationalInference} with one row per Monte Carlo draw. Rows must not interact: row
 * {@code i} of the result may depend on row {@code i} of {@code theta} only (the gradient of the
 * rows' sum is taken as each row's gradient). It may be called several times on one graph (once
 * per leapfrog step), so it should build ops only, with data as constants or operands it closes
 * over; it must use ops with gradients (see TFJAVA-NOTES) and no random ops.
 */
@FunctionalInterface
public interface LogDensity {
  /**
   * @param tf ops of the graph being built
   * @param theta points, [n, dims]
   * @return the log density at each point, [n]
   */
  Operand<TFloat32> logProb(Ops tf, Operand<TFloat32> theta);
}
