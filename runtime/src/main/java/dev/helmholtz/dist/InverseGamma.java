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
 * Independent inverse-gamma variables along the event axis: 1 / X for X ~ Gamma(a, rate =
 * scale), with density {@code scale^a x^(-a-1) exp(-scale / x) / Gamma(a)} on x {@code > 0} (log
 * density minus infinity elsewhere). Reparameterized by implicit differentiation through the gamma
 * draw: {@code scale / X} for a standard gamma X of concentration a.
 */
public final class InverseGamma extends ElementwiseDistribution {

  private final Operand<TFloat32> concentration;
  private final Operand<TFloat32> scale;

  private InverseGamma(Ops tf, Operand<TInt64> shape, Operand<TFloat32> concentration, Operand<TFloat32> scale) {
    super(tf, shape, List.of(concentration, scale));
    this.concentration = concentration;
    this.scale = scale;
  }

  /** InverseGamma with concentration (shape) {@code concentration} and scale {@code scale}, both positive. */
  public static InverseGamma concentrationScale(Operand<TFloat32> concentration, Operand<TFloat32> scale) {
    return new InverseGamma(opsOf(concentration, scale), null, concentration, scale);
  }

  /** InverseGamma with concentration {@code exp(logConcentration)} and scale {@code exp(logScale)}. */
  public static InverseGamma logConcentrationLogScale(
      Operand<TFloat32> logConcentration, Operand<TFloat32> logScale) {
    Ops tf = opsOf(logConcentration, logScale);
    return new InverseGamma(tf, null, tf.math.exp(logConcentration), tf.math.exp(logScale));
  }

  /** InverseGamma(1, 1) of the given shape: an inverse-gamma latent's standard prior. */
  public static InverseGamma standard(Ops tf, Operand<TInt64> shape) {
    Objects.requireNonNull(tf, "tf");
    return new InverseGamma(tf, Objects.requireNonNull(shape, "shape"), tf.constant(1f), tf.constant(1f));
  }

  public Operand<TFloat32> concentration() {
    return concentration;
  }

  public Operand<TFloat32> scale() {
    return scale;
  }

  /** {@code a log(scale) - (a + 1) log x - scale / x - lgamma(a)} for x > 0. */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Ops tf = tf();
    Operand<TBool> inSupport = tf.math.greater(value, tf.constant(0f));
    Operand<TFloat32> x = DistOps.orOne(tf, inSupport, value);
    Operand<TFloat32> elementwise = tf.math.sub(
        tf.math.sub(tf.math.mul(concentration, tf.math.log(scale)),
            tf.math.mul(tf.math.add(concentration, tf.constant(1f)), tf.math.log(x))),
        tf.math.add(tf.math.div(scale, x), tf.math.lgamma(concentration)));
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
    return tf.math.div(scale, rng.standardGamma(broadcast(concentration)));
  }

  /** {@code a + log(scale) + lgamma(a) - (1 + a) digamma(a)}. */
  @Override
  public Operand<TFloat32> entropy() {
    Ops tf = tf();
    Operand<TFloat32> a = concentration;
    Operand<TFloat32> h = tf.math.sub(
        tf.math.add(tf.math.add(a, tf.math.log(scale)), tf.math.lgamma(a)),
        tf.math.mul(tf.math.add(tf.constant(1f), a), SpecialFunctions.digamma(tf, a)));
    return DistOps.sumEvent(tf, broadcast(h));
  }

  /** {@code scale / (a - 1)} for a > 1, NaN otherwise (as TensorFlow Probability). */
  @Override
  public Operand<TFloat32> mean() {
    Ops tf = tf();
    Operand<TFloat32> m = tf.math.div(scale, tf.math.sub(concentration, tf.constant(1f)));
    return broadcast(tf.select(tf.math.greater(concentration, tf.constant(1f)), m, tf.constant(Float.NaN)));
  }

  /** {@code scale^2 / ((a - 1)^2 (a - 2))} for a > 2, NaN otherwise (as TensorFlow Probability). */
  @Override
  public Operand<TFloat32> variance() {
    Ops tf = tf();
    Operand<TFloat32> v = tf.math.div(tf.math.square(scale), tf.math.mul(
        tf.math.square(tf.math.sub(concentration, tf.constant(1f))),
        tf.math.sub(concentration, tf.constant(2f))));
    return broadcast(tf.select(tf.math.greater(concentration, tf.constant(2f)), v, tf.constant(Float.NaN)));
  }

  @Override
  public InverseGamma mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return concentrationScale(f.apply(forMapping(concentration)), f.apply(forMapping(scale)));
  }

  @Override
  public String toString() {
    return describe("concentration", "scale");
  }
}
