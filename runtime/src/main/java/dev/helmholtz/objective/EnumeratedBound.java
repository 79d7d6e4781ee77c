package dev.helmholtz.objective;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The semi-supervised ELBO of Kingma, Rezende, Mohamed &amp; Welling (2014, "M2") with its label
 * y, a Categorical of K classes, summed out by exact enumeration where it is not observed.
 *
 * <p>The classes are laid along the sample axis: sample j of every example takes y = one-hot(j),
 * so every per-sample term is {@code [K, B]}. A labelled example's bound is its term at its
 * label, L(x, y); an unlabelled one's is U(x) = sum_y q(y | x) L(x, y) + H(q(y | x)). Both are
 * {@code sum_j w_j t_j} with weights one-hot(label) or q(y | x) ({@link #weights}), and the y
 * term of {@link #labelTerm}: log p(y), less log q(y | x) where y is summed out (which gives the
 * entropy). Labels are rows of {@code [B, K]}: one-hot where observed, all zeros where not.
 */
public final class EnumeratedBound {
  private EnumeratedBound() {}

  /** 1 for a labelled example (a one-hot row), 0 for an unlabelled one (all zeros): {@code [B]}. */
  public static Operand<TFloat32> labelled(Ops tf, Operand<TFloat32> labels) {
    return tf.reduceSum(labels, tf.constant(-1));
  }

  /**
   * The weight of each class in each example's bound, {@code [K, B]}: the label's one-hot where
   * it is observed, q(y | x) where it is summed out. Gradients reach q(y | x) through them.
   *
   * @param probabilities q(y | x), {@code [B, K]}
   * @param labels {@code [B, K]}
   */
  public static Operand<TFloat32> weights(Ops tf, Operand<TFloat32> probabilities, Operand<TFloat32> labels) {
    Operand<TFloat32> unlabelled = tf.math.sub(tf.constant(1f),
        tf.reduceSum(labels, tf.constant(-1), org.tensorflow.op.core.ReduceSum.keepDims(true)));
    Operand<TFloat32> perRow = tf.math.add(labels, tf.math.mul(unlabelled, probabilities));
    return tf.linalg.transpose(perRow, tf.constant(new int[] {1, 0}));
  }

  /**
   * The y term of each class's bound, {@code [K, B]}: log p(y) - log q(y | x) for unlabelled
   * examples, log p(y) for labelled ones (whose y is observed, not inferred).
   *
   * @param logPrior log p(y = j), {@code [K, B]}
   * @param logPosterior log q(y = j | x), {@code [K, B]}
   */
  public static Operand<TFloat32> labelTerm(Ops tf, Operand<TFloat32> logPrior, Operand<TFloat32> logPosterior,
      Operand<TFloat32> labels) {
    Operand<TFloat32> unlabelled = tf.math.sub(tf.constant(1f), labelled(tf, labels));
    return tf.math.sub(logPrior, tf.math.mul(unlabelled, logPosterior));
  }

  /** The bound per example, {@code [B]}: sum over classes of weight times term ({@code [K, B]} each). */
  public static Operand<TFloat32> perExample(Ops tf, Operand<TFloat32> terms, Operand<TFloat32> weights) {
    return tf.reduceSum(tf.math.mul(weights, terms), tf.constant(0));
  }

  /**
   * log q(y_obs | x) for a labelled example and 0 for an unlabelled one, {@code [B]}: what the
   * classification term alpha log q(y | x) multiplies.
   *
   * @param logPosterior log q(y = j | x), {@code [K, B]}
   */
  public static Operand<TFloat32> labelLogPosterior(Ops tf, Operand<TFloat32> logPosterior,
      Operand<TFloat32> labels) {
    Operand<TFloat32> byClass = tf.linalg.transpose(labels, tf.constant(new int[] {1, 0}));
    return tf.reduceSum(tf.math.mul(byClass, logPosterior), tf.constant(0));
  }

  /**
   * What training maximizes per example, {@code [B]}: the bound plus {@code classificationWeight}
   * (a scalar) times log q(y_obs | x) on labelled examples (Kingma et al. 2014, eq. 9).
   */
  public static Operand<TFloat32> surrogate(Ops tf, Operand<TFloat32> bound, Operand<TFloat32> labelLogPosterior,
      Operand<TFloat32> classificationWeight) {
    return tf.math.add(bound, tf.math.mul(classificationWeight, labelLogPosterior));
  }
}
