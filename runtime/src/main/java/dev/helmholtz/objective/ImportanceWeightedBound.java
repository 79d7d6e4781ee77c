package dev.helmholtz.objective;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The importance-weighted bound (Burda et al. 2016) per example from log weights
 * log w_i = log p(x, z_i) - log q(z_i | x), [k, B]: log (1/k) sum_i w_i. It is the ELBO at
 * k = 1, never decreases in k, and tends to log p(x) as k grows; it is also the
 * importance-sampled estimate of log p(x) used for evaluation.
 */
public final class ImportanceWeightedBound {
  private ImportanceWeightedBound() {}

  /** [k, B] log weights to [B]. */
  public static Operand<TFloat32> perExample(Ops tf, Operand<TFloat32> logWeights, Operand<TInt32> k) {
    return tf.math.sub(LogSumExp.reduce(tf, logWeights, 0), tf.math.log(tf.dtypes.cast(k, TFloat32.class)));
  }

  /**
   * Combines log-sum-exps of the weights of disjoint chunks of samples of one example, in double
   * precision: how an estimate with k = 5000 is assembled from chunks that fit in memory.
   */
  public static double logAddExp(double a, double b) {
    if (a == Double.NEGATIVE_INFINITY) {
      return b;
    }
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    double max = Math.max(a, b);
    return max + Math.log(Math.exp(a - max) + Math.exp(b - max));
  }
}
