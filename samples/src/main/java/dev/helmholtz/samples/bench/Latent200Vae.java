package dev.helmholtz.samples.bench;

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
 * The sample {@link dev.helmholtz.samples.vae.Vae} (784-200-200, tanh) with a 200-dimensional
 * latent: one point of the benchmark's latent-size scaling (10, 50, 200).
 */
@Model(objective = @Objective(kind = ObjectiveKind.ELBO))
public class Latent200Vae {
  @Latent(shape = 200)
  Normal z;

  @Observed(shape = 784)
  Bernoulli x;

  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x) {
    Operand<TFloat32> h = nn.dense(nn.dense(x, 200, TANH), 200, TANH);
    return Normal.meanLogStd(nn.dense(h, 200), nn.dense(h, 200));
  }

  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    Operand<TFloat32> h = nn.dense(nn.dense(z, 200, TANH), 200, TANH);
    return Bernoulli.logits(nn.dense(h, 784));
  }
}
