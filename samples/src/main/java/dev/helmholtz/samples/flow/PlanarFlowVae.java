package dev.helmholtz.samples.flow;

import static dev.helmholtz.nn.Activation.TANH;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.dist.TransformedDistribution;
import dev.helmholtz.dist.flow.PlanarFlow;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The sample VAE ({@link dev.helmholtz.samples.vae.Vae}'s 784-200-200-50 tanh networks and
 * standard Normal prior) with a normalizing-flow posterior (Rezende and Mohamed 2015): the
 * encoder's diagonal Normal pushed through 10 planar flows whose parameters are shared by every
 * example, as in ZhuSuan's {@code vae_nf}. log q(z | x) = log q0(z0 | x) - Σ log|det ∂f/∂z|
 * enters the ELBO, whose KL is Monte Carlo.
 */
@Model(objective = @Objective(kind = ObjectiveKind.ELBO))
public class PlanarFlowVae {
  /** Planar flows in the posterior (ZhuSuan's {@code n_iters}). */
  public static final int FLOWS = 10;

  @Latent(shape = 50)
  Normal z;

  @Observed(shape = 784)
  Bernoulli x;

  @Encoder("z")
  TransformedDistribution encode(Nn nn, Operand<TFloat32> x) {
    Operand<TFloat32> h = nn.dense(nn.dense(x, 200, TANH), 200, TANH);
    Normal base = Normal.meanLogStd(nn.dense(h, 50), nn.dense(h, 50));
    return TransformedDistribution.of(base, PlanarFlow.stack(nn, 50, FLOWS));
  }

  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    Operand<TFloat32> h = nn.dense(nn.dense(z, 200, TANH), 200, TANH);
    return Bernoulli.logits(nn.dense(h, 784));
  }
}
