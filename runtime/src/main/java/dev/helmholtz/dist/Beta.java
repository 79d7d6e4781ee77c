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
 * Independent beta variables along the event axis: density {@code x^(a-1) (1-x)^(b-1) / B(a, b)}
 * on 0 {@code < x < 1} (log density minus infinity elsewhere), with concentrations a (of x) and b
 * (of 1 - x). Reparameterized by implicit differentiation through two gamma draws: {@code G_a /
 * (G_a + G_b)} for standard gamma draws of concentrations a and b.
 */
public final class Beta extends ElementwiseDistribution {

  private final Operand<TFloat32> concentration1;
  private final Operand<TFloat32> concentration0;

  private Beta(Ops tf, Operand<TInt64> shape, Operand<TFloat32> concentration1, Operand<TFloat32> concentration0) {
    super(tf, shape, List.of(concentration1, concentration0));
    this.concentration1 = concentration1;
    this.concentration0 = concentration0;
  }

  /** Beta with concentrations {@code concentration1} (a, of x) and {@code concentration0} (b, of 1 - x), positive. */
  public static Beta concentrations(Operand<TFloat32> concentration1, Operand<TFloat32> concentration0) {
    return new Beta(opsOf(concentration1, concentration0), null, concentration1, concentration0);
  }

  /** Beta with concentrations {@code exp(logConcentration1)} and {@code exp(logConcentration0)}. */
  public static Beta logConcentrations(
      Operand<TFloat32> logConcentration1, Operand<TFloat32> logConcentration0) {
    Ops tf = opsOf(logConcentration1, logConcentration0);
    return new Beta(tf, null, tf.math.exp(logConcentration1), tf.math.exp(logConcentration0));
  }

  /** Beta(1, 1), the uniform on (0, 1), of the given shape: a beta latent's standard prior. */
  public static Beta standard(Ops tf, Operand<TInt64> shape) {
    Objects.requireNonNull(tf, "tf");
    return new Beta(tf, Objects.requireNonNull(shape, "shape"), tf.constant(1f), tf.constant(1f));
  }

  /** The concentration of x (TensorFlow Probability's {@code concentration1}). */
  public Operand<TFloat32> concentration1() {
    return concentration1;
  }

  /** The concentration of 1 - x (TensorFlow Probability's {@code concentration0}). */
  public Operand<TFloat32> concentration0() {
    return concentration0;
  }

  Operand<TFloat32> totalConcentration() {
    return tf().math.add(concentration1, concentration0);
  }

  /** {@code (a - 1) log x + (b - 1) log(1 - x) - log B(a, b)} for 0 {@code <} x {@code <} 1. */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Ops tf = tf();
    Operand<TBool> inSupport = tf.math.logicalAnd(
        tf.math.greater(value, tf.constant(0f)), tf.math.less(value, tf.constant(1f)));
    Operand<TFloat32> x = tf.select(inSupport, value, tf.constant(0.5f));
    Operand<TFloat32> one = tf.constant(1f);
    Operand<TFloat32> elementwise = tf.math.sub(
        tf.math.add(tf.math.mul(tf.math.sub(concentration1, one), tf.math.log(x)),
            tf.math.mul(tf.math.sub(concentration0, one), tf.math.log1p(tf.math.neg(x)))),
        SpecialFunctions.logBeta(tf, concentration1, concentration0));
    return sumInSupport(inSupport, elementwise);
  }

  @Override
  public Support support() {
    return Support.OPEN_UNIT_INTERVAL;
  }

  /**
   * {@code G_a / (G_a + G_b)}, kept inside (0, 1): in float32 a draw within 2^-24 of 1 rounds to
   * 1, and one of small concentration can underflow to 0, where the log density is minus infinity.
   */
  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    Operand<TFloat32> ga = rng.standardGamma(broadcast(concentration1));
    Operand<TFloat32> gb = rng.standardGamma(broadcast(concentration0));
    Operand<TFloat32> x = tf.math.div(ga, tf.math.add(ga, gb));
    return tf.math.minimum(tf.math.maximum(x, tf.constant(Float.MIN_NORMAL)),
        tf.constant(Math.nextDown(1f)));
  }

  /**
   * {@code log B(a, b) - (a - 1) digamma(a) - (b - 1) digamma(b) + (a + b - 2) digamma(a + b)}.
   */
  @Override
  public Operand<TFloat32> entropy() {
    Ops tf = tf();
    Operand<TFloat32> one = tf.constant(1f);
    Operand<TFloat32> total = totalConcentration();
    Operand<TFloat32> h = tf.math.add(
        tf.math.sub(
            tf.math.sub(SpecialFunctions.logBeta(tf, concentration1, concentration0),
                tf.math.mul(tf.math.sub(concentration1, one), SpecialFunctions.digamma(tf, concentration1))),
            tf.math.mul(tf.math.sub(concentration0, one), SpecialFunctions.digamma(tf, concentration0))),
        tf.math.mul(tf.math.sub(total, tf.constant(2f)), SpecialFunctions.digamma(tf, total)));
    return DistOps.sumEvent(tf, broadcast(h));
  }

  /** {@code a / (a + b)}. */
  @Override
  public Operand<TFloat32> mean() {
    return broadcast(tf().math.div(concentration1, totalConcentration()));
  }

  /** {@code a b / ((a + b)^2 (a + b + 1))}. */
  @Override
  public Operand<TFloat32> variance() {
    Ops tf = tf();
    Operand<TFloat32> total = totalConcentration();
    return broadcast(tf.math.div(tf.math.mul(concentration1, concentration0),
        tf.math.mul(tf.math.square(total), tf.math.add(total, tf.constant(1f)))));
  }

  @Override
  public Beta mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return concentrations(f.apply(forMapping(concentration1)), f.apply(forMapping(concentration0)));
  }

  @Override
  public String toString() {
    return describe("concentration1", "concentration0");
  }
}
