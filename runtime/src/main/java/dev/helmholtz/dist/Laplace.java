package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Independent Laplace (double exponential) variables along the event axis: density {@code
 * exp(-|x - loc| / scale) / (2 scale)}. Reparameterized by the inverse CDF of a uniform draw.
 */
public final class Laplace extends LocationScaleDistribution {


  private Laplace(Ops tf, Operand<TInt64> shape, Operand<TFloat32> loc, Operand<TFloat32> scale) {
    super(tf, shape, loc, scale);
  }

  /** Laplace with location {@code loc} and scale {@code scale} (must be positive). */
  public static Laplace locScale(Operand<TFloat32> loc, Operand<TFloat32> scale) {
    return new Laplace(opsOf(loc, scale), null, loc, scale);
  }

  /** Laplace with location {@code loc} and scale {@code exp(logScale)}. */
  public static Laplace locLogScale(Operand<TFloat32> loc, Operand<TFloat32> logScale) {
    Ops tf = opsOf(loc, logScale);
    return new Laplace(tf, null, loc, tf.math.exp(logScale));
  }

  /** Laplace(0, 1) of the given shape: a Laplace latent's standard prior. */
  public static Laplace standard(Ops tf, Operand<TInt64> shape) {
    Objects.requireNonNull(tf, "tf");
    return new Laplace(tf, Objects.requireNonNull(shape, "shape"), tf.constant(0f), tf.constant(1f));
  }

  /** {@code -|x - loc| / scale - log(2 scale)}. */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Ops tf = tf();
    Operand<TFloat32> z = tf.math.abs(tf.math.div(tf.math.sub(value, loc), scale));
    return DistOps.sumEvent(tf, tf.math.neg(tf.math.add(z,
        tf.math.add(tf.math.log(scale), tf.constant((float) Math.log(2))))));
  }

  /** {@code loc - scale sign(u) log(1 - |u|)} for u uniform in (-1, 1): the inverse CDF. */
  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    // 2v - 1 for v in [0, 1) lies in [-1, 1): -1 (a draw of 0, probability 2^-23 per element)
    // is raised to the next float, so |u| < 1 and the logarithm is finite.
    Operand<TFloat32> u = tf.math.maximum(
        tf.math.sub(tf.math.mul(tf.constant(2f), rng.uniform(shape())), tf.constant(1f)),
        tf.constant(Math.nextUp(-1f)));
    Operand<TFloat32> standard =
        tf.math.neg(tf.math.mul(tf.math.sign(u), tf.math.log1p(tf.math.neg(tf.math.abs(u)))));
    return tf.math.add(loc, tf.math.mul(scale, standard));
  }

  /** {@code 1 + log(2 scale)}. */
  @Override
  public Operand<TFloat32> entropy() {
    Ops tf = tf();
    return DistOps.sumEvent(tf, broadcast(
        tf.math.add(tf.math.log(scale), tf.constant((float) (1 + Math.log(2))))));
  }

  @Override
  public Operand<TFloat32> mean() {
    return broadcast(loc);
  }

  /** {@code 2 scale^2}. */
  @Override
  public Operand<TFloat32> variance() {
    Ops tf = tf();
    return broadcast(tf.math.mul(tf.constant(2f), tf.math.square(scale)));
  }

  @Override
  public Laplace mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return locScale(f.apply(forMapping(loc)), f.apply(forMapping(scale)));
  }

  @Override
  public String toString() {
    return describe("loc", "scale");
  }
}
