package dev.helmholtz.samples.aae;

import static dev.helmholtz.nn.Activation.RELU;

import dev.helmholtz.annotations.Discriminator;
import dev.helmholtz.annotations.Encoder;
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
 * The adversarial autoencoder (Makhzani et al. 2015) on MNIST: an encoder q(z | x), a Gaussian
 * posterior drawn by reparameterization, over 8 latent dimensions; a decoder p(x | z) of Bernoulli
 * pixels; and a discriminator of z, which tells draws of the prior N(0, I) (real) from the
 * encoder's draws for data (generated). Each minibatch takes a reconstruction phase (encoder and
 * decoder on -log p(x | z)) and a regularization phase (the discriminator, then the encoder as its
 * adversary), so that the aggregate posterior q(z) is pushed onto the prior and decoding prior
 * draws makes digits. Layers of 512 ReLU units (the paper's 1000, narrowed for a CPU).
 */
@Model
public class MnistAae {
  @Latent(shape = 8) Normal z;
  @Observed(shape = 784) Bernoulli x;

  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x) {
    var h = nn.dense(nn.dense(x, 512, RELU), 512, RELU);
    return Normal.meanLogStd(nn.dense(h, 8), nn.dense(h, 8));
  }

  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    return Bernoulli.logits(nn.dense(nn.dense(nn.dense(z, 512, RELU), 512, RELU), 784));
  }

  @Discriminator("z")
  Operand<TFloat32> discriminate(Nn nn, Operand<TFloat32> z) {
    return nn.dense(nn.dense(nn.dense(z, 512, RELU), 512, RELU), 1);
  }
}
