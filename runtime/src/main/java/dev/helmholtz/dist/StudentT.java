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
 * Independent Student's t variables along the event axis, with df degrees of freedom, location
 * and scale: density {@code Gamma((df+1)/2) / (Gamma(df/2) sqrt(df pi) scale) (1 + z^2 /
 * df)^(-(df+1)/2)} with z = (x - loc) / scale. Reparameterized in all three parameters as {@code
 * loc + scale eps / sqrt(V / df)} with eps standard normal and V chi-square of df degrees of
 * freedom, drawn as twice a standard gamma of concentration df / 2, so the degrees of freedom get
 * the gamma draw's implicit gradient.
 */
public final class StudentT extends ElementwiseDistribution {

  private final Operand<TFloat32> df;
  private final Operand<TFloat32> loc;
  private final Operand<TFloat32> scale;

  private StudentT(Ops tf, Operand<TInt64> shape, Operand<TFloat32> df, Operand<TFloat32> loc,
      Operand<TFloat32> scale) {
    super(tf, shape, List.of(df, loc, scale));
    this.df = df;
    this.loc = loc;
    this.scale = scale;
  }

  /** Student's t with {@code df} (> 0) degrees of freedom, location {@code loc}, scale {@code scale} (> 0). */
  public static StudentT dfLocScale(Operand<TFloat32> df, Operand<TFloat32> loc, Operand<TFloat32> scale) {
    Ops tf = opsOf(df, loc);
    DistOps.requireSameEnv(df, Objects.requireNonNull(scale, "scale"));
    return new StudentT(tf, null, df, loc, scale);
  }

  /** Student's t with {@code df} degrees of freedom, location {@code loc} and scale {@code exp(logScale)}. */
  public static StudentT dfLocLogScale(Operand<TFloat32> df, Operand<TFloat32> loc, Operand<TFloat32> logScale) {
    Ops tf = opsOf(df, loc);
    DistOps.requireSameEnv(df, Objects.requireNonNull(logScale, "logScale"));
    return new StudentT(tf, null, df, loc, tf.math.exp(logScale));
  }

  /** Student's t of {@code df} degrees of freedom, location 0 and scale 1, of the given shape. */
  public static StudentT standard(Ops tf, float df, Operand<TInt64> shape) {
    Objects.requireNonNull(tf, "tf");
    if (!(df > 0 && Float.isFinite(df))) {
      throw new IllegalArgumentException("StudentT: df must be finite and > 0, got " + df);
    }
    return new StudentT(tf, Objects.requireNonNull(shape, "shape"), tf.constant(df), tf.constant(0f),
        tf.constant(1f));
  }

  public Operand<TFloat32> df() {
    return df;
  }

  public Operand<TFloat32> loc() {
    return loc;
  }

  public Operand<TFloat32> scale() {
    return scale;
  }

  /**
   * {@code lgamma((df+1)/2) - lgamma(df/2) - 0.5 log(df pi) - log(scale) - (df+1)/2 log1p(z^2 /
   * df)}.
   */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Ops tf = tf();
    Operand<TFloat32> half = tf.constant(0.5f);
    Operand<TFloat32> halfDf = tf.math.mul(half, df);
    Operand<TFloat32> halfDfPlusHalf = tf.math.add(halfDf, half);
    Operand<TFloat32> z = tf.math.div(tf.math.sub(value, loc), scale);
    Operand<TFloat32> normalizer = tf.math.sub(
        tf.math.sub(tf.math.lgamma(halfDfPlusHalf), tf.math.lgamma(halfDf)),
        tf.math.add(tf.math.mul(half, tf.math.log(tf.math.mul(df, tf.constant((float) Math.PI)))),
            tf.math.log(scale)));
    Operand<TFloat32> elementwise = tf.math.sub(normalizer,
        tf.math.mul(halfDfPlusHalf, tf.math.log1p(tf.math.div(tf.math.square(z), df))));
    return DistOps.sumEvent(tf, elementwise);
  }

  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    Operand<TFloat32> halfDf = broadcast(tf.math.mul(tf.constant(0.5f), df));
    // V / df = 2 G / df = G / (df / 2) for G standard gamma of concentration df / 2.
    Operand<TFloat32> gamma = rng.standardGamma(halfDf);
    Operand<TFloat32> t = tf.math.mul(rng.standardNormal(shape()), tf.math.rsqrt(tf.math.div(gamma, halfDf)));
    return tf.math.add(loc, tf.math.mul(scale, t));
  }

  /**
   * {@code (df+1)/2 (digamma((df+1)/2) - digamma(df/2)) + 0.5 log df + log B(df/2, 1/2) +
   * log(scale)}.
   */
  @Override
  public Operand<TFloat32> entropy() {
    Ops tf = tf();
    Operand<TFloat32> half = tf.constant(0.5f);
    Operand<TFloat32> halfDf = tf.math.mul(half, df);
    Operand<TFloat32> halfDfPlusHalf = tf.math.add(halfDf, half);
    Operand<TFloat32> h = tf.math.add(
        tf.math.mul(halfDfPlusHalf, tf.math.sub(SpecialFunctions.digamma(tf, halfDfPlusHalf),
            SpecialFunctions.digamma(tf, halfDf))),
        tf.math.add(tf.math.add(tf.math.mul(half, tf.math.log(df)), SpecialFunctions.logBeta(tf, halfDf, half)),
            tf.math.log(scale)));
    return DistOps.sumEvent(tf, broadcast(h));
  }

  /** {@code loc} for df > 1, NaN otherwise (as TensorFlow Probability). */
  @Override
  public Operand<TFloat32> mean() {
    Ops tf = tf();
    return broadcast(tf.select(tf.math.greater(df, tf.constant(1f)), loc, tf.constant(Float.NaN)));
  }

  /**
   * {@code scale^2 df / (df - 2)} for df {@code > 2}, infinity for {@code 1 < df <= 2}, NaN for {@code df <= 1} (as
   * TensorFlow Probability).
   */
  @Override
  public Operand<TFloat32> variance() {
    Ops tf = tf();
    Operand<TFloat32> finite = tf.math.div(tf.math.mul(tf.math.square(scale), df),
        tf.math.sub(df, tf.constant(2f)));
    Operand<TFloat32> heavy = tf.select(tf.math.greater(df, tf.constant(1f)),
        tf.constant(Float.POSITIVE_INFINITY), tf.constant(Float.NaN));
    return broadcast(tf.select(tf.math.greater(df, tf.constant(2f)), finite, heavy));
  }

  @Override
  public StudentT mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return dfLocScale(f.apply(forMapping(df)), f.apply(forMapping(loc)), f.apply(forMapping(scale)));
  }

  @Override
  public String toString() {
    return describe("df", "loc", "scale");
  }
}
