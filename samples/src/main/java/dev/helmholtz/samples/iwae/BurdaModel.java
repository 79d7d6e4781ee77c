package dev.helmholtz.samples.iwae;

import static dev.helmholtz.nn.Activation.TANH;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The one-stochastic-layer model of Burda et al. (2016), which its subclasses train with the
 * objectives they compare: a 50-dimensional Normal latent over MNIST's 784 binary pixels, encoder
 * 784-200-200-50 and decoder 50-200-200-784, tanh. Its nodes and networks are inherited by each
 * {@code @Model} subclass, which adds only its {@code @Objective}.
 */
public abstract class BurdaModel {
  static final int LATENT = 50;
  static final int HIDDEN = 200;
  static final int PIXELS = 784;

  @Latent(shape = LATENT)
  Normal z;

  @Observed(shape = PIXELS)
  Bernoulli x;

  /** q(z | x): a diagonal Normal. */
  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x) {
    Operand<TFloat32> h = nn.dense(nn.dense(x, HIDDEN, TANH), HIDDEN, TANH);
    return Normal.meanLogStd(nn.dense(h, LATENT), nn.dense(h, LATENT));
  }

  /** p(x | z): independent Bernoulli pixels. */
  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    Operand<TFloat32> h = nn.dense(nn.dense(z, HIDDEN, TANH), HIDDEN, TANH);
    return Bernoulli.logits(nn.dense(h, PIXELS));
  }
}
