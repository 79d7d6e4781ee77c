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

/** The sigmoid belief net of {@link SigmoidBeliefNetworks} trained with wake-sleep (Hinton et al. 1995). */
@Model(objective = @Objective(kind = ObjectiveKind.WAKE_SLEEP))
public class SbnWakeSleep {
  @Latent(shape = SigmoidBeliefNetworks.LATENT)
  Bernoulli z;

  @Observed(shape = SigmoidBeliefNetworks.PIXELS)
  Bernoulli x;

  @Encoder("z")
  Bernoulli encode(Nn nn, Operand<TFloat32> x) {
    return SigmoidBeliefNetworks.encode(nn, x);
  }

  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    return SigmoidBeliefNetworks.decode(nn, z);
  }
}
