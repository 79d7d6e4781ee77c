package dev.helmholtz.samples.bayesvae;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Activation;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.annotations.Observed;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A VAE with a Bayesian decoder (Kingma &amp; Welling 2014, appendix F; Blundell et al. 2015): the
 * decoder's weights and biases are global latents with N(0, 1) priors, one value for the whole
 * data set, whose mean-field Normal posterior trains with the encoder in one ELBO; each example
 * carries 1 / N of their KL. The encoder is an ordinary network with point-estimated weights.
 *
 * <p>The decoder sees the draw axis ({@code @Generator(drawAxis = true)}): its weights arrive as
 * {@code [R, width]} (one draw in a training step) and z as {@code [n, 20]}, so each layer is one
 * batched matrix product returning {@code [R, n, ...]}.
 */
@Model(objective = @Objective(kind = ObjectiveKind.ELBO))
public class BayesianDecoderVae {
  public static final int LATENT = 20;
  public static final int HIDDEN = 100;
  public static final int PIXELS = 784;

  @Latent(shape = LATENT) Normal z;
  @Latent(shape = LATENT * HIDDEN, global = true) Normal w1;
  @Latent(shape = HIDDEN, global = true) Normal b1;
  @Latent(shape = HIDDEN * PIXELS, global = true) Normal w2;
  @Latent(shape = PIXELS, global = true) Normal b2;
  @Observed(shape = PIXELS) Bernoulli x;

  /** q(z | x): a 784-200-20 network with point-estimated weights. */
  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x) {
    var h = nn.dense(x, 200, Activation.RELU);
    return Normal.meanLogStd(nn.dense(h, LATENT), nn.dense(h, LATENT));
  }

  /** p(x | z, weights): z [n, 20], each weight [R, width]; returns logits [R, n, 784]. */
  @Generator(value = "x", drawAxis = true)
  Bernoulli decode(Nn nn, Operand<TFloat32> z, Operand<TFloat32> w1, Operand<TFloat32> b1,
      Operand<TFloat32> w2, Operand<TFloat32> b2) {
    Ops tf = nn.tf();
    var h = tf.math.tanh(layer(tf, z, w1, b1, LATENT, HIDDEN));
    return Bernoulli.logits(layer(tf, h, w2, b2, HIDDEN, PIXELS));
  }

  /** in [n, fanIn] or [R, n, fanIn] times each draw's [fanIn, fanOut] matrix, plus its bias: [R, n, fanOut]. */
  static Operand<TFloat32> layer(Ops tf, Operand<TFloat32> in, Operand<TFloat32> w, Operand<TFloat32> b,
      int fanIn, int fanOut) {
    var kernel = tf.reshape(w, tf.constant(new int[] {-1, fanIn, fanOut}));
    var bias = tf.reshape(b, tf.constant(new int[] {-1, 1, fanOut}));
    return tf.math.add(tf.train.batchMatMul(in, kernel, TFloat32.class), bias);
  }
}
