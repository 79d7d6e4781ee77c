package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Independent Cauchy variables along the event axis: density {@code 1 / (pi scale (1 + z^2))}
 * with z = (x - loc) / scale. Reparameterized by the inverse CDF, {@code loc + scale tan(pi (u -
 * 1/2))}.
 *
 * <p>The Cauchy distribution has no mean and no variance: {@link #mean} and {@link #variance} are
 * NaN, as in TensorFlow Probability (a throw would stop every graph that builds a mean for each
 * node, e.g. reconstruction). Its location {@link #loc} is its median and mode.
 */
public final class Cauchy extends LocationScaleDistribution {


  private Cauchy(Ops tf, Operand<TInt64> shape, Operand<TFloat32> loc, Operand<TFloat32> scale) {
    super(tf, shape, loc, scale);
  }

  /** Cauchy with location {@code loc} and scale {@code scale} (must be positive). */
  public static Cauchy locScale(Operand<TFloat32> loc, Operand<TFloat32> scale) {
    return new Cauchy(opsOf(loc, scale), null, loc, scale);
  }

  /** Cauchy with location {@code loc} and scale {@code exp(logScale)}. */
  public static Cauchy locLogScale(Operand<TFloat32> loc, Operand<TFloat32> logScale) {
    Ops tf = opsOf(loc, logScale);
    return new Cauchy(tf, null, loc, tf.math.exp(logScale));
  }

  /** Cauchy(0, 1) of the given shape: a Cauchy latent's standard prior. */
  public static Cauchy standard(Ops tf, Operand<TInt64> shape) {
    Objects.requireNonNull(tf, "tf");
    return new Cauchy(tf, Objects.requireNonNull(shape, "shape"), tf.constant(0f), tf.constant(1f));
  }

  /** {@code -log(pi) - log(scale) - log1p(z^2)}. */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Ops tf = tf();
    Operand<TFloat32> z = tf.math.div(tf.math.sub(value, loc), scale);
    Operand<TFloat32> elementwise = tf.math.neg(tf.math.add(tf.math.log1p(tf.math.square(z)),
        tf.math.add(tf.math.log(scale), tf.constant((float) Math.log(Math.PI)))));
    return DistOps.sumEvent(tf, elementwise);
  }

  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    Ops tf = tf();
    Operand<TFloat32> angle =
        tf.math.mul(tf.constant((float) Math.PI), tf.math.sub(openUniform(rng), tf.constant(0.5f)));
    return tf.math.add(loc, tf.math.mul(scale, tf.math.tan(angle)));
  }

  /** {@code log(4 pi scale)}. */
  @Override
  public Operand<TFloat32> entropy() {
    Ops tf = tf();
    return DistOps.sumEvent(tf, broadcast(
        tf.math.add(tf.math.log(scale), tf.constant((float) Math.log(4 * Math.PI)))));
  }

  /** NaN: the Cauchy distribution has no mean. */
  @Override
  public Operand<TFloat32> mean() {
    return undefined();
  }

  /** NaN: the Cauchy distribution has no variance. */
  @Override
  public Operand<TFloat32> variance() {
    return undefined();
  }

  @Override
  public Cauchy mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return locScale(f.apply(forMapping(loc)), f.apply(forMapping(scale)));
  }

  @Override
  public String toString() {
    return describe("loc", "scale");
  }
}
