package dev.helmholtz.core;

import dev.helmholtz.dist.Distribution;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The draw axis of a network that sees it ({@code @Generator(drawAxis = true)}): such a network
 * takes the global latents as {@code [R, width]} (R draws) and its other arguments as {@code [n,
 * event...]}, the same for every draw, and returns a distribution of {@code [R, n, event...]}, so
 * that a likelihood linear in a global is one matrix product (theta times the design matrix)
 * rather than an elementwise product over R * n repeated rows.
 */
public final class DrawAxis {
  private DrawAxis() {}

  /**
   * {@code distribution} with its parameters of rank {@code eventRank + 2}, {@code [R, n,
   * event...]}, merged to {@code [R * n, event...]} (row r * n + i for example i under draw r, the
   * order of row-aligned values); parameters of lower rank broadcast and stay as they are.
   */
  @SuppressWarnings("unchecked")
  public static <D extends Distribution> D merge(Ops tf, D distribution, int eventRank) {
    return (D) distribution.mapParameters(p -> {
      int rank = p.shape().numDimensions();
      if (rank != eventRank + 2) {
        return p;
      }
      List<Operand<TInt32>> dims = new ArrayList<>(List.of(tf.constant(-1)));
      for (int axis = 2; axis < rank; axis++) {
        long size = p.shape().get(axis);
        if (size < 0) { // an event size known only at run time: the whole shape from the graph
          return tf.reshape(p, tf.concat(List.of(tf.constant(new int[] {-1}),
              tf.slice(tf.shape(p), tf.constant(new int[] {2}), tf.constant(new int[] {-1}))), tf.constant(0)));
        }
        dims.add(tf.constant((int) size)); // static, so downstream ops know the event's sizes
      }
      return tf.reshape(p, tf.stack(dims));
    });
  }
}
