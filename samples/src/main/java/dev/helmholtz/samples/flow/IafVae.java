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
import dev.helmholtz.dist.flow.InverseAutoregressiveFlow;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The sample VAE ({@link dev.helmholtz.samples.vae.Vae}'s networks and prior) with an inverse
 * autoregressive flow posterior (Kingma et al. 2016): the encoder's diagonal Normal pushed
 * through two IAF steps (MADE 50-200-200-50, orders alternating), each conditioned on the
 * encoder's last hidden layer h, as the paper's context. The ELBO's KL is Monte Carlo.
 */
@Model(objective = @Objective(kind = ObjectiveKind.ELBO))
public class IafVae {
  /** IAF steps in the posterior. */
  public static final int STEPS = 2;

  @Latent(shape = 50)
  Normal z;

  @Observed(shape = 784)
  Bernoulli x;

  @Encoder("z")
  TransformedDistribution encode(Nn nn, Operand<TFloat32> x) {
    Operand<TFloat32> h = nn.dense(nn.dense(x, 200, TANH), 200, TANH);
    Normal base = Normal.meanLogStd(nn.dense(h, 50), nn.dense(h, 50));
    return TransformedDistribution.of(base, InverseAutoregressiveFlow.stack(nn, 50, STEPS, h, 200, 200));
  }

  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    Operand<TFloat32> h = nn.dense(nn.dense(z, 200, TANH), 200, TANH);
    return Bernoulli.logits(nn.dense(h, 784));
  }
}
