package dev.helmholtz.gp;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;

/**
 * MacKay's periodic kernel, k = sigma^2 exp(-2 sum_d sin^2(pi (x_d - x'_d) / p) / l^2), of
 * period p and lengthscale l (shared by all dimensions).
 */
public final class PeriodicKernel extends Kernel {
  private final Hyperparameter variance;
  private final Hyperparameter lengthscale;
  private final Hyperparameter period;

  /** Signal variance, lengthscale and period. */
  public PeriodicKernel(double variance, double lengthscale, double period) {
    this.variance = Hyperparameter.positive("periodic.variance", variance);
    this.lengthscale = Hyperparameter.positive("periodic.lengthscale", lengthscale);
    this.period = Hyperparameter.positive("periodic.period", period);
  }

  /** The period. */
  public Hyperparameter period() {
    return period;
  }

  @Override
  public List<Hyperparameter> hyperparameters() {
    return List.of(variance, lengthscale, period);
  }

  @Override
  public Operand<TFloat64> covariance(ParameterValues v, Operand<TFloat64> x1, Operand<TFloat64> x2) {
    Ops tf = v.tf();
    Operand<TFloat64> diff = tf.math.sub(tf.expandDims(x1, tf.constant(1)), tf.expandDims(x2, tf.constant(0)));
    Operand<TFloat64> phase = tf.math.div(tf.math.mul(diff, tf.constant(Math.PI)), v.value(period));
    Operand<TFloat64> sines = tf.reduceSum(tf.math.square(tf.math.sin(phase)), tf.constant(-1));
    Operand<TFloat64> exponent = tf.math.div(tf.math.mul(sines, tf.constant(-2.0)),
        tf.math.square(v.value(lengthscale)));
    return tf.math.mul(v.value(variance), tf.math.exp(exponent));
  }

  @Override
  public Operand<TFloat64> variance(ParameterValues v, Operand<TFloat64> x) {
    Ops tf = v.tf();
    Operand<TFloat64> zeros = tf.reduceSum(tf.math.mul(x, tf.constant(0.0)), tf.constant(-1));
    return tf.math.add(zeros, v.value(variance));
  }

  @Override
  public String toString() {
    return "Periodic";
  }
}
