package dev.helmholtz.samples.counts;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Geometric;
import dev.helmholtz.dist.Poisson;
import dev.helmholtz.nn.Activation;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A count latent: geometric counts (standard prior Geometric(1/2)) under VIMCO, so the training
 * graph draws k of them per example through the family's sampler, with Poisson counts observed.
 */
@Model(objective = @Objective(kind = ObjectiveKind.VIMCO, samples = 3))
class GeometricCountsModel {
  @Latent(shape = 2) Geometric z;
  @Observed(shape = 6) Poisson x;

  @Encoder("z")
  Geometric encode(Nn nn, Operand<TFloat32> x) {
    return Geometric.logits(nn.dense(nn.tf().math.log1p(x), 2));
  }

  @Generator("x")
  Poisson decode(Nn nn, Operand<TFloat32> z) {
    return Poisson.logRate(nn.dense(nn.dense(z, 8, Activation.TANH), 6));
  }
}
