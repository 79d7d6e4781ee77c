package dev.helmholtz.samples.sbn;

import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A sigmoid belief net with one layer of 200 binary latents over MNIST's 784 binary pixels (the
 * "SBN 200" of Mnih &amp; Gregor 2014), with a linear (logistic) inference network: p(z) uniform,
 * p(x | z) = Bernoulli(sigmoid(zW + b)), q(z | x) = Bernoulli(sigmoid(xV + c)). Shared by the
 * models that train it with different estimators.
 */
final class SigmoidBeliefNetworks {
  static final int LATENT = 200;
  static final int PIXELS = 784;

  private SigmoidBeliefNetworks() {}

  static Bernoulli encode(Nn nn, Operand<TFloat32> x) {
    return Bernoulli.logits(nn.dense(x, LATENT));
  }

  static Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    return Bernoulli.logits(nn.dense(z, PIXELS));
  }
}
