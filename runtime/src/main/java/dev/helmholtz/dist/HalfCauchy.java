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
 * Independent half-Cauchy variables along the event axis: |X| for X ~ Cauchy(0, scale), density
 * {@code 2 / (pi scale (1 + (x / scale)^2))} on {@code x >= 0} (log density minus infinity below 0), the
 * usual weakly informative prior of a scale. Reparameterized by the inverse CDF, {@code scale
 * tan(pi u / 2)}.
 *
 * <p>It has no mean and no variance: {@link #mean} and {@link #variance} are NaN, as in TensorFlow
 * Probability (see {@link Cauchy}).
 */
public final class HalfCauchy extends ElementwiseDistribution {

  private final Operand<TFloat32> scale;

  private HalfCauchy(Ops tf, Operand<TInt64> shape, Operand<TFloat32> scale) {
    super(tf, shape, List.of(scale));
    this.scale = scale;
  }

  /** HalfCauchy with scale {@code scale} (must be positive). */
  public static HalfCauchy scale(Operand<TFloat32> scale) {
    Objects.requireNonNull(scale, "scale");
    return new HalfCauchy(DistOps.opsOf(scale), null, scale);
  }

  /** HalfCauchy with scale {@code exp(logScale)}. */
  public static HalfCauchy logScale(Operand<TFloat32> logScale) {
    Objects.requireNonNull(logScale, "logScale");
    Ops tf = DistOps.opsOf(logScale);
    return new HalfCauchy(tf, null, tf.math.exp(logScale));
  }

  /** HalfCauchy(1) of the given shape: a half-Cauchy latent's standard prior. */
  public static HalfCauchy standard(Ops tf, Operand<TInt64> shape) {
    Objects.requireNonNull(tf, "tf");
    return new HalfCauchy(tf, Objects.requireNonNull(shape, "shape"), tf.constant(1f));
  }

  public Operand<TFloat32> scale() {
    return scale;
  }

  /** {@code log(2 / pi) - log(scale) - log1p((x / scale)^2)} for x >= 0. */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Ops tf = tf();
    Operand<TFloat32> z = tf.math.div(value, scale);
    Operand<TFloat32> elementwise = tf.math.neg(tf.math.add(tf.math.log1p(tf.math.square(z)),
        tf.math.sub(tf.math.log(scale), tf.constant((float) Math.log(2 / Math.PI)))));
    return sumInSupport(tf.math.greaterEqual(value, tf.constant(0f)), elementwise);
  }

  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    Ops tf = tf();
    Operand<TFloat32> angle = tf.math.mul(tf.constant((float) (Math.PI / 2)), openUniform(rng));
    return tf.math.mul(scale, tf.math.tan(angle));
  }

  /** {@code log(2 pi scale)}. */
  @Override
  public Operand<TFloat32> entropy() {
    Ops tf = tf();
    return DistOps.sumEvent(tf, broadcast(
        tf.math.add(tf.math.log(scale), tf.constant((float) Math.log(2 * Math.PI)))));
  }

  /** NaN: the half-Cauchy distribution has no (finite) mean. */
  @Override
  public Operand<TFloat32> mean() {
    return undefined();
  }

  /** NaN: the half-Cauchy distribution has no variance. */
  @Override
  public Operand<TFloat32> variance() {
    return undefined();
  }

  @Override
  public HalfCauchy mapParameters(UnaryOperator<Operand<TFloat32>> f) {
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
