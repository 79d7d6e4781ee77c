package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Independent gamma variables along the event axis: density {@code rate^a x^(a-1) exp(-rate x) /
 * Gamma(a)} on x {@code > 0} (log density minus infinity elsewhere), with concentration (shape)
 * a and rate. Reparameterized by implicit differentiation (Figurnov et al. 2018): the draw is a
 * standard gamma draw of concentration a divided by the rate, and its derivative in a is the
 * implicit one (see {@link RandomSource#standardGamma}).
 */
public final class Gamma extends ElementwiseDistribution {

  private final Operand<TFloat32> concentration;
  private final Operand<TFloat32> rate;

  private Gamma(Ops tf, Operand<TInt64> shape, Operand<TFloat32> concentration, Operand<TFloat32> rate) {
    super(tf, shape, List.of(concentration, rate));
    this.concentration = concentration;
    this.rate = rate;
  }

  /** Gamma with concentration (shape) {@code concentration} and rate {@code rate}, both positive. */
  public static Gamma concentrationRate(Operand<TFloat32> concentration, Operand<TFloat32> rate) {
    return new Gamma(opsOf(concentration, rate), null, concentration, rate);
  }

  /** Gamma with concentration {@code exp(logConcentration)} and rate {@code exp(logRate)}. */
  public static Gamma logConcentrationLogRate(
      Operand<TFloat32> logConcentration, Operand<TFloat32> logRate) {
    Ops tf = opsOf(logConcentration, logRate);
    return new Gamma(tf, null, tf.math.exp(logConcentration), tf.math.exp(logRate));
  }

  /** Gamma(1, 1), the standard exponential, of the given shape: a gamma latent's standard prior. */
  public static Gamma standard(Ops tf, Operand<TInt64> shape) {
    Objects.requireNonNull(tf, "tf");
    return new Gamma(tf, Objects.requireNonNull(shape, "shape"), tf.constant(1f), tf.constant(1f));
  }

  public Operand<TFloat32> concentration() {
    return concentration;
  }

  public Operand<TFloat32> rate() {
    return rate;
  }

  /** {@code a log(rate) + (a - 1) log x - rate x - lgamma(a)} for x > 0. */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Ops tf = tf();
    Operand<TBool> inSupport = tf.math.greater(value, tf.constant(0f));
    // Outside the support the log is taken of 1: a NaN there would reach the gradients.
    Operand<TFloat32> logValue = tf.math.log(DistOps.orOne(tf, inSupport, value));
    Operand<TFloat32> elementwise = tf.math.sub(
        tf.math.add(tf.math.mul(concentration, tf.math.log(rate)),
            tf.math.mul(tf.math.sub(concentration, tf.constant(1f)), logValue)),
        tf.math.add(tf.math.mul(rate, value), tf.math.lgamma(concentration)));
    return sumInSupport(inSupport, elementwise);
  }

  @Override
  public Support support() {
    return Support.POSITIVE;
  }

  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    return tf.math.div(rng.standardGamma(broadcast(concentration)), rate);
  }

  /** {@code a - log(rate) + lgamma(a) + (1 - a) digamma(a)}. */
  @Override
  public Operand<TFloat32> entropy() {
    Ops tf = tf();
    Operand<TFloat32> a = concentration;
    Operand<TFloat32> h = tf.math.add(
        tf.math.sub(a, tf.math.log(rate)),
        tf.math.add(tf.math.lgamma(a),
            tf.math.mul(tf.math.sub(tf.constant(1f), a), SpecialFunctions.digamma(tf, a))));
    return DistOps.sumEvent(tf, broadcast(h));
  }

  /** {@code a / rate}. */
  @Override
  public Operand<TFloat32> mean() {
    return broadcast(tf().math.div(concentration, rate));
  }

  /** {@code a / rate^2}. */
  @Override
  public Operand<TFloat32> variance() {
    return broadcast(tf().math.div(concentration, tf().math.square(rate)));
  }

  @Override
  public Gamma mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return concentrationRate(f.apply(forMapping(concentration)), f.apply(forMapping(rate)));
  }

  @Override
  public String toString() {
    return describe("concentration", "rate");
  }
}
