package dev.helmholtz.samples.rbm;

import dev.helmholtz.annotations.Energy;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A Bernoulli-Bernoulli restricted Boltzmann machine on binarized MNIST with 500 hidden units, as
 * Salakhutdinov and Murray (2008) evaluate them: {@code E(v, h) = -v . (W h + b) - c . h}. The
 * models that train it by CD-k and persistent CD extend this class and differ only in their
 * {@code @Energy} settings. CD-k takes the reconstruction's pixels at their probabilities
 * ({@code meanReconstruction}), as Hinton's practical guide (2010) and his and Salakhutdinov's MNIST
 * code do; at equal updates it gives CD-1 a far better test log-likelihood than the drawn pixels
 * (docs/undirected.md has the figures). Persistent CD keeps Tieleman's (2008) drawn fantasy particles.
 */
public abstract class MnistRbm {
  /** Visible units: the 784 pixels. */
  public static final int PIXELS = 784;
  /** Hidden units. */
  public static final int HIDDEN = 500;
  /** The variable of W, {@code [500, 784]}: row i is hidden unit i's filter. */
  public static final String WEIGHTS = "energy/dense_0/kernel";

  @Observed(shape = PIXELS) Bernoulli pixels;
  @Latent(shape = HIDDEN) Bernoulli features;

  @Energy(meanReconstruction = true)
  Operand<TFloat32> energy(Nn nn, Operand<TFloat32> pixels, Operand<TFloat32> features) {
    Ops tf = nn.tf();
    Operand<TFloat32> visibleField = nn.dense(features, PIXELS); // W h + b
    Operand<TFloat32> hiddenBias = nn.variable("hidden_bias", HIDDEN); // c
    return tf.math.neg(tf.math.add(
        tf.reduceSum(tf.math.mul(pixels, visibleField), tf.constant(1)),
        tf.reduceSum(tf.math.mul(features, hiddenBias), tf.constant(1))));
  }
}
