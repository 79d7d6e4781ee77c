package dev.helmholtz.gp;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;

/**
 * y = f + e, e ~ N(0, sigma^2): everything in closed form, E_q[log p(y | f)] = -1/2 log(2 pi
 * sigma^2) - ((y - mean)^2 + variance) / (2 sigma^2).
 */
public final class GaussianLikelihood implements Likelihood {
  private final Hyperparameter noiseVariance;

  /** The likelihood with noise variance sigma^2 starting at {@code noiseVariance}. */
  public GaussianLikelihood(double noiseVariance) {
    this.noiseVariance = Hyperparameter.positive("noise.variance", noiseVariance);
  }

  /** The noise variance sigma^2. */
  public Hyperparameter noiseVariance() {
    return noiseVariance;
  }

  @Override
  public List<Hyperparameter> hyperparameters() {
    return List.of(noiseVariance);
  }

  @Override
  public Operand<TFloat64> variationalExpectation(ParameterValues v, Operand<TFloat64> mean,
      Operand<TFloat64> variance, Operand<TFloat64> y) {
    Ops tf = v.tf();
    Operand<TFloat64> noise = v.value(noiseVariance);
    Operand<TFloat64> spread = tf.math.add(tf.math.squaredDifference(y, mean), variance);
    Operand<TFloat64> logNorm = tf.math.mul(tf.math.add(tf.math.log(noise), tf.constant(GpMath.LOG_2PI)),
        tf.constant(-0.5));
    return tf.math.sub(logNorm, tf.math.div(spread, tf.math.mul(noise, tf.constant(2.0))));
  }

  @Override
  public Operand<TFloat64> logPredictiveDensity(ParameterValues v, Operand<TFloat64> mean,
      Operand<TFloat64> variance, Operand<TFloat64> y) {
    Ops tf = v.tf();
    Operand<TFloat64> total = tf.math.add(variance, v.value(noiseVariance));
    Operand<TFloat64> logNorm = tf.math.mul(tf.math.add(tf.math.log(total), tf.constant(GpMath.LOG_2PI)),
        tf.constant(-0.5));
    return tf.math.sub(logNorm, tf.math.div(tf.math.squaredDifference(y, mean), tf.math.mul(total, tf.constant(2.0))));
  }

  @Override
  public Operand<TFloat64> predictiveMean(ParameterValues v, Operand<TFloat64> mean, Operand<TFloat64> variance) {
    return mean;
  }

  @Override
  public Operand<TFloat64> predictiveVariance(ParameterValues v, Operand<TFloat64> mean, Operand<TFloat64> variance) {
    return v.tf().math.add(variance, v.value(noiseVariance));
  }
}
