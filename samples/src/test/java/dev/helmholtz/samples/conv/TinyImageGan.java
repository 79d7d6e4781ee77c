package dev.helmholtz.samples.conv;

import static dev.helmholtz.nn.Activation.LEAKY_RELU;
import static dev.helmholtz.nn.Activation.TANH;
import static dev.helmholtz.nn.Padding.SAME;

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

/** A GAN of 2 x 2 images: sample and discriminate in the event's shape. */
@Model
class TinyImageGan {
  @Latent(shape = 3) Normal z;
  @Observed(shape = {2, 2, 1}) Bernoulli x;

  @Generator("x")
  Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z) {
    return nn.conv2d(nn.reshape(nn.dense(z, 4 * 3, TANH), 2, 2, 3), 1, 2, 1, SAME, TANH);
  }

  @Discriminator("x")
  Operand<TFloat32> discriminate(Nn nn, Operand<TFloat32> x) {
    return nn.dense(nn.flatten(nn.conv2d(x, 4, 2, 1, SAME, LEAKY_RELU)), 1);
  }
}
