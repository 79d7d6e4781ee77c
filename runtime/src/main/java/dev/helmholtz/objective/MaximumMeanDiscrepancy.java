package dev.helmholtz.objective;

import java.util.Arrays;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;

/**
 * The kernel two-sample statistic of Gretton et al. (2012) as a generator's loss, with no
 * discriminator (generative moment matching networks, Li et al. 2015; Dziugaite et al. 2015):
 * the unbiased estimate of the squared maximum mean discrepancy between a batch of data
 * {@code x} ({@code [m, d]}) and a batch of generated examples {@code y} ({@code [n, d]}),
 *
 * <pre>
 *   MMD^2 = 1/(m(m-1)) sum_{i != j} k(x_i, x_j) + 1/(n(n-1)) sum_{i != j} k(y_i, y_j)
 *           - 2/(mn) sum_{i, j} k(x_i, y_j),
 * </pre>
 *
 * under the mixture of Gaussian kernels {@code k(a, b) = sum_s exp(-|a - b|^2 / (2 s^2))} over
 * the bandwidths s: one bandwidth sees only one scale of the data, a mixture sees several (Li et
 * al. use 2 to 80 on MNIST's pixels). The mixture is characteristic, so MMD^2 is 0 in
 * expectation exactly when the two distributions agree; the unbiased estimate can be slightly
 * negative. Both batches need at least two rows.
 */
public final class MaximumMeanDiscrepancy {
  private final double[] bandwidths;

  private MaximumMeanDiscrepancy(double[] bandwidths) {
    this.bandwidths = bandwidths;
  }

  /**
   * The statistic under a mixture of Gaussian kernels of these bandwidths (each finite and
   * positive; at least one).
   */
  public static MaximumMeanDiscrepancy gaussianMixture(double... bandwidths) {
    Objects.requireNonNull(bandwidths, "bandwidths");
    if (bandwidths.length == 0) {
      throw new IllegalArgumentException("a kernel mixture needs at least one bandwidth");
    }
    for (double s : bandwidths) {
      if (!(s > 0) || Double.isInfinite(s)) {
        throw new IllegalArgumentException("bandwidths must be finite and positive, were " + Arrays.toString(bandwidths));
      }
    }
    return new MaximumMeanDiscrepancy(bandwidths.clone());
  }

  /** The bandwidths of the mixture. */
  public double[] bandwidths() {
    return bandwidths.clone();
  }

  /** The unbiased estimate of MMD^2 between rows of {@code x} and rows of {@code y}: a scalar. */
  public Operand<TFloat32> squared(Ops tf, Operand<TFloat32> x, Operand<TFloat32> y) {
    Operand<TFloat32> kxx = kernel(tf, x, x);
    Operand<TFloat32> kyy = kernel(tf, y, y);
    Operand<TFloat32> kxy = kernel(tf, x, y);
    Operand<TFloat32> m = rows(tf, x);
    Operand<TFloat32> n = rows(tf, y);
    // The diagonal of k(x, x) is the number of bandwidths: k(a, a) = 1 per kernel.
    Operand<TFloat32> self = tf.constant((float) bandwidths.length);
    Operand<TFloat32> xx = tf.math.div(tf.math.sub(sum(tf, kxx), tf.math.mul(self, m)),
        tf.math.mul(m, tf.math.sub(m, tf.constant(1f))));
    Operand<TFloat32> yy = tf.math.div(tf.math.sub(sum(tf, kyy), tf.math.mul(self, n)),
        tf.math.mul(n, tf.math.sub(n, tf.constant(1f))));
    Operand<TFloat32> xy = tf.math.div(sum(tf, kxy), tf.math.mul(m, n));
    return tf.math.sub(tf.math.add(xx, yy), tf.math.mul(tf.constant(2f), xy));
  }

  /** The mixture kernel's matrix between rows of {@code a} ({@code [m, d]}) and of {@code b} ({@code [n, d]}): {@code [m, n]}. */
  public Operand<TFloat32> kernel(Ops tf, Operand<TFloat32> a, Operand<TFloat32> b) {
    Operand<TFloat32> distances = squaredDistances(tf, a, b);
    Operand<TFloat32> total = null;
    for (double s : bandwidths) {
      Operand<TFloat32> k = tf.math.exp(tf.math.mul(distances, tf.constant((float) (-1 / (2 * s * s)))));
      total = total == null ? k : tf.math.add(total, k);
    }
    return total;
  }

  /**
   * {@code |a_i - b_j|^2} as {@code |a_i|^2 + |b_j|^2 - 2 a_i . b_j}, clipped at 0 against
   * rounding: {@code [m, n]}.
   */
  private static Operand<TFloat32> squaredDistances(Ops tf, Operand<TFloat32> a, Operand<TFloat32> b) {
    Operand<TFloat32> a2 = tf.reduceSum(tf.math.square(a), tf.constant(new int[] {1}), ReduceSum.keepDims(true));
    Operand<TFloat32> b2 = tf.reduceSum(tf.math.square(b), tf.constant(new int[] {1}), ReduceSum.keepDims(true));
    Operand<TFloat32> ab = tf.linalg.matMul(a, b, MatMul.transposeB(true));
    Operand<TFloat32> d = tf.math.sub(tf.math.add(a2, tf.linalg.transpose(b2, tf.constant(new int[] {1, 0}))),
        tf.math.mul(tf.constant(2f), ab));
    return tf.math.maximum(d, tf.constant(0f));
  }

  private static Operand<TFloat32> rows(Ops tf, Operand<TFloat32> x) {
    return tf.dtypes.cast(tf.squeeze(tf.slice(tf.shape(x), tf.constant(new int[] {0}), tf.constant(new int[] {1}))),
        TFloat32.class);
  }

  private static Operand<TFloat32> sum(Ops tf, Operand<TFloat32> x) {
    return tf.reduceSum(x, tf.constant(new int[] {0, 1}));
  }
}
