package dev.helmholtz.samples.sbn;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A two-layer sigmoid belief net, z2 -> z1 -> x, all binary, with the structured posterior
 * q(z1 | x) q(z2 | z1): score-function gradients through two discrete layers.
 */
@Model(objective = @Objective(kind = ObjectiveKind.VIMCO, samples = 3))
class TwoLayerSbn {
  @Latent(shape = 10) Bernoulli z2;
  @Latent(shape = 30) Bernoulli z1;
  @Observed(shape = 784) Bernoulli x;

  @Encoder("z1")
  Bernoulli inferZ1(Nn nn, Operand<TFloat32> x) {
    return Bernoulli.logits(nn.dense(x, 30));
  }

  @Encoder("z2")
  Bernoulli inferZ2(Nn nn, Operand<TFloat32> z1) {
    return Bernoulli.logits(nn.dense(z1, 10));
  }

  @Generator("z1")
  Bernoulli generateZ1(Nn nn, Operand<TFloat32> z2) {
    return Bernoulli.logits(nn.dense(z2, 30));
  }

  @Generator("x")
  Bernoulli generateX(Nn nn, Operand<TFloat32> z1) {
    return Bernoulli.logits(nn.dense(z1, 784));
  }
}
