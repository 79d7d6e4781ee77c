package dev.helmholtz.samples.vae;

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
 * The variational autoencoder of Kingma &amp; Welling (2014) with the one-stochastic-layer
 * architecture of Burda et al. (2016): encoder 784-200-200-50, decoder 50-200-200-784, tanh,
 * a Bernoulli likelihood over binarized MNIST pixels and a standard Normal prior.
 */
@Model(objective = @Objective(kind = ObjectiveKind.ELBO))
public class Vae {
  @Latent(shape = 50)
  Normal z;

  @Observed(shape = 784)
  Bernoulli x;

  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x) {
    Operand<TFloat32> h = nn.dense(nn.dense(x, 200, TANH), 200, TANH);
    return Normal.meanLogStd(nn.dense(h, 50), nn.dense(h, 50));
  }

  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    Operand<TFloat32> h = nn.dense(nn.dense(z, 200, TANH), 200, TANH);
    return Bernoulli.logits(nn.dense(h, 784));
  }
}
