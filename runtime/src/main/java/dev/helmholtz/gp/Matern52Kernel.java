package dev.helmholtz.gp;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;

/** The Matérn kernel of smoothness 5/2, k = sigma^2 (1 + sqrt(5) r + 5 r^2 / 3) exp(-sqrt(5) r). */
public final class Matern52Kernel extends StationaryKernel {

  /** Signal variance and one lengthscale. */
  public Matern52Kernel(double variance, double lengthscale) {
    super("matern52", variance, lengthscale);
  }

  /** Signal variance and one lengthscale per input dimension. */
  public Matern52Kernel(double variance, double[] lengthscales) {
    super("matern52", variance, lengthscales);
  }

  @Override
  protected Operand<TFloat64> profile(Ops tf, Operand<TFloat64> r2) {
    Operand<TFloat64> s = tf.math.mul(distance(tf, r2), tf.constant(Math.sqrt(5)));
    Operand<TFloat64> polynomial = tf.math.add(tf.math.add(s, tf.constant(1.0)),
        tf.math.mul(r2, tf.constant(5.0 / 3.0)));
    return tf.math.mul(polynomial, tf.math.exp(tf.math.neg(s)));
  }

  @Override
  public String toString() {
    return "Matern52";
  }
}
