package dev.helmholtz.samples.bayes;

import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A Bayesian neural network for 1-d regression as a model of global latents: f(x) = sum_h v_h
 * tanh(w_h x + c_h) + d, y ~ N(f(x), sigma^2), N(0, 1) priors on every weight and bias and
 * N(log 0.1, 1) on log sigma; {@value #HIDDEN} hidden units. The global latents in this order
 * make the same parameter vector (w, c, v, d, log sigma) as the hand-written {@link
 * BayesianNeuralNetwork}.
 */
@Model
public class TanhRegressionNetwork {
  public static final int HIDDEN = 50;
  /** The prior mean of log sigma. */
  static final float LOG_SIGMA_PRIOR_MEAN = (float) Math.log(0.1);

  @Latent(shape = HIDDEN, global = true)
  Normal w;

  @Latent(shape = HIDDEN, global = true)
  Normal c;

  @Latent(shape = HIDDEN, global = true)
  Normal v;

  @Latent(shape = 1, global = true)
  Normal d;

  @Latent(shape = 1, global = true)
  Normal logSigma;

  @Observed(shape = 1, given = true)
  Normal x;

  @Observed(shape = 1)
  Normal y;

  /** p(log sigma) = N(log 0.1, 1): noise of about a tenth of the signal's scale a priori. */
  @Generator("logSigma")
  Normal noisePrior(Nn nn) {
    Ops tf = nn.tf();
    return Normal.meanScale(tf.constant(new float[][] {{LOG_SIGMA_PRIOR_MEAN}}),
        tf.constant(1f));
  }

  /**
   * p(y | weights, x), seeing the draw axis: w c v [R, H], d logSigma [R, 1] (R draws of the
   * globals), x [N, 1]; the hidden units of every draw and example are [R, N, H], their sum [R, N,
   * 1].
   */
  @Generator(value = "y", drawAxis = true)
  Normal likelihood(Nn nn, Operand<TFloat32> w, Operand<TFloat32> c, Operand<TFloat32> v, Operand<TFloat32> d,
      Operand<TFloat32> logSigma, Operand<TFloat32> x) {
    Ops tf = nn.tf();
    Operand<TInt32> draws = tf.constant(1);
    // [R, 1, H] weights against x [N, 1]: tanh(x w + c) [R, N, H]
    Operand<TFloat32> h = tf.math.tanh(tf.math.add(tf.math.mul(x, tf.expandDims(w, draws)), tf.expandDims(c, draws)));
    // sum_h h v: [R, N, H] x [R, H, 1] -> [R, N, 1], plus d [R, 1, 1]
    Operand<TFloat32> f = tf.math.add(tf.train.batchMatMul(h, tf.expandDims(v, tf.constant(-1)), TFloat32.class),
        tf.expandDims(d, draws));
    return Normal.meanLogStd(f, tf.expandDims(logSigma, draws));
  }
}
