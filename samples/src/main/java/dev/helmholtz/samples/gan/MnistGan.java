package dev.helmholtz.samples.gan;

import static dev.helmholtz.nn.Activation.LEAKY_RELU;
import static dev.helmholtz.nn.Activation.TANH;

import dev.helmholtz.annotations.Discriminator;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A GAN on MNIST (Goodfellow et al. 2014) with fully connected networks small enough for a CPU:
 * 64 noise dimensions, a 64-256-512-784 generator with tanh pixels, a 784-256-1 discriminator,
 * leaky ReLUs, the non-saturating loss. Train it on pixels scaled to [-1, 1]: with sigmoid pixels
 * on [0, 1] data, this generator collapsed to near-identical samples within an epoch (measured
 * against this discriminator and a 784-512-256-1 one).
 */
@Model
public class MnistGan {
  @Latent(shape = 64) Normal z;
  @Observed(shape = 784) Bernoulli x;

  @Generator("x")
  Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z) {
    var h = nn.dense(nn.dense(z, 256, LEAKY_RELU), 512, LEAKY_RELU);
    return nn.dense(h, 784, TANH);
  }

  @Discriminator("x")
  Operand<TFloat32> discriminate(Nn nn, Operand<TFloat32> x) {
    return nn.dense(nn.dense(x, 256, LEAKY_RELU), 1);
  }
}
