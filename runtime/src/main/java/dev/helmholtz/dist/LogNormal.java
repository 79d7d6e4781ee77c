package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Independent log-normal variables along the event axis: exp(Y) for Y ~ Normal(loc, scale), so
 * {@code loc} and {@code scale} are the mean and standard deviation of the logarithm. Log density
 * minus infinity at x {@code <= 0}. Reparameterized as {@code exp(loc + scale eps)}.
 */
public final class LogNormal extends LocationScaleDistribution {

  private final Operand<TFloat32> logScale;

  private LogNormal(Ops tf, Operand<TInt64> shape, Operand<TFloat32> loc, Operand<TFloat32> scale,
      Operand<TFloat32> logScale) {
    super(tf, shape, loc, scale);
    this.logScale = logScale;
  }

  /** LogNormal whose logarithm has mean {@code loc} and standard deviation {@code scale} (> 0). */
  public static LogNormal locScale(Operand<TFloat32> loc, Operand<TFloat32> scale) {
    Ops tf = opsOf(loc, scale);
    return new LogNormal(tf, null, loc, scale, tf.math.log(scale));
  }

  /** LogNormal whose logarithm has mean {@code loc} and standard deviation {@code exp(logScale)}. */
  public static LogNormal locLogScale(Operand<TFloat32> loc, Operand<TFloat32> logScale) {
    Ops tf = opsOf(loc, logScale);
    return new LogNormal(tf, null, loc, tf.math.exp(logScale), logScale);
  }

  /** LogNormal(0, 1) of the given shape: a log-normal latent's standard prior. */
  public static LogNormal standard(Ops tf, Operand<TInt64> shape) {
    Objects.requireNonNull(tf, "tf");
    return new LogNormal(tf, Objects.requireNonNull(shape, "shape"), tf.constant(0f),
        tf.constant(1f), tf.constant(0f));
  }

  public Operand<TFloat32> logScale() {
    return logScale;
  }

  /** {@code -0.5 z^2 - log(scale) - 0.5 log(2 pi) - log x} with z = (log x - loc) / scale, x > 0. */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Ops tf = tf();
    Operand<TFloat32> logValue = tf.math.log(value);
    Operand<TFloat32> z = tf.math.div(tf.math.sub(logValue, loc), scale);
    Operand<TFloat32> elementwise = tf.math.sub(tf.math.mul(tf.constant(-0.5f), tf.math.square(z)),
        tf.math.add(tf.math.add(logScale, logValue), tf.constant((float) (0.5 * DistOps.LOG_2PI))));
    return sumInSupport(tf.math.greater(value, tf.constant(0f)), elementwise);
  }

  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    return tf.math.exp(tf.math.add(loc, tf.math.mul(scale, rng.standardNormal(shape()))));
  }

  /** {@code loc + log(scale) + 0.5 + 0.5 log(2 pi)}. */
  @Override
  public Operand<TFloat32> entropy() {
    Ops tf = tf();
    return DistOps.sumEvent(tf, broadcast(tf.math.add(tf.math.add(loc, logScale),
        tf.constant((float) (0.5 + 0.5 * DistOps.LOG_2PI)))));
  }

  /** {@code exp(loc + scale^2 / 2)}. */
  @Override
  public Operand<TFloat32> mean() {
    Ops tf = tf();
    return broadcast(tf.math.exp(
        tf.math.add(loc, tf.math.mul(tf.constant(0.5f), tf.math.square(scale)))));
  }

  /** {@code (exp(scale^2) - 1) exp(2 loc + scale^2)}. */
  @Override
  public Operand<TFloat32> variance() {
    Ops tf = tf();
    Operand<TFloat32> s2 = tf.math.square(scale);
    return broadcast(tf.math.mul(tf.math.expm1(s2),
        tf.math.exp(tf.math.add(tf.math.mul(tf.constant(2f), loc), s2))));
  }

  @Override
  public LogNormal mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return locScale(f.apply(forMapping(loc)), f.apply(forMapping(scale)));
  }

  @Override
  public String toString() {
    return describe("loc", "scale");
  }

  /** {@link Support#POSITIVE}. */
  @Override
  public Support support() {
    return Support.POSITIVE;
  }
}
