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

/** The importance-weighted autoencoder of Burda et al. (2016) with k = 50 samples per example. */
@Model(objective = @Objective(kind = ObjectiveKind.IWAE, samples = 50))
public class IwaeK50 {
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
