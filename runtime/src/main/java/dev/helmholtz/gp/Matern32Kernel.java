package dev.helmholtz.gp;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;

/** The Matérn kernel of smoothness 3/2, k = sigma^2 (1 + sqrt(3) r) exp(-sqrt(3) r). */
public final class Matern32Kernel extends StationaryKernel {

  /** Signal variance and one lengthscale. */
  public Matern32Kernel(double variance, double lengthscale) {
    super("matern32", variance, lengthscale);
  }

  /** Signal variance and one lengthscale per input dimension. */
  public Matern32Kernel(double variance, double[] lengthscales) {
    super("matern32", variance, lengthscales);
  }

  @Override
  protected Operand<TFloat64> profile(Ops tf, Operand<TFloat64> r2) {
    Operand<TFloat64> s = tf.math.mul(distance(tf, r2), tf.constant(Math.sqrt(3)));
    return tf.math.mul(tf.math.add(s, tf.constant(1.0)), tf.math.exp(tf.math.neg(s)));
  }

  @Override
  public String toString() {
    return "Matern32";
  }
}
