package dev.helmholtz.gp;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;

/**
 * A kernel of the scaled distance only, k(x, x') = sigma^2 f(r) with r^2 = sum_d (x_d - x'_d)^2 /
 * l_d^2: one lengthscale for every dimension, or one per dimension (automatic relevance
 * determination). The subclasses give f: {@link RbfKernel}, {@link Matern32Kernel},
 * {@link Matern52Kernel}.
 *
 * <p>Distances are taken from the differences, not from |x|^2 + |x'|^2 - 2 x.x': the diagonal of
 * k(X, X) then has r exactly 0 and a zero gradient, where the expanded form leaves rounding noise
 * that the square root of the Matérn kernels turns into huge gradients.
 */
public abstract class StationaryKernel extends Kernel {
  /** Below this r^2 the Matérn kernels' square root takes a constant (zero gradient at r = 0). */
  private static final double SQRT_FLOOR = 1e-36;

  private final Hyperparameter variance;
  private final Hyperparameter lengthscale;

  /** A kernel of signal variance {@code variance} and one {@code lengthscale} for all dimensions. */
  protected StationaryKernel(String name, double variance, double lengthscale) {
    this.variance = Hyperparameter.positive(name + ".variance", variance);
    this.lengthscale = Hyperparameter.positive(name + ".lengthscale", lengthscale);
  }

  /** A kernel with one lengthscale per input dimension (ARD). */
  protected StationaryKernel(String name, double variance, double[] lengthscales) {
    this.variance = Hyperparameter.positive(name + ".variance", variance);
    this.lengthscale = Hyperparameter.positive(name + ".lengthscale", lengthscales);
  }

  /** The signal variance sigma^2 = k(x, x). */
  public Hyperparameter signalVariance() {
    return variance;
  }

  /** The lengthscale(s). */
  public Hyperparameter lengthscale() {
    return lengthscale;
  }

  @Override
  public List<Hyperparameter> hyperparameters() {
    return List.of(variance, lengthscale);
  }

  /** f of the squared scaled distance {@code r2} (of the rank it is given). */
  protected abstract Operand<TFloat64> profile(Ops tf, Operand<TFloat64> r2);

  @Override
  public Operand<TFloat64> covariance(ParameterValues v, Operand<TFloat64> x1, Operand<TFloat64> x2) {
    Ops tf = v.tf();
    Operand<TFloat64> l = v.value(lengthscale);
    Operand<TFloat64> a = tf.math.div(x1, l);
    Operand<TFloat64> b = tf.math.div(x2, l);
    Operand<TFloat64> diff = tf.math.sub(tf.expandDims(a, tf.constant(1)), tf.expandDims(b, tf.constant(0)));
    Operand<TFloat64> r2 = tf.reduceSum(tf.math.square(diff), tf.constant(-1));
    return tf.math.mul(v.value(variance), profile(tf, r2));
  }

  @Override
  public Operand<TFloat64> variance(ParameterValues v, Operand<TFloat64> x) {
    Ops tf = v.tf();
    Operand<TFloat64> ones = tf.reduceSum(tf.math.mul(x, tf.constant(0.0)), tf.constant(-1));
    return tf.math.add(ones, v.value(variance));
  }

  /** r = sqrt(r^2) with a zero gradient at r = 0. */
  static Operand<TFloat64> distance(Ops tf, Operand<TFloat64> r2) {
    return tf.math.sqrt(tf.math.maximum(r2, tf.constant(SQRT_FLOOR)));
  }
}
