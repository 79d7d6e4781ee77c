package dev.helmholtz.objective;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * CycleGAN's auxiliary losses between two domains X and Y and two generators G: X -&gt; Y and
 * F: Y -&gt; X (Zhu et al. 2017): the cycle-consistency loss
 * {@code E_x |F(G(x)) - x|_1 + E_y |G(F(y)) - y|_1} (eq. 2), which keeps each translation
 * invertible, and the identity loss {@code E_y |G(y) - y|_1 + E_x |F(x) - x|_1} (section 5.2),
 * which keeps a generator from changing what is already of its target domain. Each |.|_1 is the
 * mean absolute difference over the batch's rows and every event element, as their
 * implementation's L1 loss (so the weight 10 they give the cycle loss keeps its meaning for any
 * image size). Inputs are {@code [n, event...]}; the paired arguments have one shape.
 */
public final class CycleConsistency {
  private CycleConsistency() {}

  /**
   * The cycle-consistency loss from both domains' batches and their round trips:
   * {@code x} with {@code F(G(x))}, {@code y} with {@code G(F(y))}.
   */
  public static Operand<TFloat32> cycle(Ops tf, Operand<TFloat32> x, Operand<TFloat32> xRoundTrip,
      Operand<TFloat32> y, Operand<TFloat32> yRoundTrip) {
    return tf.math.add(meanAbsoluteError(tf, x, xRoundTrip), meanAbsoluteError(tf, y, yRoundTrip));
  }

  /**
   * The identity loss: {@code y} with {@code G(y)} (the X-to-Y generator on Y's data) and
   * {@code x} with {@code F(x)}.
   */
  public static Operand<TFloat32> identity(Ops tf, Operand<TFloat32> y, Operand<TFloat32> gOfY,
      Operand<TFloat32> x, Operand<TFloat32> fOfX) {
    return tf.math.add(meanAbsoluteError(tf, y, gOfY), meanAbsoluteError(tf, x, fOfX));
  }

  /** The mean of {@code |a - b|} over every element: a scalar. */
  public static Operand<TFloat32> meanAbsoluteError(Ops tf, Operand<TFloat32> a, Operand<TFloat32> b) {
    Operand<TFloat32> difference = tf.math.abs(tf.math.sub(a, b));
    return tf.math.mean(tf.reshape(difference, tf.constant(new long[] {-1})), tf.constant(0));
  }
}
