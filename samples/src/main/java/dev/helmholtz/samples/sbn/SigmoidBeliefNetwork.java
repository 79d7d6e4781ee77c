package dev.helmholtz.samples.sbn;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A sigmoid belief net with one layer of 200 binary latents over MNIST's 784 binary pixels (the
 * "SBN 200" of Mnih &amp; Gregor 2014), with a linear (logistic) inference network: p(z) uniform,
 * p(x | z) = Bernoulli(sigmoid(zW + b)), q(z | x) = Bernoulli(sigmoid(xV + c)). Its nodes and
 * networks are inherited by each {@code @Model} subclass, which adds only the estimator it is
 * trained with.
 */
public abstract class SigmoidBeliefNetwork {
  static final int LATENT = 200;
  static final int PIXELS = 784;

  @Latent(shape = LATENT)
  Bernoulli z;

  @Observed(shape = PIXELS)
  Bernoulli x;

  @Encoder("z")
  Bernoulli encode(Nn nn, Operand<TFloat32> x) {
    return Bernoulli.logits(nn.dense(x, LATENT));
  }

  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    return Bernoulli.logits(nn.dense(z, PIXELS));
  }
}
