package dev.helmholtz.objective;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The adversarial losses of Triple-GAN (Li et al. 2017), a game of three players over (x, y)
 * pairs: a classifier p_c(y | x) labels real x, a conditional generator p_g(x | y) draws x for
 * real labels, and one discriminator judges whether a pair comes from the data. With
 * {@code alpha} in [0, 1] weighing the two players' pairs, the discriminator maximizes
 *
 * <pre>
 *   E_{p(x,y)} log D(x, y) + alpha E_{p_c(x,y)} log(1 - D(x, y)) + (1 - alpha) E_{p_g(x,y)} log(1 - D(x, y)),
 * </pre>
 *
 * whose optimum (their lemma 3.1) is {@code D*(x, y) = p(x, y) / (p(x, y) + p_alpha(x, y))}, with
 * {@code p_alpha = alpha p_c + (1 - alpha) p_g}; at the game's equilibrium p_c = p_g = p. All
 * discriminator outputs are logits, D = sigmoid; each argument is {@code [n]}, one logit per
 * pair, and expectations are means over rows. The supervised cross-entropy on labelled pairs and
 * the pseudo-discriminative loss (the classifier's cross-entropy on the generator's pairs) are
 * ordinary log-likelihoods and not here.
 */
public final class TripleGanLosses {
  private TripleGanLosses() {}

  /**
   * The discriminator's loss (minimized): {@code E_p softplus(-d) + alpha E_{p_c} softplus(c) +
   * (1 - alpha) E_{p_g} softplus(g)}, as {@code -log sigmoid(l) = softplus(-l)} and
   * {@code -log(1 - sigmoid(l)) = softplus(l)}.
   */
  public static Operand<TFloat32> discriminator(Ops tf, Operand<TFloat32> dataLogits,
      Operand<TFloat32> classifierLogits, Operand<TFloat32> generatorLogits, double alpha) {
    requireWeight(alpha);
    return tf.math.add(mean(tf, tf.math.softplus(tf.math.neg(dataLogits))), tf.math.add(
        tf.math.mul(tf.constant((float) alpha), mean(tf, tf.math.softplus(classifierLogits))),
        tf.math.mul(tf.constant((float) (1 - alpha)), mean(tf, tf.math.softplus(generatorLogits)))));
  }

  /**
   * The generator's loss (minimized) in the non-saturating form: {@code (1 - alpha) E_{p_g}
   * softplus(-g)}, that is {@code -(1 - alpha) E log D} on its pairs (same fixed point as the
   * paper's {@code (1 - alpha) E log(1 - D)}, stronger gradients early).
   */
  public static Operand<TFloat32> generator(Ops tf, Operand<TFloat32> generatorLogits, double alpha) {
    requireWeight(alpha);
    return tf.math.mul(tf.constant((float) (1 - alpha)), mean(tf, tf.math.softplus(tf.math.neg(generatorLogits))));
  }

  /**
   * The classifier's adversarial loss (minimized), with the expectation over its labels taken
   * exactly rather than by sampling: {@code alpha E_x sum_y p_c(y | x) log(1 - D(x, y))} from the
   * discriminator's logit for every class ({@code [n, K]}, column y the pair (x, y)) and the
   * classifier's probabilities ({@code [n, K]}), so its gradient reaches the classifier through
   * the probabilities, where the paper uses REINFORCE.
   */
  public static Operand<TFloat32> classifier(Ops tf, Operand<TFloat32> logitsPerClass,
      Operand<TFloat32> classProbabilities, double alpha) {
    requireWeight(alpha);
    Operand<TFloat32> perRow = tf.reduceSum(tf.math.mul(classProbabilities,
        tf.math.neg(tf.math.softplus(logitsPerClass))), tf.constant(1));
    return tf.math.mul(tf.constant((float) alpha), mean(tf, perRow));
  }

  /**
   * The discriminator's loss on a semi-supervised batch, with the classifier's expectation over
   * its labels taken exactly: {@code E_lab softplus(-d) + alpha E_unl sum_y p_c(y | x) softplus(l_y)
   * + (1 - alpha) E_g softplus(g)}. {@code dataLogits} ({@code [n]}) are weighed by
   * {@code labelled} (1 for a labelled row, 0 otherwise), {@code logitsPerClass} ({@code [n, K]})
   * by {@code 1 - labelled}; the classifier's probabilities are held fixed (the discriminator does
   * not train the classifier). A batch without labelled (or unlabelled) rows contributes 0 for
   * that term, not NaN.
   */
  public static Operand<TFloat32> discriminator(Ops tf, Operand<TFloat32> dataLogits, Operand<TFloat32> labelled,
      Operand<TFloat32> logitsPerClass, Operand<TFloat32> classProbabilities, Operand<TFloat32> generatorLogits,
      double alpha) {
    requireWeight(alpha);
    Operand<TFloat32> unlabelled = tf.math.sub(tf.constant(1f), labelled);
    Operand<TFloat32> classifierTerm = tf.reduceSum(tf.math.mul(tf.stopGradient(classProbabilities),
        tf.math.softplus(logitsPerClass)), tf.constant(1));
    return tf.math.add(weightedMean(tf, tf.math.softplus(tf.math.neg(dataLogits)), labelled), tf.math.add(
        tf.math.mul(tf.constant((float) alpha), weightedMean(tf, classifierTerm, unlabelled)),
        tf.math.mul(tf.constant((float) (1 - alpha)), mean(tf, tf.math.softplus(generatorLogits)))));
  }

  /**
   * {@link #classifier(Ops, Operand, Operand, double)} over the rows {@code weights} marks (1 for
   * an unlabelled row, 0 for a labelled one); 0 when it marks none.
   */
  public static Operand<TFloat32> classifier(Ops tf, Operand<TFloat32> logitsPerClass,
      Operand<TFloat32> classProbabilities, Operand<TFloat32> weights, double alpha) {
    requireWeight(alpha);
    Operand<TFloat32> perRow = tf.reduceSum(tf.math.mul(classProbabilities,
        tf.math.neg(tf.math.softplus(logitsPerClass))), tf.constant(1));
    return tf.math.mul(tf.constant((float) alpha), weightedMean(tf, perRow, weights));
  }

  /**
   * {@code sum_i w_i x_i / max(sum_i w_i, 1)}: the mean over the rows of weight 1 for 0/1 weights,
   * and 0 when every weight is 0.
   */
  public static Operand<TFloat32> weightedMean(Ops tf, Operand<TFloat32> x, Operand<TFloat32> weights) {
    Operand<TFloat32> total = tf.reduceSum(weights, tf.constant(0));
    return tf.math.div(tf.reduceSum(tf.math.mul(x, weights), tf.constant(0)),
        tf.math.maximum(total, tf.constant(1f)));
  }

  private static void requireWeight(double alpha) {
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha weighs the classifier's pairs against the generator's: it lies"
          + " in [0, 1], was " + alpha);
    }
  }

  private static Operand<TFloat32> mean(Ops tf, Operand<TFloat32> x) {
    return tf.math.mean(x, tf.constant(0));
  }
}
