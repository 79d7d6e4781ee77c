package dev.helmholtz.samples.gan;

import static dev.helmholtz.nn.Activation.LEAKY_RELU;
import static dev.helmholtz.nn.Activation.TANH;

import dev.helmholtz.annotations.Discriminator;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Categorical;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A conditional GAN on MNIST (Mirza &amp; Osindero 2014): the digit's one-hot label y is an
 * observed node both networks take, concatenated to their inputs, so sampling can ask for a digit.
 * The networks are {@link MnistGan}'s (tanh pixels: train on pixels scaled to [-1, 1]).
 */
@Model
public class ConditionalMnistGan {
  @Latent(shape = 64) Normal z;
  @Observed(shape = 784) Bernoulli x;
  @Observed(shape = 10, given = true) Categorical y;

  @Generator("x")
  Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z, Operand<TFloat32> y) {
    var zy = nn.tf().concat(List.of(z, y), nn.tf().constant(1));
    var h = nn.dense(nn.dense(zy, 256, LEAKY_RELU), 512, LEAKY_RELU);
    return nn.dense(h, 784, TANH);
  }

  @Discriminator("x")
  Operand<TFloat32> discriminate(Nn nn, Operand<TFloat32> x, Operand<TFloat32> y) {
    var xy = nn.tf().concat(List.of(x, y), nn.tf().constant(1));
    return nn.dense(nn.dense(xy, 256, LEAKY_RELU), 1);
  }
}
