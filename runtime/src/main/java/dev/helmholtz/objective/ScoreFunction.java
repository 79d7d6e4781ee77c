package dev.helmholtz.objective;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Score-function (REINFORCE, likelihood-ratio) gradient terms (Williams 1992). For latents drawn
 * without a reparameterized gradient, the gradient of E_q[f(z)] with respect to q's parameters
 * is E_q[f(z) grad log q(z)]; a surrogate whose gradient is that estimate is added to the
 * objective. The terms here have value exactly 0, so a surrogate's value is still the objective
 * it estimates (what progress reports show), and only its gradient changes.
 */
public final class ScoreFunction {
  private ScoreFunction() {}

  /**
   * {@code stopGradient(signal) * (logQ - stopGradient(logQ))}: value 0, gradient
   * {@code signal * grad(logQ)}. Shapes broadcast elementwise.
   */
  public static Operand<TFloat32> term(Ops tf, Operand<TFloat32> signal, Operand<TFloat32> logQ) {
    return tf.math.mul(tf.stopGradient(signal), tf.math.sub(logQ, tf.stopGradient(logQ)));
  }

  /**
   * Plain REINFORCE for the single-sample ELBO, no variance reduction: {@code logWeights +
   * term(logWeights, scoreLogQ)}, per example. The reference the variance-reduced estimators
   * (NVIL, VIMCO) are measured against.
   */
  public static Operand<TFloat32> reinforce(Ops tf, Operand<TFloat32> logWeights, Operand<TFloat32> scoreLogQ) {
    return tf.math.add(logWeights, term(tf, logWeights, scoreLogQ));
  }
}
