package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Independent Poisson counts along the event (last) axis, built from a rate ({@link #rate}) or a
 * log rate ({@link #logRate}, what a network's unconstrained output is); {@link #mapParameters}
 * applies the function to the parameter it was built from. Values are counts held as floats.
 */
public final class Poisson extends Distribution {

  private final Operand<TFloat32> rate;
  private final Operand<TFloat32> logRate;
  /** True when built from the log rate, false when built from the rate. */
  private final boolean fromLogRate;
  private Operand<TInt64> shape;

  private Poisson(Ops tf, Operand<TFloat32> rate, Operand<TFloat32> logRate, boolean fromLogRate) {
    super(tf);
    this.rate = rate;
    this.logRate = logRate;
    this.fromLogRate = fromLogRate;
  }

  /** Poisson with rate {@code exp(logRate)}. */
  public static Poisson logRate(Operand<TFloat32> logRate) {
    Objects.requireNonNull(logRate, "logRate");
    Ops tf = DistOps.opsOf(logRate);
    return new Poisson(tf, tf.math.exp(logRate), logRate, true);
  }

  /** Poisson with rate {@code rate} (must be positive). */
  public static Poisson rate(Operand<TFloat32> rate) {
    Objects.requireNonNull(rate, "rate");
    Ops tf = DistOps.opsOf(rate);
    return new Poisson(tf, rate, tf.math.log(rate), false);
  }

  public Operand<TFloat32> rate() {
    return rate;
  }

  public Operand<TFloat32> logRate() {
    return logRate;
  }

  /**
   * {@code sum(x log(rate) - rate - log(x!))}; the values are asserted to be counts when the
   * graph runs.
   */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Objects.requireNonNull(value, "value");
    Ops tf = tf();
    Operand<TFloat32> x = Counts.checked(tf, "Poisson", value, null);
    return DistOps.sumEvent(tf, tf.math.sub(
        tf.math.sub(tf.math.mul(x, logRate), rate), Counts.logFactorial(tf, x)));
  }

  /** TensorFlow's stateless Poisson sampler; no gradient flows through it. */
  @Override
  public Operand<TFloat32> sample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    Operand<TFloat32> lam = tf.stopGradient(rate);
    return Counts.draw(tf, rng, shape(),
        (s, seed) -> tf.random.statelessRandomPoisson(s, seed, lam, TFloat32.class));
  }

  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    throw Counts.notReparameterized("Poisson");
  }

  @Override
  public Reparameterization reparameterization() {
    return Reparameterization.NOT_REPARAMETERIZED;
  }

  /**
   * @throws IllegalStateException always: the Poisson entropy has no closed form (it is an
   *     infinite series); estimate it as {@code -logProb} of samples
   */
  @Override
  public Operand<TFloat32> entropy() {
    throw Counts.noClosedFormEntropy("Poisson", "it is an infinite series");
  }

  /** The rate. */
  @Override
  public Operand<TFloat32> mean() {
    return rate;
  }

  /** The rate: a Poisson's variance equals its mean. */
  public Operand<TFloat32> variance() {
    return rate;
  }

  @Override
  public synchronized Operand<TInt64> shape() {
    if (shape == null) {
      shape = DistOps.shapeOf(tf(), rate);
    }
    return shape;
  }

  @Override
  public Poisson mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return fromLogRate ? logRate(f.apply(logRate)) : rate(f.apply(rate));
  }

  @Override
  public String toString() {
    return "Poisson(rate=" + rate.shape() + ")";
  }

  /** {@link Support#COUNTS}. */
  @Override
  public Support support() {
    return Support.COUNTS;
  }
}
