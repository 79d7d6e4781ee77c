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
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;

/**
 * Bayesian logistic regression on {@value #FEATURES} features as a model of global latents:
 * label ~ Bernoulli(sigmoid(features . weights + bias)), with independent N(0, priorScale^2) priors
 * on the weights and the bias, two global latents: theta is (weights, bias), the layout of the
 * hand-written {@link BayesianLogisticRegression}. The generated {@code LogisticRegressionModel}
 * gives its log posterior, HMC and VI.
 *
 * <p>Two latents rather than one {@code w} of 11 sliced in the likelihood, the layout of the
 * hand-written density. The likelihood sees the draw axis ({@code @Generator(drawAxis = true)}),
 * so it multiplies theta by the design matrix as the hand-written density does.
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

  /**
   * p(label | weights, bias, features), seeing the draw axis: weights [R, 10], bias [R, 1] (R draws
   * of the globals), features [N, 10]; the logits of every draw and example are one matrix product,
   * [R, N], returned as [R, N, 1].
   */
  @Generator(value = "label", drawAxis = true)
  Bernoulli likelihood(Nn nn, Operand<TFloat32> weights, Operand<TFloat32> bias, Operand<TFloat32> features) {
    Ops tf = nn.tf();
    Operand<TFloat32> logits = tf.math.add(tf.linalg.matMul(weights, features, MatMul.transposeB(true)), bias);
    return Bernoulli.logits(tf.expandDims(logits, tf.constant(-1)));
  }
}
