package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.List;
import java.util.Optional;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Independent continuous uniform variables on [low, high] along the event axis: log density
 * {@code -log(high - low)} inside, minus infinity outside. Reparameterized as {@code low + (high -
 * low) u}, so gradients flow to both bounds.
 */
public final class Uniform extends ElementwiseDistribution {

  private final Operand<TFloat32> low;
  private final Operand<TFloat32> high;

  private Uniform(Ops tf, Operand<TInt64> shape, Operand<TFloat32> low, Operand<TFloat32> high) {
    super(tf, shape, List.of(low, high));
    this.low = low;
    this.high = high;
  }

  /** Uniform on [low, high] (high must exceed low). */
  public static Uniform lowHigh(Operand<TFloat32> low, Operand<TFloat32> high) {
    return new Uniform(opsOf(low, high), null, low, high);
  }

  /** Uniform(0, 1) of the given shape: a uniform latent's standard prior. */
  public static Uniform standard(Ops tf, Operand<TInt64> shape) {
    Objects.requireNonNull(tf, "tf");
    return new Uniform(tf, Objects.requireNonNull(shape, "shape"), tf.constant(0f), tf.constant(1f));
  }

  public Operand<TFloat32> low() {
    return low;
  }

  public Operand<TFloat32> high() {
    return high;
  }

  Operand<TFloat32> width() {
    return tf().math.sub(high, low);
  }

  /** {@code -log(high - low)} on [low, high]. */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Ops tf = tf();
    // The selection broadcasts the parameters' density against the value's (sample) axes.
    return sumInSupport(
        tf.math.logicalAnd(tf.math.greaterEqual(value, low), tf.math.lessEqual(value, high)),
        tf.math.neg(tf.math.log(width())));
  }

  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    return tf.math.add(low, tf.math.mul(width(), rng.uniform(shape())));
  }

  /** {@code log(high - low)}. */
  @Override
  public Operand<TFloat32> entropy() {
    Ops tf = tf();
    return DistOps.sumEvent(tf, broadcast(tf.math.log(width())));
  }

  /** {@code (low + high) / 2}. */
  @Override
  public Operand<TFloat32> mean() {
    Ops tf = tf();
    return broadcast(tf.math.mul(tf.constant(0.5f), tf.math.add(low, high)));
  }

  /** {@code (high - low)^2 / 12}. */
  @Override
  public Operand<TFloat32> variance() {
    Ops tf = tf();
    return broadcast(tf.math.div(tf.math.square(width()), tf.constant(12f)));
  }

  @Override
  public Uniform mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return lowHigh(f.apply(forMapping(low)), f.apply(forMapping(high)));
  }

  @Override
  public String toString() {
    return describe("low", "high");
  }

  /** {@code low <= value <= high}: bounds that are parameters, so only the graph knows them. */
  @Override
  public Optional<Operand<TBool>> supportCheck(Operand<TFloat32> value) {
    Ops tf = tf();
    return Optional.of(tf.math.logicalAnd(tf.math.greaterEqual(value, low), tf.math.lessEqual(value, high)));
  }
}
