package dev.helmholtz.samples.ssvae;

import static dev.helmholtz.nn.Activation.SOFTPLUS;

import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Categorical;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * M2's three networks at Kingma et al.'s sizes (one hidden layer of 500 softplus units each, z of
 * 50), shared by {@link SemiSupervisedVae} and {@link SemiSupervisedVaeAdaptiveIs}.
 */
final class SemiSupervisedNetworks {
  static final int CLASSES = 10;
  static final int LATENT = 50;
  static final int HIDDEN = 500;
  static final int PIXELS = 784;

  private SemiSupervisedNetworks() {}

  /** q(y | x). */
  static Categorical classify(Nn nn, Operand<TFloat32> x) {
    return Categorical.logits(nn.dense(nn.dense(x, HIDDEN, SOFTPLUS), CLASSES));
  }

  /** q(z | x, y); {@code sharedFirstLayer} as in {@link #join}. */
  static Normal encode(Nn nn, Operand<TFloat32> x, Operand<TFloat32> y, boolean sharedFirstLayer) {
    Operand<TFloat32> h = nn.dense(join(nn, x, y, sharedFirstLayer), HIDDEN, SOFTPLUS);
    return Normal.meanLogStd(nn.dense(h, LATENT), nn.dense(h, LATENT));
  }

  /** p(x | y, z). */
  static Bernoulli decode(Nn nn, Operand<TFloat32> y, Operand<TFloat32> z, boolean sharedFirstLayer) {
    Operand<TFloat32> h = nn.dense(join(nn, y, z, sharedFirstLayer), HIDDEN, SOFTPLUS);
    return Bernoulli.logits(nn.dense(h, PIXELS));
  }

  /**
   * a and b side by side, through {@link Nn#concat} so that the encoder's first layer, given x
   * tiled once per class or sample, multiplies x once per example (x W_x once, plus y W_y per
   * copy); with {@code sharedFirstLayer} false, a plain concat that multiplies every copy (the same
   * values to float rounding: the benchmark's and the test's baseline).
   */
  private static Operand<TFloat32> join(Nn nn, Operand<TFloat32> a, Operand<TFloat32> b, boolean sharedFirstLayer) {
    return sharedFirstLayer ? nn.concat(a, b) : nn.tf().concat(List.of(a, b), nn.tf().constant(-1));
  }
}
