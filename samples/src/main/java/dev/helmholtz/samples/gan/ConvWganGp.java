package dev.helmholtz.samples.gan;

import static dev.helmholtz.nn.Activation.LEAKY_RELU;
import static dev.helmholtz.nn.Activation.RELU;
import static dev.helmholtz.nn.Activation.TANH;
import static dev.helmholtz.nn.Padding.SAME;

import dev.helmholtz.annotations.Discriminator;
import dev.helmholtz.annotations.GanLoss;
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
 * A convolutional WGAN-GP (Gulrajani et al. 2017) on MNIST: {@link DcGan}'s generator, and a critic
 * of two stride-2 4x4 convolutions with leaky ReLU and layer normalization in place of batch
 * normalization (the gradient penalty is per example, so the critic must not mix a batch's rows);
 * 5 critic updates per generator update and a penalty weight of 10, the paper's for images.
 */
@Model
public class ConvWganGp {
  @Latent(shape = 64) Normal z;
  @Observed(shape = 784) Bernoulli x;

  @Generator("x")
  Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z) {
    var h = nn.activate(nn.batchNorm(nn.dense(z, 7 * 7 * 64), 0.9f, 1e-3f), RELU);
    h = nn.reshape(h, 7, 7, 64);
    h = nn.activate(nn.batchNorm(nn.conv2dTranspose(h, 32, 4, 2, SAME), 0.9f, 1e-3f), RELU);
    return nn.flatten(nn.conv2dTranspose(h, 1, 4, 2, SAME, TANH));
  }

  @Discriminator(value = "x", loss = GanLoss.WASSERSTEIN_GP, steps = 5, gradientPenalty = 10)
  Operand<TFloat32> critic(Nn nn, Operand<TFloat32> x) {
    var h = nn.conv2d(nn.reshape(x, 28, 28, 1), 32, 4, 2, SAME, LEAKY_RELU);
    h = nn.activate(nn.layerNorm(nn.conv2d(h, 64, 4, 2, SAME)), LEAKY_RELU);
    return nn.dense(nn.flatten(h), 1);
  }
}
