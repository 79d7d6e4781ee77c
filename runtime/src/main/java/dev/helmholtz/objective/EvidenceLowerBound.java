package dev.helmholtz.objective;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The ELBO per example from its per-sample terms [k, B]: the mean over the k samples of
 * log p(x | z) + log p(z) - log q(z | x), or of log p(x | z) - KL(q || p) where the KL is
 * analytic (Kingma &amp; Welling 2014). A lower bound on log p(x) for every k.
 */
public final class EvidenceLowerBound {
  private EvidenceLowerBound() {}

  /** [k, B] terms to [B]. */
  public static Operand<TFloat32> perExample(Ops tf, Operand<TFloat32> terms) {
    return tf.math.mean(terms, tf.constant(0));
  }
}
