package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * A batch of Dirichlet distributions over the probability simplex of the event (last) axis, with
 * positive concentrations a of the event's shape: density {@code prod x_j^(a_j - 1) / B(a)} where
 * {@code B(a) = prod Gamma(a_j) / Gamma(sum a_j)}. One draw is one point of the simplex; {@link
 * #logProb} takes rows that sum to 1 (asserted, within 1e-3, on every run that evaluates it) and
 * gives minus infinity where an entry is not positive. Reparameterized by implicit differentiation
 * through gamma draws: {@code G_j / sum G} for standard gamma draws G_j of concentration a_j.
 */
public final class Dirichlet extends Distribution {

  /** How far from 1 a row of {@link #logProb}'s values may sum (float32 rounding of a draw is far below). */
  static final float SIMPLEX_TOLERANCE = 1e-3f;

  private final Operand<TFloat32> concentration;
  /** The draw's shape when given explicitly (the standard member's scalar concentration). */
  private final Operand<TInt64> explicitShape;

  private Dirichlet(Ops tf, Operand<TInt64> explicitShape, Operand<TFloat32> concentration) {
    super(tf);
    this.explicitShape = explicitShape;
    this.concentration = concentration;
  }

  /** Dirichlet with concentrations {@code concentration} ({@code [..., K]}, positive). */
  public static Dirichlet concentration(Operand<TFloat32> concentration) {
    Objects.requireNonNull(concentration, "concentration");
    return new Dirichlet(DistOps.opsOf(concentration), null, concentration);
  }

  /** Dirichlet with concentrations {@code exp(logConcentration)}. */
  public static Dirichlet logConcentration(Operand<TFloat32> logConcentration) {
    Objects.requireNonNull(logConcentration, "logConcentration");
    Ops tf = DistOps.opsOf(logConcentration);
    return new Dirichlet(tf, null, tf.math.exp(logConcentration));
  }

  /**
   * Dirichlet(1, ..., 1), the uniform distribution on the simplex, of the given shape (the last
   * axis the simplex's): a Dirichlet latent's standard prior.
   */
  public static Dirichlet standard(Ops tf, Operand<TInt64> shape) {
    Objects.requireNonNull(tf, "tf");
    return new Dirichlet(tf, Objects.requireNonNull(shape, "shape"), tf.constant(1f));
  }

  /** The concentrations, broadcast to the draw's shape. */
  public Operand<TFloat32> concentration() {
    return broadcast(concentration);
  }

  private Operand<TFloat32> broadcast(Operand<TFloat32> x) {
    if (explicitShape == null) {
      return x;
    }
    Ops tf = tf();
    return tf.broadcastTo(x, tf.dtypes.cast(explicitShape, TInt32.class));
  }

  /** The sum of the concentrations over the event axis, with that axis kept (of size 1). */
  private Operand<TFloat32> total(Operand<TFloat32> a) {
    Ops tf = tf();
    return tf.reduceSum(a, tf.constant(-1), ReduceSum.keepDims(true));
  }

  /** {@code sum((a_j - 1) log x_j) - log B(a)}, summed over the event axis, for x on the simplex. */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Ops tf = tf();
    Operand<TFloat32> x = onSimplex(Objects.requireNonNull(value, "value"));
    Operand<TFloat32> a = concentration();
    Operand<TBool> positive = tf.math.greater(x, tf.constant(0f));
    Operand<TFloat32> terms = tf.math.mul(tf.math.sub(a, tf.constant(1f)),
        tf.math.log(DistOps.orOne(tf, positive, x)));
    Operand<TFloat32> inSupport = tf.select(positive, terms, tf.constant(Float.NEGATIVE_INFINITY));
    return tf.math.sub(DistOps.sumEvent(tf, inSupport), logNormalizer(a));
  }

  /** log B(a) = sum lgamma(a_j) - lgamma(sum a_j), over the event axis. */
  private Operand<TFloat32> logNormalizer(Operand<TFloat32> a) {
    Ops tf = tf();
    return tf.math.sub(DistOps.sumEvent(tf, tf.math.lgamma(a)), DistOps.sumEvent(tf, tf.math.lgamma(total(a))));
  }

  /**
   * {@code value}, asserted when the graph runs to sum to 1 over the event axis (within {@link
   * #SIMPLEX_TOLERANCE}): a row of counts or unnormalized weights would otherwise be scored
   * without a word.
   */
  private Operand<TFloat32> onSimplex(Operand<TFloat32> value) {
    Ops tf = tf();
    Operand<TFloat32> gap = tf.math.abs(tf.math.sub(DistOps.sumEvent(tf, value), tf.constant(1f)));
    Operand<TBool> all = tf.reduceAll(tf.math.lessEqual(gap, tf.constant(SIMPLEX_TOLERANCE)),
        tf.range(tf.constant(0), tf.rank(gap), tf.constant(1)));
    var check = tf.assertThat(all, List.of(tf.constant("Dirichlet.logProb: values must lie on the"
        + " probability simplex (each row summing to 1 over the event axis), got"), value));
    return tf.withControlDependencies(List.of(check)).identity(value);
  }

  /**
   * Each entry in (0, 1), checked once over a data column; that rows sum to 1 is asserted by
   * {@link #logProb}.
   */
  @Override
  public Support support() {
    return Support.OPEN_UNIT_INTERVAL;
  }

  @Override
  public Operand<TFloat32> sample(RandomSource rng) {
    return tf().stopGradient(rsample(rng));
  }

  /** Gamma draws normalized over the event axis; the concentrations get their implicit gradients. */
  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    Operand<TFloat32> g = rng.standardGamma(concentration());
    return tf.math.div(g, total(g));
  }

  @Override
  public Reparameterization reparameterization() {
    return Reparameterization.REPARAMETERIZED;
  }

  /** {@code log B(a) + (a_0 - K) digamma(a_0) - sum (a_j - 1) digamma(a_j)}, with a_0 = sum a_j. */
  @Override
  public Operand<TFloat32> entropy() {
    Ops tf = tf();
    Operand<TFloat32> a = concentration();
    Operand<TFloat32> total = DistOps.sumEvent(tf, a);
    Operand<TInt32> lastAxis = tf.reshape(tf.math.sub(tf.rank(a), tf.constant(1)), tf.constant(new long[] {1}));
    Operand<TFloat32> width = tf.dtypes.cast(tf.reshape(
        tf.slice(tf.shape(a, TInt32.class), lastAxis, tf.constant(new int[] {1})), tf.constant(new long[] {})),
        TFloat32.class);
    Operand<TFloat32> digammaTerms = DistOps.sumEvent(tf,
        tf.math.mul(tf.math.sub(a, tf.constant(1f)), SpecialFunctions.digamma(tf, a)));
    return tf.math.sub(tf.math.add(logNormalizer(a),
        tf.math.mul(tf.math.sub(total, width), SpecialFunctions.digamma(tf, total))), digammaTerms);
  }

  /** {@code a_j / sum a}. */
  @Override
  public Operand<TFloat32> mean() {
    Operand<TFloat32> a = concentration();
    return tf().math.div(a, total(a));
  }

  /** {@code a_j (a_0 - a_j) / (a_0^2 (a_0 + 1))}, each coordinate's variance. */
  public Operand<TFloat32> variance() {
    Ops tf = tf();
    Operand<TFloat32> a = concentration();
    Operand<TFloat32> a0 = total(a);
    return tf.math.div(tf.math.mul(a, tf.math.sub(a0, a)),
        tf.math.mul(tf.math.square(a0), tf.math.add(a0, tf.constant(1f))));
  }

  @Override
  public Operand<TInt64> shape() {
    return explicitShape != null ? explicitShape : DistOps.shapeOf(tf(), concentration);
  }

  @Override
  public Dirichlet mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return concentration(f.apply(concentration()));
  }

  /** The static shape of the concentrations (unknown for the standard member). */
  Shape staticShape() {
    return explicitShape == null ? concentration.shape() : Shape.unknown();
  }

  @Override
  public String toString() {
    return "Dirichlet(concentration=" + staticShape() + ")";
  }
}
