package dev.helmholtz.samples.dist;

import static dev.helmholtz.nn.Activation.TANH;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Dirichlet;
import dev.helmholtz.dist.Gamma;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A tiny VAE of positive data with the gamma-based families: a Dirichlet latent (mixture weights
 * over three profiles) under its standard prior Dirichlet(1, 1, 1), and a Gamma likelihood. The
 * latent's gradient is implicit, its KL analytic (through digamma's dispatched gradient).
 */
@Model
class DirichletGammaVae {
  @Latent(shape = 3) Dirichlet w;
  @Observed(shape = 6) Gamma x;

  @Encoder("w")
  Dirichlet infer(Nn nn, Operand<TFloat32> x) {
    Operand<TFloat32> h = nn.dense(nn.tf().math.log(x), 16, TANH);
    return Dirichlet.logConcentration(nn.dense(h, 3));
  }

  @Generator("x")
  Gamma generate(Nn nn, Operand<TFloat32> w) {
    Operand<TFloat32> h = nn.dense(w, 16, TANH);
    return Gamma.logConcentrationLogRate(nn.dense(h, 6), nn.dense(h, 6));
  }
}
