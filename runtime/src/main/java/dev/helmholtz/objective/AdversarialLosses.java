package dev.helmholtz.objective;

import dev.helmholtz.annotations.GanLoss;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The two players' losses of an adversarial model, both minimized, from the discriminator's
 * outputs on a batch of real examples and one of generated examples (each {@code [n]}; logits
 * for the minimax and non-saturating losses, raw scores for the others). The gradient penalty of
 * {@link GanLoss#WASSERSTEIN_GP} is separate: {@link GradientPenalty}.
 */
public final class AdversarialLosses {
  private AdversarialLosses() {}

  /** The discriminator's (critic's) loss, without a gradient penalty. */
  public static Operand<TFloat32> discriminator(Ops tf, GanLoss loss, Operand<TFloat32> real,
      Operand<TFloat32> fake) {
    Objects.requireNonNull(loss, "loss");
    return switch (loss) {
      // -E log sigmoid(r) - E log(1 - sigmoid(f)) = E softplus(-r) + E softplus(f)
      case MINIMAX, NON_SATURATING -> tf.math.add(
          mean(tf, tf.math.softplus(tf.math.neg(real))), mean(tf, tf.math.softplus(fake)));
      case LEAST_SQUARES -> tf.math.mul(tf.constant(0.5f), tf.math.add(
          mean(tf, tf.math.square(tf.math.sub(real, tf.constant(1f)))), mean(tf, tf.math.square(fake))));
      case HINGE -> tf.math.add(
          mean(tf, tf.nn.relu(tf.math.sub(tf.constant(1f), real))),
          mean(tf, tf.nn.relu(tf.math.add(tf.constant(1f), fake))));
      case WASSERSTEIN_GP -> tf.math.sub(mean(tf, fake), mean(tf, real));
    };
  }

  /** The generator's loss, from the discriminator's outputs on generated examples. */
  public static Operand<TFloat32> generator(Ops tf, GanLoss loss, Operand<TFloat32> fake) {
    Objects.requireNonNull(loss, "loss");
    return switch (loss) {
      // E log(1 - sigmoid(f)) = -E softplus(f)
      case MINIMAX -> tf.math.neg(mean(tf, tf.math.softplus(fake)));
      // -E log sigmoid(f) = E softplus(-f)
      case NON_SATURATING -> mean(tf, tf.math.softplus(tf.math.neg(fake)));
      case LEAST_SQUARES -> tf.math.mul(tf.constant(0.5f),
          mean(tf, tf.math.square(tf.math.sub(fake, tf.constant(1f)))));
      case HINGE, WASSERSTEIN_GP -> tf.math.neg(mean(tf, fake));
    };
  }

  /**
   * The value of the minimax game, {@code E log D(x) + E log(1 - D(G(z)))} with D the sigmoid of
   * the logits: at most {@code -log 4} in expectation when the generator matches the data, which
   * the optimal discriminator (D = 1/2 everywhere) attains.
   */
  public static Operand<TFloat32> gameValue(Ops tf, Operand<TFloat32> realLogits, Operand<TFloat32> fakeLogits) {
    return tf.math.neg(discriminator(tf, GanLoss.MINIMAX, realLogits, fakeLogits));
  }

  private static Operand<TFloat32> mean(Ops tf, Operand<TFloat32> x) {
    Operand<TInt32> axis = tf.constant(0);
    return tf.math.mean(x, axis);
  }
}
