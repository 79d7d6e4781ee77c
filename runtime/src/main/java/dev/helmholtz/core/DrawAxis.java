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
   * order of row-aligned values). Those parameters are first broadcast to their common shape, so
   * that one of {@code [R, 1, ...]} (a per-draw noise scale) gets its n rows; parameters of lower
   * rank broadcast as they are.
   */
  @SuppressWarnings("unchecked")
  public static <D extends Distribution> D merge(Ops tf, D distribution, int eventRank) {
    List<Operand<TFloat32>> drawn = new ArrayList<>();
    distribution.mapParameters(p -> {
      if (p.shape().numDimensions() == eventRank + 2) {
        drawn.add(p);
      }
      return p;
    });
    if (drawn.isEmpty()) {
      return distribution;
    }
    Operand<TInt32> common = tf.shape(drawn.get(0));
    boolean same = !drawn.get(0).shape().hasUnknownDimension();
    for (Operand<TFloat32> p : drawn.subList(1, drawn.size())) {
      same &= !p.shape().hasUnknownDimension() && p.shape().equals(drawn.get(0).shape());
      common = tf.broadcastDynamicShape(common, tf.shape(p));
    }
    Operand<TInt32> shape = common;
    boolean broadcast = !same;
    // The event's static sizes, of the broadcast shape: the largest of each axis, unknown if any is.
    long[] event = new long[eventRank];
    for (int axis = 0; axis < eventRank; axis++) {
      for (Operand<TFloat32> p : drawn) {
        long size = p.shape().get(axis + 2);
        event[axis] = size < 0 || event[axis] < 0 ? -1 : Math.max(event[axis], size);
      }
    }
    return (D) distribution.mapParameters(p -> {
      int rank = p.shape().numDimensions();
      if (rank != eventRank + 2) {
        return p;
      }
      Operand<TFloat32> full = broadcast ? tf.broadcastTo(p, shape) : p;
      List<Operand<TInt32>> dims = new ArrayList<>(List.of(tf.constant(-1)));
      for (long size : event) {
        if (size < 0) { // an event size known only at run time: the whole shape from the graph
          return tf.reshape(full, tf.concat(List.of(tf.constant(new int[] {-1}),
              tf.slice(shape, tf.constant(new int[] {2}), tf.constant(new int[] {-1}))), tf.constant(0)));
        }
        dims.add(tf.constant((int) size)); // static, so downstream ops know the event's sizes
      }
      return tf.reshape(full, tf.stack(dims));
    });
  }
}
