package dev.helmholtz.samples.dist;

import static dev.helmholtz.nn.Activation.TANH;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Laplace;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A tiny VAE of continuous data with a Laplace likelihood and a Laplace latent: its prior is the
 * standard Laplace(0, 1), its KL analytic, its gradient reparameterized.
 */
@Model
class LaplaceVae {
  @Latent(shape = 2) Laplace z;
  @Observed(shape = 6) Laplace x;

  @Encoder("z")
  Laplace infer(Nn nn, Operand<TFloat32> x) {
    Operand<TFloat32> h = nn.dense(x, 16, TANH);
    return Laplace.locLogScale(nn.dense(h, 2), nn.dense(h, 2));
  }

  @Generator("x")
  Laplace generate(Nn nn, Operand<TFloat32> z) {
    Operand<TFloat32> h = nn.dense(z, 16, TANH);
    return Laplace.locLogScale(nn.dense(h, 6), nn.dense(h, 6));
  }
}
