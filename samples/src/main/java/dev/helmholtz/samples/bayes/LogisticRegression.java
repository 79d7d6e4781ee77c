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
 * label ~ Bernoulli(sigmoid(features . weights + bias)), with independent N(0, priorScale^2) priors
 * on the weights and the bias, two global latents: theta is (weights, bias), the layout of the
 * hand-written {@link BayesianLogisticRegression}. The generated {@code LogisticRegressionModel}
 * gives its log posterior, HMC and VI.
 *
 * <p>Two latents rather than one {@code w} of 11 sliced in the likelihood: slicing a tensor of
 * one row per (draw, example) and its gradient copy it, which made HMC measurably slower.
 */
@Model
public class LogisticRegression {
  public static final int FEATURES = 10;

  @Latent(shape = FEATURES, global = true)
  Normal weights;

  @Latent(shape = 1, global = true)
  Normal bias;

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

  /** p(weights): N(0, priorScale^2) on every coordinate, one row broadcast over the draws. */
  @Generator("weights")
  Normal weightPrior(Nn nn) {
    return centred(nn.tf(), FEATURES);
  }

  @Generator("bias")
  Normal biasPrior(Nn nn) {
    return centred(nn.tf(), 1);
  }

  private Normal centred(Ops tf, int width) {
    return Normal.meanScale(tf.zeros(tf.constant(new long[] {1, width}), TFloat32.class), tf.constant(priorScale));
  }

  /** p(label | weights, bias, features): weights and features [n, 10], bias [n, 1], a row per example and draw. */
  @Generator("label")
  Bernoulli likelihood(Nn nn, Operand<TFloat32> weights, Operand<TFloat32> bias, Operand<TFloat32> features) {
    Ops tf = nn.tf();
    return Bernoulli.logits(tf.math.add(
        tf.reduceSum(tf.math.mul(features, weights), tf.constant(-1), ReduceSum.keepDims(true)), bias));
  }
}
