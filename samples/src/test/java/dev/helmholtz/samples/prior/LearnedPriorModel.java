package dev.helmholtz.samples.prior;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * z ~ N(mu, I_2) with a learned mean mu and no parents, x | z ~ N(zK + b, NOISE_STD^2 I_3), with a
 * linear Gaussian encoder: its marginal is x ~ N(mu K + b, K^T K + NOISE_STD^2 I), known in closed
 * form for the model's current parameters. IWAE with k = 3, so its passes carry a sample axis.
 */
@Model(objective = @Objective(kind = ObjectiveKind.IWAE, samples = 3))
class LearnedPriorModel {
  static final int LATENT = 2;
  static final int OBSERVED = 3;
  static final float NOISE_STD = 0.5f;

  @Latent(shape = LATENT)
  Normal z;

  @Observed(shape = OBSERVED)
  Normal x;

  /** p(z): a network of no node, made of its learned mean, [1, LATENT]: one row, not one per example. */
  @Generator("z")
  Normal prior(Nn nn) {
    Operand<TFloat32> mean = nn.variable("mean", 1, LATENT);
    return Normal.meanLogStd(mean, nn.tf().zerosLike(mean));
  }

  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x) {
    return Normal.meanLogStd(nn.dense(x, LATENT), nn.dense(x, LATENT));
  }

  @Generator("x")
  Normal decode(Nn nn, Operand<TFloat32> z) {
    return Normal.meanScale(nn.dense(z, OBSERVED), nn.tf().constant(NOISE_STD));
  }
}
