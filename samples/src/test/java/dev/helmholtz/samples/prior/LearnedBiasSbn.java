package dev.helmholtz.samples.prior;

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
 * A sigmoid belief net whose top layer has a learned bias, p(z) = Bernoulli(sigmoid(c)) with c
 * [1, 4], a network of no node, trained by wake-sleep: its sleep phase dreams from that prior, a
 * dream per example.
 */
@Model(objective = @Objective(kind = ObjectiveKind.WAKE_SLEEP))
class LearnedBiasSbn {
  @Latent(shape = 4)
  Bernoulli z;

  @Observed(shape = 6)
  Bernoulli x;

  @Generator("z")
  Bernoulli prior(Nn nn) {
    return Bernoulli.logits(nn.variable("bias", 1, 4));
  }

  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    return Bernoulli.logits(nn.dense(z, 6));
  }

  @Encoder("z")
  Bernoulli encode(Nn nn, Operand<TFloat32> x) {
    return Bernoulli.logits(nn.dense(x, 4));
  }
}
