package dev.helmholtz.samples.mmd;

import static dev.helmholtz.nn.Activation.RELU;

import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.MomentMatching;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A moment-matching generator (Li et al. 2015; Dziugaite et al. 2015) on the 2-D ring of 8
 * Gaussians (radius 2, std 0.05): no critic, the generator minimizes MMD^2 to the data under
 * Gaussian kernels from the modes' own scale (0.05) to the ring's (2), so that both where the
 * modes lie and how tight they are pull on it. The same networks as {@code RingWgan}'s generator.
 */
@Model
public class RingMmd {
  @Latent(shape = 8) Normal z;
  @Observed(shape = 2) Normal x;

  @Generator("x")
  @MomentMatching(bandwidths = {0.05, 0.1, 0.2, 0.5, 1, 2})
  Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z) {
    return nn.dense(nn.dense(nn.dense(z, 128, RELU), 128, RELU), 2);
  }
}
