package dev.helmholtz.nn;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The arithmetic of batch, layer and spectral normalization. Inverse square roots are taken as
 * {@code pow(v, -0.5)}: TensorFlow Java has no second-order gradient for {@code Rsqrt}, and a
 * gradient penalty differentiates a critic's input gradient once more.
 */
final class Normalization {
  private Normalization() {}

  static Operand<TFloat32> inverseSqrt(Ops tf, Operand<TFloat32> v) {
    return tf.math.pow(v, tf.constant(-0.5f));
  }

  /** Axes {@code [from, from + 1, ..., rank - 1]}. */
  static Operand<TInt32> axes(Ops tf, int from, int rank) {
    int[] axes = new int[rank - from];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = from + i;
    }
    return tf.constant(axes);
  }

  /**
   * Mean and (biased) variance over {@code axes}, kept as size-1 dimensions. The mean is not
   * wrapped in {@code stopGradient} inside the variance (as TensorFlow's {@code moments} does):
   * that leaves first-order gradients exact but cuts a path a second-order gradient (a critic's
   * gradient penalty) needs; GradientPenaltyTest caught it.
   */
  static List<Operand<TFloat32>> moments(Ops tf, Operand<TFloat32> x, Operand<TInt32> axes) {
    Operand<TFloat32> mean = tf.math.mean(x, axes, org.tensorflow.op.math.Mean.keepDims(true));
    Operand<TFloat32> variance = tf.math.mean(tf.math.squaredDifference(x, mean), axes,
        org.tensorflow.op.math.Mean.keepDims(true));
    return List.of(mean, variance);
  }

  /** {@code x / |x|} with a floor on the norm; for power iteration vectors. */
  static Operand<TFloat32> unit(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> squared = tf.reduceSum(tf.math.square(x), tf.constant(0), ReduceSum.keepDims(true));
    return tf.math.mul(x, inverseSqrt(tf, tf.math.add(squared, tf.constant(1e-12f))));
  }

  /** Static dims of {@code shape} as a long array, with the first replaced by {@code first}. */
  static long[] withFirst(Shape shape, long first) {
    long[] dims = shape.asArray().clone();
    dims[0] = first;
    return dims;
  }
}
