package dev.helmholtz.objective;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * log(sum(exp(x))) over one axis, stable for large and very negative x: the maximum is
 * subtracted first (through stopGradient, which leaves the gradient exact: the maximum cancels).
 * Built from ops that all have gradients in TF Java (the framework's reduceLogSumExp throws
 * without keepDims).
 */
public final class LogSumExp {
  private LogSumExp() {}

  public static Operand<TFloat32> reduce(Ops tf, Operand<TFloat32> x, int axis) {
    Operand<TFloat32> max = tf.stopGradient(
        tf.max(x, tf.constant(axis), org.tensorflow.op.core.Max.keepDims(true)));
    // An all -inf slice would give -inf - -inf = NaN; shift by 0 there instead.
    Operand<TFloat32> finiteMax = tf.select(tf.math.isFinite(max), max, tf.zerosLike(max));
    Operand<TFloat32> sum = tf.sum(tf.math.exp(tf.math.sub(x, finiteMax)), tf.constant(axis));
    return tf.math.add(tf.math.log(sum), tf.squeeze(finiteMax, org.tensorflow.op.core.Squeeze.axis(
        java.util.List.of((long) axis))));
  }
}
