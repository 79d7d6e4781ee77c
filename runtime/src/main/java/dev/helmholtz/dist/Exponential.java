package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Independent exponential variables along the event axis: density {@code rate exp(-rate x)} on x
 * {@code >= 0} (log density minus infinity below 0). Reparameterized by the inverse CDF, {@code -log(1 -
 * u) / rate}.
 */
public final class Exponential extends ElementwiseDistribution {

  private final Operand<TFloat32> rate;

  private Exponential(Ops tf, Operand<TInt64> shape, Operand<TFloat32> rate) {
    super(tf, shape, List.of(rate));
    this.rate = rate;
  }

  /** Exponential with rate {@code rate} (must be positive; the mean is 1 / rate). */
  public static Exponential rate(Operand<TFloat32> rate) {
    Objects.requireNonNull(rate, "rate");
    return new Exponential(DistOps.opsOf(rate), null, rate);
  }

  /** Exponential with rate {@code exp(logRate)}. */
  public static Exponential logRate(Operand<TFloat32> logRate) {
    Objects.requireNonNull(logRate, "logRate");
    Ops tf = DistOps.opsOf(logRate);
    return new Exponential(tf, null, tf.math.exp(logRate));
  }

  /** Exponential(1) of the given shape: an exponential latent's standard prior. */
  public static Exponential standard(Ops tf, Operand<TInt64> shape) {
    Objects.requireNonNull(tf, "tf");
    return new Exponential(tf, Objects.requireNonNull(shape, "shape"), tf.constant(1f));
  }

  public Operand<TFloat32> rate() {
    return rate;
  }

  /** {@code log(rate) - rate x} for x >= 0. */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Ops tf = tf();
    Operand<TFloat32> elementwise = tf.math.sub(tf.math.log(rate), tf.math.mul(rate, value));
    return sumInSupport(tf.math.greaterEqual(value, tf.constant(0f)), elementwise);
  }

  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    // u in [0, 1 - 2^-24]: -log1p(-u) is finite.
    Operand<TFloat32> standard = tf.math.neg(tf.math.log1p(tf.math.neg(rng.uniform(shape()))));
    return tf.math.div(standard, rate);
  }

  /** {@code 1 - log(rate)}. */
  @Override
  public Operand<TFloat32> entropy() {
    Ops tf = tf();
    return DistOps.sumEvent(tf, broadcast(tf.math.sub(tf.constant(1f), tf.math.log(rate))));
  }

  /** {@code 1 / rate}. */
  @Override
  public Operand<TFloat32> mean() {
    return broadcast(tf().math.reciprocal(rate));
  }

  /** {@code 1 / rate^2}. */
  @Override
  public Operand<TFloat32> variance() {
    return broadcast(tf().math.reciprocal(tf().math.square(rate)));
  }

  @Override
  public Exponential mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return rate(f.apply(forMapping(rate)));
  }

  @Override
  public String toString() {
    return describe("rate");
  }

  /** {@link Support#NON_NEGATIVE}. */
  @Override
  public Support support() {
    return Support.NON_NEGATIVE;
  }
}
