package dev.helmholtz.samples.ssvae;

import static dev.helmholtz.nn.Activation.SOFTPLUS;

import dev.helmholtz.annotations.Encoder;
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
 * The semi-supervised VAE of Kingma, Rezende, Mohamed &amp; Welling (2014), "M2", for MNIST: the
 * digit's class y is a latent the data may observe, summed out by enumeration where it does not;
 * p(y) uniform, p(z) standard normal, p(x | y, z) Bernoulli; q(y | x) is the classifier and
 * q(z | x, y) the encoder. Kingma et al.'s sizes: one hidden layer of 500 softplus units in each
 * network and z of 50.
 *
 * <p>The classification weight alpha is Kingma et al.'s 0.1 N spread over the labelled
 * examples: 0.1 * 60000 / 100 = 60 on the log q(y | x) of each labelled example in a batch (see
 * the {@code ssvae} command for how the 100 labels are spread over the batches).
 */
@Model
public class SemiSupervisedVae {
  static final int CLASSES = 10;
  static final int LATENT = 50;
  static final int HIDDEN = 500;

  @Latent(shape = CLASSES, enumerate = true, classificationWeight = 60)
  Categorical y;

  @Latent(shape = LATENT)
  Normal z;

  @Observed(shape = 784)
  Bernoulli x;

  @Encoder("y")
  Categorical classify(Nn nn, Operand<TFloat32> x) {
    return Categorical.logits(nn.dense(nn.dense(x, HIDDEN, SOFTPLUS), CLASSES));
  }

  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x, Operand<TFloat32> y) {
    Operand<TFloat32> h = nn.dense(join(nn, x, y), HIDDEN, SOFTPLUS);
    return Normal.meanLogStd(nn.dense(h, LATENT), nn.dense(h, LATENT));
  }

  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> y, Operand<TFloat32> z) {
    Operand<TFloat32> h = nn.dense(join(nn, y, z), HIDDEN, SOFTPLUS);
    return Bernoulli.logits(nn.dense(h, 784));
  }

  private static Operand<TFloat32> join(Nn nn, Operand<TFloat32> a, Operand<TFloat32> b) {
    return nn.tf().concat(List.of(a, b), nn.tf().constant(-1));
  }
}
