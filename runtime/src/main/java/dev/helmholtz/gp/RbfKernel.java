package dev.helmholtz.gp;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;

/** The squared-exponential kernel, k = sigma^2 exp(-r^2 / 2). */
public final class RbfKernel extends StationaryKernel {

  /** Signal variance and one lengthscale. */
  public RbfKernel(double variance, double lengthscale) {
    super("rbf", variance, lengthscale);
  }

  /** Signal variance and one lengthscale per input dimension. */
  public RbfKernel(double variance, double[] lengthscales) {
    super("rbf", variance, lengthscales);
  }

  @Override
  protected Operand<TFloat64> profile(Ops tf, Operand<TFloat64> r2) {
    return tf.math.exp(tf.math.mul(r2, tf.constant(-0.5)));
  }

  @Override
  public String toString() {
    return "RBF";
  }
}
