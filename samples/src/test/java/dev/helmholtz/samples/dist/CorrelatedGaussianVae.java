package dev.helmholtz.samples.dist;

import static dev.helmholtz.nn.Activation.TANH;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.MultivariateNormal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Full-covariance Gaussians as node types, trained by IWAE with 5 samples (so every network sees
 * folded [k B, width] rows and returns a distribution unfolded to [k, B]): a posterior with a
 * packed lower-triangular scale, and a likelihood with a low-rank-plus-diagonal covariance.
 */
@Model(objective = @Objective(kind = ObjectiveKind.IWAE, samples = 5))
class CorrelatedGaussianVae {
  @Latent(shape = 2) MultivariateNormal z;
  @Observed(shape = 6) MultivariateNormal x;

  @Encoder("z")
  MultivariateNormal infer(Nn nn, Operand<TFloat32> x) {
    Operand<TFloat32> h = nn.dense(x, 16, TANH);
    return MultivariateNormal.locPackedTril(nn.dense(h, 2), nn.dense(h, 3));
  }

  @Generator("x")
  MultivariateNormal generate(Nn nn, Operand<TFloat32> z) {
    Operand<TFloat32> h = nn.dense(z, 16, TANH);
    return MultivariateNormal.lowRankPacked(nn.dense(h, 6), nn.dense(h, 6), nn.dense(h, 6));
  }
}
