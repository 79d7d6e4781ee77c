package dev.helmholtz.samples.counts;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.dist.Poisson;
import dev.helmholtz.nn.Activation;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** Counts with a Poisson likelihood whose log rates are linear in two Gaussian factors. */
@Model
class PoissonFactorModel {
  @Latent(shape = 2) Normal z;
  @Observed(shape = 6) Poisson x;

  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x) {
    Operand<TFloat32> h = nn.dense(nn.tf().math.log1p(x), 16, Activation.TANH);
    return Normal.meanLogStd(nn.dense(h, 2), nn.dense(h, 2));
  }

  @Generator("x")
  Poisson decode(Nn nn, Operand<TFloat32> z) {
    return Poisson.logRate(nn.dense(z, 6));
  }
}
