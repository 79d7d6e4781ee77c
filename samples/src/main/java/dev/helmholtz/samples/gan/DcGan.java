package dev.helmholtz.samples.gan;

import static dev.helmholtz.nn.Activation.LEAKY_RELU;
import static dev.helmholtz.nn.Activation.RELU;
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

/**
 * DCGAN (Radford et al. 2016) on MNIST, sized for a CPU: the generator projects 64 noise
 * dimensions to a 7x7x64 map, then two stride-2 transposed convolutions (4x4) upsample to 14x14x32
 * and 28x28x1, with batch normalization (momentum 0.9, so that the averages sampling uses keep up with a fast-moving generator) and ReLU between and tanh pixels out; the discriminator
 * mirrors it with stride-2 convolutions, leaky ReLU and batch normalization on its second layer.
 * The non-saturating loss, Adam at 2e-4 with beta1 0.5, pixels scaled to [-1, 1]. The images
 * are rows of 784 reshaped inside the networks.
 */
@Model
public class DcGan {
  @Latent(shape = 64) Normal z;
  @Observed(shape = 784) Bernoulli x;

  @Generator("x")
  Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z) {
    var h = nn.activate(nn.batchNorm(nn.dense(z, 7 * 7 * 64), 0.9f, 1e-3f), RELU);
    h = nn.reshape(h, 7, 7, 64);
    h = nn.activate(nn.batchNorm(nn.conv2dTranspose(h, 32, 4, 2, SAME), 0.9f, 1e-3f), RELU);
    return nn.flatten(nn.conv2dTranspose(h, 1, 4, 2, SAME, TANH));
  }

  @Discriminator("x")
  Operand<TFloat32> discriminate(Nn nn, Operand<TFloat32> x) {
    var h = nn.conv2d(nn.reshape(x, 28, 28, 1), 32, 4, 2, SAME, LEAKY_RELU);
    h = nn.activate(nn.batchNorm(nn.conv2d(h, 64, 4, 2, SAME), 0.9f, 1e-3f), LEAKY_RELU);
    return nn.dense(nn.flatten(h), 1);
  }
}
