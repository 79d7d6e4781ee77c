package dev.helmholtz.samples.prior;

import dev.helmholtz.annotations.Discriminator;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** A GAN whose noise has a learned prior, a network of no node: N(mu, I) with mu [1, 4]. */
@Model
class LearnedPriorGan {
  @Latent(shape = 4) Normal z;
  @Observed(shape = 2) Normal x;

  @Generator("z")
  Normal prior(Nn nn) {
    Operand<TFloat32> mean = nn.variable("mean", 1, 4);
    return Normal.meanLogStd(mean, nn.tf().zerosLike(mean));
  }

  @Generator("x")
  Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z) {
    return nn.dense(z, 2);
  }

  @Discriminator("x")
  Operand<TFloat32> critic(Nn nn, Operand<TFloat32> x) {
    return nn.dense(x, 1);
  }
}
