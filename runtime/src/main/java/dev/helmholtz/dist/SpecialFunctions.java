package dev.helmholtz.dist;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The special functions of the gamma-based families' densities, entropies and KL divergences. */
final class SpecialFunctions {

  private SpecialFunctions() {}

  /** The digamma function psi(x) = d lgamma(x) / dx, elementwise. */
  static Operand<TFloat32> digamma(Ops tf, Operand<TFloat32> x) {
    return tf.math.digamma(x);
  }

  /** log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b), elementwise. */
  static Operand<TFloat32> logBeta(Ops tf, Operand<TFloat32> a, Operand<TFloat32> b) {
    return tf.math.sub(tf.math.add(tf.math.lgamma(a), tf.math.lgamma(b)),
        tf.math.lgamma(tf.math.add(a, b)));
  }
}
