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

/** Two stochastic layers, z2 -> z1 -> x, with the structured posterior q(z1 | x) q(z2 | z1). */
@Model(objective = @Objective(kind = ObjectiveKind.IWAE, samples = 3))
class TwoLayerVae {
  @Latent(shape = 8) Normal z2;
  @Latent(shape = 16) Normal z1;
  @Observed(shape = 784) Bernoulli x;

  @Encoder("z1")
  Normal inferZ1(Nn nn, Operand<TFloat32> x) {
    Operand<TFloat32> h = nn.dense(x, 64, TANH);
    return Normal.meanLogStd(nn.dense(h, 16), nn.dense(h, 16));
  }

  @Encoder("z2")
  Normal inferZ2(Nn nn, Operand<TFloat32> z1) {
    Operand<TFloat32> h = nn.dense(z1, 32, TANH);
    return Normal.meanLogStd(nn.dense(h, 8), nn.dense(h, 8));
  }

  @Generator("z1")
  Normal generateZ1(Nn nn, Operand<TFloat32> z2) {
    Operand<TFloat32> h = nn.dense(z2, 32, TANH);
    return Normal.meanLogStd(nn.dense(h, 16), nn.dense(h, 16));
  }

  @Generator("x")
  Bernoulli generateX(Nn nn, Operand<TFloat32> z1) {
    return Bernoulli.logits(nn.dense(nn.dense(z1, 64, TANH), 784));
  }
}
