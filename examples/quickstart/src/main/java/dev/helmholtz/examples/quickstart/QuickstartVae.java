package dev.helmholtz.examples.quickstart;

import static dev.helmholtz.nn.Activation.TANH;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A small variational autoencoder of binarized MNIST digits: q(z | x) and p(x | z) are one
 * hidden layer of 200 tanh units each, z is 20-dimensional with a standard Normal prior. The
 * annotation processor generates {@code QuickstartVaeModel}, which trains and evaluates it.
 */
@Model(objective = @Objective(kind = ObjectiveKind.ELBO))
public class QuickstartVae {
  @Latent(shape = 20)
  Normal z;

  @Observed(shape = 784)
  Bernoulli x;

  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x) {
    Operand<TFloat32> h = nn.dense(x, 200, TANH);
    return Normal.meanLogStd(nn.dense(h, 20), nn.dense(h, 20));
  }

  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    Operand<TFloat32> h = nn.dense(z, 200, TANH);
    return Bernoulli.logits(nn.dense(h, 784));
  }
}
