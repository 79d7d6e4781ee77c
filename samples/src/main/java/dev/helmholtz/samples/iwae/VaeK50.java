package dev.helmholtz.samples.iwae;

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

/** The VAE of Burda et al.'s comparison with k = 50: the ELBO averaged over 50 samples per example. */
@Model(objective = @Objective(kind = ObjectiveKind.ELBO, samples = 50))
public class VaeK50 {
  @Latent(shape = BurdaNetworks.LATENT)
  Normal z;

  @Observed(shape = BurdaNetworks.PIXELS)
  Bernoulli x;

  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x) {
    return BurdaNetworks.encode(nn, x);
  }

  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    return BurdaNetworks.decode(nn, z);
  }
}
