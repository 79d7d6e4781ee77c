package dev.helmholtz.samples.ssvae;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Categorical;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The semi-supervised VAE of {@link SemiSupervisedVae} (the same nodes and networks) trained by
 * adaptive importance sampling with 10 samples, ZhuSuan's {@code vae_ssl_adaptive_is}: where an
 * example is unlabelled each sample draws y from q(y | x) and z from q(z | x, y) instead of summing
 * y out; where it is labelled every sample takes the label. p and q are fitted on the samples'
 * self-normalized importance weights, q(y | x) and q(z | x, y) on the inclusive KL(p(y, z | x) ||
 * q(y, z | x)), and alpha log q(y | x) is added on labelled rows as in M2. {@code enumerate = true}
 * declares y a label latent that the data may observe; under this objective it is summed out only
 * in {@code elbo}.
 */
@Model(objective = @Objective(kind = ObjectiveKind.ADAPTIVE_IMPORTANCE_SAMPLING, samples = 10))
public class SemiSupervisedVaeAdaptiveIs {
  @Latent(shape = SemiSupervisedNetworks.CLASSES, enumerate = true, classificationWeight = 60)
  Categorical y;

  @Latent(shape = SemiSupervisedNetworks.LATENT)
  Normal z;

  @Observed(shape = SemiSupervisedNetworks.PIXELS)
  Bernoulli x;

  @Encoder("y")
  Categorical classify(Nn nn, Operand<TFloat32> x) {
    return SemiSupervisedNetworks.classify(nn, x);
  }

  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x, Operand<TFloat32> y) {
    return SemiSupervisedNetworks.encode(nn, x, y, true);
  }

  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> y, Operand<TFloat32> z) {
    return SemiSupervisedNetworks.decode(nn, y, z, true);
  }
}
