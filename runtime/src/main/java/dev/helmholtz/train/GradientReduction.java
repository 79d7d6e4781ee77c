package dev.helmholtz.train;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * What {@link Adam} does to the gradients between computing and applying them: for data-parallel
 * training, average them over the workers ({@code dev.helmholtz.distributed.CollectiveAllReduce}).
 * Every worker's graph must apply the same reduction, so that all of them apply the same update.
 */
@FunctionalInterface
public interface GradientReduction {

  /**
   * The gradients to apply, one per given gradient, of the same shapes, in the same order.
   *
   * @param tf ops in the optimizer's scope
   * @param gradients this process's gradients of the loss, one per variable
   */
  List<Operand<TFloat32>> reduce(Ops tf, List<Operand<TFloat32>> gradients);
}
