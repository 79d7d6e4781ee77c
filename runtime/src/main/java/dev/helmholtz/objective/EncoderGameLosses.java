package dev.helmholtz.objective;

import dev.helmholtz.annotations.GanLoss;
import dev.helmholtz.dist.Distribution;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The losses of the games with an encoder, both minimized, beside {@link AdversarialLosses}' two
 * players' losses (whose discriminator loss they share).
 *
 * <p>ALI / BiGAN (Dumoulin et al. 2016; Donahue et al. 2016): the discriminator scores real pairs
 * (x, E(x)) and generated pairs (G(z), z); the generator and the encoder, one player, want the
 * generated pairs taken for real and the real pairs for generated: {@link #jointGenerator}, the
 * generator's loss of the generated pairs plus the same loss of the real pairs with the label
 * swapped (for the non-saturating loss, Dumoulin et al.'s {@code -log D(G(z), z) - log(1 - D(x, E(x)))};
 * for the minimax loss exactly minus the discriminator's: the two players play the one value).
 *
 * <p>The adversarial autoencoder (Makhzani et al. 2015): {@link #reconstruction}, the decoder's
 * negative log-likelihood of the data at the encoder's draws, trains encoder and decoder; the
 * regularization phase is the plain GAN's losses over the latent, prior draws real and the
 * encoder's draws generated.
 */
public final class EncoderGameLosses {
  private EncoderGameLosses() {}

  /**
   * The generator-and-encoder player's loss in ALI/BiGAN, from the discriminator's outputs on real
   * pairs {@code real} (x, E(x)) and generated pairs {@code fake} (G(z), z), each {@code [n]}.
   */
  public static Operand<TFloat32> jointGenerator(Ops tf, GanLoss loss, Operand<TFloat32> real,
      Operand<TFloat32> fake) {
    Objects.requireNonNull(loss, "loss");
    Operand<TFloat32> encoder = switch (loss) {
      // E log sigmoid(r) = -E softplus(-r): the encoder lowers the value's real term
      case MINIMAX -> tf.math.neg(mean(tf, tf.math.softplus(tf.math.neg(real))));
      // -E log(1 - sigmoid(r)) = E softplus(r): real pairs labelled generated
      case NON_SATURATING -> mean(tf, tf.math.softplus(real));
      // the generated label's target, 0
      case LEAST_SQUARES -> tf.math.mul(tf.constant(0.5f), mean(tf, tf.math.square(real)));
      case HINGE -> mean(tf, real);
      case WASSERSTEIN_GP -> throw new IllegalArgumentException(
          "WASSERSTEIN_GP's penalty is on one node's examples, not on (x, z) pairs");
    };
    return tf.math.add(AdversarialLosses.generator(tf, loss, fake), encoder);
  }

  /**
   * The reconstruction phase's loss: {@code -E log p(x | z)}, the decoder's distribution {@code
   * decoder} ({@code [n, width]}, one row per example, at the encoder's draw of z) scoring the data
   * {@code x} ({@code [n, width]}), averaged over the examples, in nats.
   */
  public static Operand<TFloat32> reconstruction(Ops tf, Distribution decoder, Operand<TFloat32> x) {
    return tf.math.neg(mean(tf, decoder.logProb(x)));
  }

  private static Operand<TFloat32> mean(Ops tf, Operand<TFloat32> x) {
    Operand<TInt32> axis = tf.constant(0);
    return tf.math.mean(x, axis);
  }
}
