package dev.helmholtz.samples.bayes;

import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/**
 * Bayesian logistic regression on {@value #FEATURES} features as a model of global latents:
 * label ~ Bernoulli(sigmoid(features . w + b)), with independent N(0, priorScale^2) priors on the
 * weights and the bias, which make up the one global latent {@code w} (weights, then bias). The
 * generated {@code LogisticRegressionModel} gives its log posterior, HMC and VI; {@link
 * BayesianLogisticRegression} is the same density written by hand.
 */
@Model
public class LogisticRegression {
  public static final int FEATURES = 10;

  @Latent(shape = FEATURES + 1, global = true)
  Normal w;

  @Observed(shape = FEATURES, given = true)
  Normal features;

  @Observed(shape = 1)
  Bernoulli label;

  private final float priorScale;

  /** N(0, 1) priors. */
  public LogisticRegression() {
    this(1);
  }

  public LogisticRegression(double priorScale) {
    if (!(priorScale > 0 && Double.isFinite(priorScale))) {
      throw new IllegalArgumentException("priorScale must be finite and > 0, was " + priorScale);
    }
    this.priorScale = (float) priorScale;
  }

  /** p(w): N(0, priorScale^2) on every coordinate, one row broadcast over the draws. */
  @Generator("w")
  Normal prior(Nn nn) {
    Ops tf = nn.tf();
    return Normal.meanScale(tf.zeros(tf.constant(new long[] {1, FEATURES + 1}), TFloat32.class),
        tf.constant(priorScale));
  }

  /** p(label | w, features): w [n, 11] and features [n, 10], one row per example and draw. */
  @Generator("label")
  Bernoulli likelihood(Nn nn, Operand<TFloat32> w, Operand<TFloat32> features) {
    Ops tf = nn.tf();
    Operand<TFloat32> weights = tf.slice(w, tf.constant(new int[] {0, 0}), tf.constant(new int[] {-1, FEATURES}));
    Operand<TFloat32> bias = tf.slice(w, tf.constant(new int[] {0, FEATURES}), tf.constant(new int[] {-1, 1}));
    return Bernoulli.logits(tf.math.add(
        tf.reduceSum(tf.math.mul(features, weights), tf.constant(-1), ReduceSum.keepDims(true)), bias));
  }
}
