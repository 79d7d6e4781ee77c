package dev.helmholtz.core;

import dev.helmholtz.dist.Distribution;
import java.util.Arrays;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Gives a distribution that has no batch axes of its own one per row: what a network of no node
 * returns, such as a learned prior {@code @Generator("z") Normal prior(Nn nn)}, whose parameters
 * are {@code [width]} or {@code [1, width]} where a pass works on {@code [n, width]} or {@code
 * [k, B, width]}. Drawn as it is, it would give one row where the pass needs n.
 */
public final class BatchAxes {
  private BatchAxes() {}

  /**
   * {@code distribution} with every parameter broadcast to {@code shape} (of rank {@code rank},
   * the last axis the event's) when its parameters, broadcast against each other, lack a batch
   * axis: a lower rank than {@code rank}, an unknown rank, or a leading axis known to be 1.
   * Otherwise {@code distribution} itself, so that a distribution with rows, or a standard prior
   * built on the value's shape, is left as it is (no ops on the training graph's path). {@code
   * shape} is int32, the type BroadcastTo's gradient works with.
   */
  @SuppressWarnings("unchecked")
  public static <D extends Distribution> D broadcast(Ops tf, D distribution, Operand<TInt32> shape, int rank) {
    if (rank < 2 || !lacksBatchAxes(distribution, rank)) { // a value of unknown rank: nothing to go by
      return distribution;
    }
    return (D) distribution.mapParameters(p -> tf.broadcastTo(p, shape));
  }

  /** Whether {@code distribution}'s parameters, broadcast together, lack one of the {@code rank - 1} batch axes. */
  static boolean lacksBatchAxes(Distribution distribution, int rank) {
    // Static broadcast of the parameters' shapes, right-aligned: 1 where every parameter has 1 (or
    // no axis), else a size or unknown. mapParameters is the one view of a family's parameters.
    long[] combined = new long[rank];
    Arrays.fill(combined, 1);
    boolean[] unknown = {false};
    boolean[] higher = {false};
    distribution.mapParameters(p -> {
      Shape shape = p.shape();
      if (shape.isUnknown()) {
        unknown[0] = true;
        return p;
      }
      if (shape.numDimensions() > rank) {
        higher[0] = true; // not a value's parameter of this pass: left for the family to reject
        return p;
      }
      for (int i = 0; i < shape.numDimensions(); i++) {
        long size = shape.get(i);
        int axis = rank - shape.numDimensions() + i;
        if (size != 1 && (combined[axis] == 1 || combined[axis] == Shape.UNKNOWN_SIZE)) {
          combined[axis] = size;
        }
      }
      return p;
    });
    if (higher[0]) {
      return false;
    }
    if (unknown[0]) {
      return true;
    }
    for (int axis = 0; axis < rank - 1; axis++) {
      if (combined[axis] == 1) {
        return true;
      }
    }
    return false;
  }
}
