package dev.helmholtz.objective;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The wake-sleep algorithm (Hinton, Dayan, Frey &amp; Neal 1995) and its reweighted form
 * (Bornschein &amp; Bengio 2015), as per-example objectives whose gradients are the algorithms'
 * updates. Samples carry no gradient (they are drawn detached), so the generative networks only
 * see the wake terms (log p) and the encoders only the q terms: one optimizer over all
 * variables performs both phases in one step.
 */
public final class WakeSleep {
  private WakeSleep() {}

  /** Wake phase: log p(x, z) for z drawn from q, averaged over the k samples; [k, B] to [B]. */
  public static Operand<TFloat32> wake(Ops tf, Operand<TFloat32> logJoint) {
    return tf.math.mean(logJoint, tf.constant(0));
  }

  /**
   * Sleep phase: log q(z | x) for (z, x) dreamed from p; [k, B] to [B]. Maximizing it fits q to
   * p's posterior in the KL(p || q) direction.
   */
  public static Operand<TFloat32> sleep(Ops tf, Operand<TFloat32> dreamLogQ) {
    return tf.math.mean(dreamLogQ, tf.constant(0));
  }

  /**
   * Reweighted wake phase for p and q together: sum_j w~_j (log p(x, z_j) + log q(z_j | x)) with
   * w~ the normalized importance weights softmax_j(log w_j) held constant; [k, B] to [B]. Its
   * gradient for p estimates grad log p(x), for q the wake-phase q update.
   */
  public static Operand<TFloat32> reweightedWake(Ops tf, Operand<TFloat32> logJoint,
      Operand<TFloat32> logPosterior, Operand<TFloat32> logWeights) {
    // Normalized by dividing by their sum, not by subtracting a log-sum-exp: exp(l - lse) carries
    // lse's float rounding into every weight (sums 1 - 2e-5 at log weights near -1000).
    Operand<TFloat32> unnormalized = tf.math.exp(tf.math.sub(logWeights,
        tf.max(logWeights, tf.constant(0), org.tensorflow.op.core.Max.keepDims(true))));
    Operand<TFloat32> normalized = tf.stopGradient(tf.math.div(unnormalized,
        tf.sum(unnormalized, tf.constant(0), org.tensorflow.op.core.Sum.keepDims(true))));
    return tf.sum(tf.math.mul(normalized, tf.math.add(logJoint, logPosterior)), tf.constant(0));
  }
}
