package dev.helmholtz.samples.infogan;

import static dev.helmholtz.nn.Activation.LEAKY_RELU;
import static dev.helmholtz.nn.Activation.TANH;

import dev.helmholtz.annotations.Discriminator;
import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.MutualInformation;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Categorical;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * InfoGAN (Chen et al. 2016) on MNIST scaled to [-1, 1]: 62 noise dimensions, a categorical code c
 * of 10 classes and a 2-D continuous code s; the generator takes all three, and two Q heads on the
 * discriminator's shared body infer the codes from the generated digits. Both players maximize
 * V(D, G) plus the variational bound on I(c; x) (weight 1) and on I(s; x) (weight 0.5). With the
 * bound, the categorical code tends to take the digit classes without ever seeing a label.
 * Fully connected networks, the {@code gan} sample's sizes (the paper's are convolutional), to
 * train on a CPU.
 */
@Model
public class InfoGan {
  @Latent(shape = 62) Normal z;
  @Latent(shape = 10) Categorical c;
  @Latent(shape = 2) Normal s;
  @Observed(shape = 784) Bernoulli x;

  @Generator("x")
  Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z, Operand<TFloat32> c, Operand<TFloat32> s) {
    var h = nn.dense(nn.tf().concat(List.of(z, c, s), nn.tf().constant(1)), 256, LEAKY_RELU);
    return nn.dense(nn.dense(h, 512, LEAKY_RELU), 784, TANH);
  }

  /** The discriminator's body, which the Q heads share: its variables live in scope "body". */
  static Operand<TFloat32> body(Nn body, Operand<TFloat32> x) {
    return body.dense(x, 256, LEAKY_RELU);
  }

  @Discriminator("x")
  Operand<TFloat32> discriminate(Nn nn, Operand<TFloat32> x) {
    return nn.dense(body(nn.shared("body"), x), 1);
  }

  @Encoder("c")
  @MutualInformation(weight = 1)
  Categorical inferClass(Nn nn, Operand<TFloat32> x) {
    return Categorical.logits(nn.dense(nn.dense(body(nn.shared("body"), x), 128, LEAKY_RELU), 10));
  }

  /**
   * Q(s | x) with unit scale: a learned scale would let log Q, and with it the bound on I(s; x),
   * grow without limit as the scale shrinks, and the players would hide s in pixel noise.
   */
  @Encoder("s")
  @MutualInformation(weight = 0.5)
  Normal inferStyle(Nn nn, Operand<TFloat32> x) {
    var mean = nn.dense(nn.dense(body(nn.shared("body"), x), 128, LEAKY_RELU), 2);
    return Normal.meanLogStd(mean, nn.tf().zerosLike(mean));
  }
}
