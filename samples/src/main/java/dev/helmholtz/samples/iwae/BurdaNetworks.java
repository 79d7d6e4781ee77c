package dev.helmholtz.samples.iwae;

import static dev.helmholtz.nn.Activation.TANH;

import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The one-stochastic-layer networks of Burda et al. (2016), shared by the models that compare
 * objectives on them: encoder 784-200-200-50 and decoder 50-200-200-784, tanh.
 */
final class BurdaNetworks {
  static final int LATENT = 50;
  static final int HIDDEN = 200;
  static final int PIXELS = 784;

  private BurdaNetworks() {}

  /** q(z | x): a diagonal Normal. */
  static Normal encode(Nn nn, Operand<TFloat32> x) {
    Operand<TFloat32> h = nn.dense(nn.dense(x, HIDDEN, TANH), HIDDEN, TANH);
    return Normal.meanLogStd(nn.dense(h, LATENT), nn.dense(h, LATENT));
  }

  /** p(x | z): independent Bernoulli pixels. */
  static Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    Operand<TFloat32> h = nn.dense(nn.dense(z, HIDDEN, TANH), HIDDEN, TANH);
    return Bernoulli.logits(nn.dense(h, PIXELS));
  }
}
