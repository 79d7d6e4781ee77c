package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Independent logistic variables along the event axis: with z = (x - loc) / scale, density
 * {@code exp(-z) / (scale (1 + exp(-z))^2)}. Reparameterized as {@code loc + scale * logit(u)}.
 */
public final class Logistic extends LocationScaleDistribution {


  private Logistic(Ops tf, Operand<TInt64> shape, Operand<TFloat32> loc, Operand<TFloat32> scale) {
    super(tf, shape, loc, scale);
  }

  /** Logistic with location {@code loc} and scale {@code scale} (must be positive). */
  public static Logistic locScale(Operand<TFloat32> loc, Operand<TFloat32> scale) {
    return new Logistic(opsOf(loc, scale), null, loc, scale);
  }

  /** Logistic with location {@code loc} and scale {@code exp(logScale)}. */
  public static Logistic locLogScale(Operand<TFloat32> loc, Operand<TFloat32> logScale) {
    Ops tf = opsOf(loc, logScale);
    return new Logistic(tf, null, loc, tf.math.exp(logScale));
  }

  /** Logistic(0, 1) of the given shape: a logistic latent's standard prior. */
  public static Logistic standard(Ops tf, Operand<TInt64> shape) {
    Objects.requireNonNull(tf, "tf");
    return new Logistic(tf, Objects.requireNonNull(shape, "shape"), tf.constant(0f), tf.constant(1f));
  }

  /** {@code -z - log(scale) - 2 softplus(-z)}: stable for any z. */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Ops tf = tf();
    Operand<TFloat32> z = tf.math.div(tf.math.sub(value, loc), scale);
    Operand<TFloat32> elementwise = tf.math.sub(tf.math.neg(tf.math.add(z, tf.math.log(scale))),
        tf.math.mul(tf.constant(2f), tf.math.softplus(tf.math.neg(z))));
    return DistOps.sumEvent(tf, elementwise);
  }

  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    Ops tf = tf();
    return tf.math.add(loc, tf.math.mul(scale, rng.logistic(shape())));
  }

  /** {@code log(scale) + 2}. */
  @Override
  public Operand<TFloat32> entropy() {
    Ops tf = tf();
    return DistOps.sumEvent(tf, broadcast(tf.math.add(tf.math.log(scale), tf.constant(2f))));
  }

  @Override
  public Operand<TFloat32> mean() {
    return broadcast(loc);
  }

  /** {@code scale^2 pi^2 / 3}. */
  @Override
  public Operand<TFloat32> variance() {
    Ops tf = tf();
    return broadcast(tf.math.mul(tf.constant((float) (Math.PI * Math.PI / 3)), tf.math.square(scale)));
  }

  @Override
  public Logistic mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return locScale(f.apply(forMapping(loc)), f.apply(forMapping(scale)));
  }

  @Override
  public String toString() {
    return describe("loc", "scale");
  }
}
