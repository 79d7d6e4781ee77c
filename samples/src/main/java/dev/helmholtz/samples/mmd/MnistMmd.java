package dev.helmholtz.samples.mmd;

import static dev.helmholtz.nn.Activation.RELU;
import static dev.helmholtz.nn.Activation.SIGMOID;

import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.MomentMatching;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The generative moment matching network of Li et al. (2015) on MNIST's pixels in [0, 1]: a
 * 64-256-256-1024-784 generator (ReLU, sigmoid pixels) trained by MMD^2 under their mixture of
 * Gaussian kernels of bandwidths 2 to 80, with no discriminator.
 */
@Model
public class MnistMmd {
  @Latent(shape = 10) Normal z;
  @Observed(shape = 784) Bernoulli x;

  @Generator("x")
  @MomentMatching(bandwidths = {2, 5, 10, 20, 40, 80})
  Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z) {
    var h = nn.dense(nn.dense(nn.dense(z, 64, RELU), 256, RELU), 256, RELU);
    return nn.dense(nn.dense(h, 1024, RELU), 784, SIGMOID);
  }
}
