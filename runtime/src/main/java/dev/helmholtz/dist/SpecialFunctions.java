package dev.helmholtz.dist;

import dev.helmholtz.graph.GradientDispatch;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The special functions of the gamma-based families' densities, entropies and KL divergences. */
final class SpecialFunctions {

  private SpecialFunctions() {}

  /** The {@link GradientDispatch} name of digamma's gradient. */
  static final String DIGAMMA_GRADIENT = "digamma";

  /** d digamma(x) / dx = polygamma(1, x), the trigamma function. */
  private static final GradientDispatch.Gradient TRIGAMMA = (tf, inputs, outputs, grads) -> {
    @SuppressWarnings("unchecked")
    Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
    @SuppressWarnings("unchecked")
    Operand<TFloat32> dy = (Operand<TFloat32>) grads.get(0);
    return List.of(tf.math.mul(dy, tf.math.polygamma(tf.constant(1f), x)));
  };

  /**
   * The digamma function psi(x) = d lgamma(x) / dx, elementwise, with its gradient (the trigamma
   * function, served by {@link GradientDispatch}: TF Java has none for Digamma), so that an
   * entropy or KL divergence differentiates in learned shape parameters.
   */
  static Operand<TFloat32> digamma(Ops tf, Operand<TFloat32> x) {
    GradientDispatch.define(DIGAMMA_GRADIENT, TRIGAMMA);
    @SuppressWarnings("unchecked")
    Operand<TFloat32> y = (Operand<TFloat32>) GradientDispatch.attach(
        tf, DIGAMMA_GRADIENT, List.of(tf.math.digamma(x)), List.of(x)).get(0);
    return y;
  }

  /** log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b), elementwise. */
  static Operand<TFloat32> logBeta(Ops tf, Operand<TFloat32> a, Operand<TFloat32> b) {
    return tf.math.sub(tf.math.add(tf.math.lgamma(a), tf.math.lgamma(b)),
        tf.math.lgamma(tf.math.add(a, b)));
  }
}
