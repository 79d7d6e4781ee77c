package dev.helmholtz.samples.dist;

import static dev.helmholtz.nn.Activation.TANH;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** Models over the user family {@link Gumbel}: as a likelihood, and as a latent. */
final class GumbelModels {
  private GumbelModels() {}

  /**
   * Three Gumbel variables with a learned location and log scale (zeros at first: Gumbel(0, 1)),
   * no latent: the ELBO is the exact log-likelihood, {@code sum_j log Gumbel(x_j; loc_j, scale_j)}.
   * With no latent every generated row is the one fitted mean, so its generated class is named
   * without the {@code Model} suffix that {@code SampleModelsGenerateTest}'s scan (rows that
   * differ) goes by; {@code GumbelFamilyTest} checks its n rows instead.
   */
  @Model(name = "GumbelLikelihoodFit")
  static class GumbelLikelihood {
    @Observed(shape = 3) Gumbel x;

    @Generator("x")
    Gumbel prior(Nn nn) {
      return Gumbel.locLogScale(nn.variable("loc", 3), nn.variable("log_scale", 3));
    }
  }

  /** A tiny VAE whose latent is Gumbel, with the family's standard prior Gumbel(0, 1). */
  @Model
  static class GumbelLatentVae {
    @Latent(shape = 2) Gumbel z;
    @Observed(shape = 6) Normal x;

    @Encoder("z")
    Gumbel infer(Nn nn, Operand<TFloat32> x) {
      Operand<TFloat32> h = nn.dense(x, 16, TANH);
      return Gumbel.locLogScale(nn.dense(h, 2), nn.dense(h, 2));
    }

    @Generator("x")
    Normal generate(Nn nn, Operand<TFloat32> z) {
      Operand<TFloat32> h = nn.dense(z, 16, TANH);
      return Normal.meanLogStd(nn.dense(h, 6), nn.dense(h, 6));
    }
  }
}
