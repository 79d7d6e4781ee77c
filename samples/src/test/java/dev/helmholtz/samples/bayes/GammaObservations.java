package dev.helmholtz.samples.bayes;

import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Gamma;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Positive observations y ~ Gamma(2, exp(logRate)) under a global log-rate: a Bayesian model of a bounded family. */
@Model
class GammaObservations {
  @Latent(shape = 1, global = true)
  Normal logRate;

  @Observed(shape = 1)
  Gamma y;

  @Generator("y")
  Gamma likelihood(Nn nn, Operand<TFloat32> logRate) {
    Ops tf = nn.tf();
    return Gamma.concentrationRate(tf.math.add(tf.zerosLike(logRate), tf.constant(2f)), tf.math.exp(logRate));
  }
}
