package dev.helmholtz.samples.bigan;

import static dev.helmholtz.nn.Activation.LEAKY_RELU;
import static dev.helmholtz.nn.Activation.TANH;

import dev.helmholtz.annotations.Discriminator;
import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * BiGAN (Donahue et al. 2016; ALI, Dumoulin et al. 2016, with a deterministic encoder) on MNIST
 * scaled to [-1, 1]: a generator G(z) of 50 noise dimensions, an encoder E(x) back to them, and a
 * discriminator of (x, z) pairs, which the game teaches to tell data with its encoding (x, E(x))
 * from generated examples with their noise (G(z), z). At the game's optimum E inverts G, so
 * G(E(x)) reconstructs x and E(x) is a feature of the digit learned without labels. The
 * discriminator takes both nodes as parameters: that is what makes it judge pairs. Fully connected
 * networks (the {@code gan} sample's sizes), to train on a CPU.
 */
@Model
public class MnistBigan {
  @Latent(shape = 50) Normal z;
  @Observed(shape = 784) Bernoulli x;

  @Generator("x")
  Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z) {
    var h = nn.dense(nn.dense(z, 256, LEAKY_RELU), 512, LEAKY_RELU);
    return nn.dense(h, 784, TANH);
  }

  /** Deterministic, as BiGAN's: E(x), a linear read-out of two hidden layers. */
  @Encoder("z")
  Operand<TFloat32> encode(Nn nn, Operand<TFloat32> x) {
    var h = nn.dense(nn.dense(x, 512, LEAKY_RELU), 256, LEAKY_RELU);
    return nn.dense(h, 50);
  }

  /** One logit per (x, z) pair: x and z joined after a layer each, then two joint layers. */
  @Discriminator("x")
  Operand<TFloat32> discriminate(Nn nn, Operand<TFloat32> x, Operand<TFloat32> z) {
    var joint = nn.tf().concat(List.of(nn.dense(x, 512, LEAKY_RELU), nn.dense(z, 128, LEAKY_RELU)),
        nn.tf().constant(1));
    return nn.dense(nn.dense(joint, 256, LEAKY_RELU), 1);
  }
}
