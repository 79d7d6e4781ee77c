package dev.helmholtz.samples.cvae;

import static dev.helmholtz.nn.Activation.TANH;

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
 * A conditional VAE (Sohn et al. 2015) of MNIST digits given their class: p(x | z, y) and
 * q(z | x, y) with y the one-hot label, a given node (conditioned on, not modelled), so that
 * sampling with a chosen y draws digits of that class. Encoder (784+10)-200-200-20, decoder
 * (20+10)-200-200-784, tanh.
 */
@Model
public class ConditionalVae {
  static final int LATENT = 20;

  @Latent(shape = LATENT)
  Normal z;

  @Observed(shape = 784)
  Bernoulli x;

  @Observed(shape = 10, given = true)
  Categorical y;

  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x, Operand<TFloat32> y) {
    Operand<TFloat32> h = nn.dense(nn.dense(join(nn, x, y), 200, TANH), 200, TANH);
    return Normal.meanLogStd(nn.dense(h, LATENT), nn.dense(h, LATENT));
  }

  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> z, Operand<TFloat32> y) {
    Operand<TFloat32> h = nn.dense(nn.dense(join(nn, z, y), 200, TANH), 200, TANH);
    return Bernoulli.logits(nn.dense(h, 784));
  }

  private static Operand<TFloat32> join(Nn nn, Operand<TFloat32> a, Operand<TFloat32> b) {
    return nn.tf().concat(List.of(a, b), nn.tf().constant(-1));
  }
}
