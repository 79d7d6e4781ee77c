package dev.helmholtz.objective;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * VIMCO (Mnih &amp; Rezende 2016): the importance-weighted bound L = log (1/k) sum_j w_j with a
 * score-function gradient for each of the k samples whose baseline is the bound with that
 * sample left out, its log weight replaced by the mean of the others' (the geometric mean of
 * their weights). The learning signal of sample j, L - L_{-j}, is its own contribution to the
 * bound, so the estimator needs no learned baseline. Needs k &ge; 2.
 */
public final class Vimco {
  private Vimco() {}

  /**
   * L_{-j} per sample: {@code log((sum_{i != j} w_i + exp(mean_{i != j} log w_i)) / k)},
   * {@code [k, B]}, computed without gradient.
   */
  public static Operand<TFloat32> leaveOneOutBounds(Ops tf, Operand<TFloat32> logWeights) {
    Operand<TFloat32> w = tf.stopGradient(logWeights);
    Operand<TInt32> k = tf.squeeze(tf.slice(tf.shape(w), tf.constant(new int[] {0}), tf.constant(new int[] {1})));
    Operand<TFloat32> kf = tf.dtypes.cast(k, TFloat32.class);
    // mean of the other samples' log weights, [k, B]
    Operand<TFloat32> others = tf.math.div(
        tf.math.sub(tf.sum(w, tf.constant(0), org.tensorflow.op.core.Sum.keepDims(true)), w),
        tf.math.sub(kf, tf.constant(1f)));
    // [k (left out), k (summed), B]: row j is w with entry j replaced by others[j]
    Operand<TFloat32> eye = tf.expandDims(
        tf.oneHot(tf.range(tf.constant(0), k, tf.constant(1)), k, tf.constant(1f), tf.constant(0f)),
        tf.constant(-1));
    Operand<TFloat32> replaced = tf.math.add(
        tf.math.mul(tf.math.sub(tf.constant(1f), eye), tf.expandDims(w, tf.constant(0))),
        tf.math.mul(eye, tf.expandDims(others, tf.constant(1))));
    return tf.math.sub(LogSumExp.reduce(tf, replaced, 1), tf.math.log(kf));
  }

  /**
   * Per example, {@code [B]}: value the importance-weighted bound of {@code logWeights}
   * ({@code [k, B]}), gradient the VIMCO estimate: the bound's own gradient (through the
   * generative networks, reparameterized latents, and q's explicit density, weighted by the
   * normalized weights) plus sum_j (L - L_{-j}) grad log q(z_j) over the score-function latents
   * ({@code scoreLogQ}, {@code [k, B]}).
   */
  public static Operand<TFloat32> surrogate(Ops tf, Operand<TFloat32> logWeights, Operand<TFloat32> scoreLogQ) {
    Operand<TInt32> k = tf.squeeze(tf.slice(tf.shape(logWeights), tf.constant(new int[] {0}), tf.constant(new int[] {1})));
    Operand<TFloat32> bound = ImportanceWeightedBound.perExample(tf, logWeights, k);
    Operand<TFloat32> signal = tf.math.sub(tf.stopGradient(tf.expandDims(bound, tf.constant(0))),
        leaveOneOutBounds(tf, logWeights));
    Operand<TFloat32> scoreTerms = tf.sum(ScoreFunction.term(tf, signal, scoreLogQ), tf.constant(0));
    return tf.math.add(bound, scoreTerms);
  }

  /** The multi-sample REINFORCE reference: the bound plus sum_j L grad log q(z_j), no baseline. */
  public static Operand<TFloat32> reinforce(Ops tf, Operand<TFloat32> logWeights, Operand<TFloat32> scoreLogQ) {
    Operand<TInt32> k = tf.squeeze(tf.slice(tf.shape(logWeights), tf.constant(new int[] {0}), tf.constant(new int[] {1})));
    Operand<TFloat32> bound = ImportanceWeightedBound.perExample(tf, logWeights, k);
    Operand<TFloat32> signal = tf.expandDims(bound, tf.constant(0));
    return tf.math.add(bound, tf.sum(ScoreFunction.term(tf, signal, scoreLogQ), tf.constant(0)));
  }
}
