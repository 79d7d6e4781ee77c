package dev.helmholtz.samples.bayes;

import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/**
 * A Bayesian neural network for the {@link DiabetesData} regression as a model of global
 * latents: 10 standardized features, one hidden layer of {@value #HIDDEN} tanh units, f(x) = v .
 * tanh(W x + c) + d, y ~ N(f(x), sigma^2) on the standardized target. Priors: N(0, 1) on W, c
 * and d; N(0, 1 / H) on the output weights v, so that the prior's f has an sd of order 1 whatever
 * the width (Neal 1996's scaling); N(log 0.5, 1) on log sigma.
 */
@Model
public class DiabetesNetwork {
  public static final int HIDDEN = 50;
  public static final int INPUTS = DiabetesData.FEATURES;

  @Latent(shape = INPUTS * HIDDEN, global = true)
  Normal w;

  @Latent(shape = HIDDEN, global = true)
  Normal c;

  @Latent(shape = HIDDEN, global = true)
  Normal v;

  @Latent(shape = 1, global = true)
  Normal d;

  @Latent(shape = 1, global = true)
  Normal logSigma;

  @Observed(shape = INPUTS, given = true)
  Normal x;

  @Observed(shape = 1)
  Normal y;

  /** p(v) = N(0, 1 / H). */
  @Generator("v")
  Normal outputPrior(Nn nn) {
    Ops tf = nn.tf();
    return Normal.meanScale(tf.constant(new float[1][HIDDEN]), tf.constant((float) (1 / Math.sqrt(HIDDEN))));
  }

  /** p(log sigma) = N(log 0.5, 1): the features explain part of the target a priori. */
  @Generator("logSigma")
  Normal noisePrior(Nn nn) {
    Ops tf = nn.tf();
    return Normal.meanScale(tf.constant(new float[][] {{(float) Math.log(0.5)}}), tf.constant(1f));
  }

  /** p(y | weights, x): one row per example and draw, w [n, 10 H], c v [n, H], d logSigma [n, 1], x [n, 10]. */
  @Generator("y")
  Normal likelihood(Nn nn, Operand<TFloat32> w, Operand<TFloat32> c, Operand<TFloat32> v, Operand<TFloat32> d,
      Operand<TFloat32> logSigma, Operand<TFloat32> x) {
    Ops tf = nn.tf();
    // Each row's own weights, [n, 10, H], times its inputs [n, 10, 1], summed over the inputs.
    Operand<TFloat32> weights = tf.reshape(w, tf.constant(new int[] {-1, INPUTS, HIDDEN}));
    Operand<TFloat32> pre = tf.reduceSum(tf.math.mul(weights, tf.expandDims(x, tf.constant(-1))), tf.constant(1));
    Operand<TFloat32> h = tf.math.tanh(tf.math.add(pre, c));
    Operand<TFloat32> f = tf.math.add(tf.reduceSum(tf.math.mul(h, v), tf.constant(-1), ReduceSum.keepDims(true)), d);
    return Normal.meanLogStd(f, logSigma);
  }
}
