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
 * Independent half-normal variables along the event axis: |X| for X ~ Normal(0, scale), density
 * {@code sqrt(2 / pi) / scale * exp(-x^2 / (2 scale^2))} on {@code x >= 0} (log density minus infinity
 * below 0). Reparameterized as {@code scale |eps|}.
 */
public final class HalfNormal extends ElementwiseDistribution {

  private final Operand<TFloat32> scale;

  private HalfNormal(Ops tf, Operand<TInt64> shape, Operand<TFloat32> scale) {
    super(tf, shape, List.of(scale));
    this.scale = scale;
  }

  /** HalfNormal with scale {@code scale} (must be positive). */
  public static HalfNormal scale(Operand<TFloat32> scale) {
    Objects.requireNonNull(scale, "scale");
    return new HalfNormal(DistOps.opsOf(scale), null, scale);
  }

  /** HalfNormal with scale {@code exp(logScale)}. */
  public static HalfNormal logScale(Operand<TFloat32> logScale) {
    Objects.requireNonNull(logScale, "logScale");
    Ops tf = DistOps.opsOf(logScale);
    return new HalfNormal(tf, null, tf.math.exp(logScale));
  }

  /** HalfNormal(1) of the given shape: a half-normal latent's standard prior. */
  public static HalfNormal standard(Ops tf, Operand<TInt64> shape) {
    Objects.requireNonNull(tf, "tf");
    return new HalfNormal(tf, Objects.requireNonNull(shape, "shape"), tf.constant(1f));
  }

  public Operand<TFloat32> scale() {
    return scale;
  }

  /** {@code 0.5 log(2 / pi) - log(scale) - x^2 / (2 scale^2)} for x >= 0. */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Ops tf = tf();
    Operand<TFloat32> z = tf.math.div(value, scale);
    Operand<TFloat32> elementwise = tf.math.sub(
        tf.math.mul(tf.constant(-0.5f), tf.math.square(z)),
        tf.math.sub(tf.math.log(scale), tf.constant((float) (0.5 * Math.log(2 / Math.PI)))));
    return sumInSupport(tf.math.greaterEqual(value, tf.constant(0f)), elementwise);
  }

  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    return tf.math.mul(scale, tf.math.abs(rng.standardNormal(shape())));
  }

  /** {@code 0.5 log(pi scale^2 / 2) + 0.5}. */
  @Override
  public Operand<TFloat32> entropy() {
    Ops tf = tf();
    return DistOps.sumEvent(tf, broadcast(tf.math.add(tf.math.log(scale),
        tf.constant((float) (0.5 * Math.log(Math.PI / 2) + 0.5)))));
  }

  /** {@code scale sqrt(2 / pi)}. */
  @Override
  public Operand<TFloat32> mean() {
    Ops tf = tf();
    return broadcast(tf.math.mul(scale, tf.constant((float) Math.sqrt(2 / Math.PI))));
  }

  /** {@code scale^2 (1 - 2 / pi)}. */
  @Override
  public Operand<TFloat32> variance() {
    Ops tf = tf();
    return broadcast(tf.math.mul(tf.math.square(scale), tf.constant((float) (1 - 2 / Math.PI))));
  }

  @Override
  public HalfNormal mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return scale(f.apply(forMapping(scale)));
  }

  @Override
  public String toString() {
    return describe("scale");
  }

  /** {@link Support#NON_NEGATIVE}. */
  @Override
  public Support support() {
    return Support.NON_NEGATIVE;
  }
}
