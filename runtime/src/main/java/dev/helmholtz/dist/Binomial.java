package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Independent binomial counts along the event (last) axis: successes in {@link #totalCount()}
 * trials that each succeed with probability {@code sigmoid(logits)}. The total count is a number
 * fixed when the graph is built (one per node), so two binomials of a model compare by it; values
 * are counts held as floats.
 */
public final class Binomial extends Distribution {

  private final int totalCount;
  private final Operand<TFloat32> logits;
  private Operand<TInt64> shape;

  private Binomial(Ops tf, int totalCount, Operand<TFloat32> logits) {
    super(tf);
    this.totalCount = totalCount;
    this.logits = logits;
  }

  /**
   * Binomial of {@code totalCount} trials with success probabilities {@code sigmoid(logits)}.
   *
   * @throws IllegalArgumentException when {@code totalCount} is below 1
   */
  public static Binomial logits(int totalCount, Operand<TFloat32> logits) {
    Objects.requireNonNull(logits, "logits");
    if (totalCount < 1) {
      throw new IllegalArgumentException(
          "Binomial: the total count must be at least 1, got totalCount = " + totalCount);
    }
    return new Binomial(DistOps.opsOf(logits), totalCount, logits);
  }

  /**
   * Binomial of {@code totalCount} trials with success probabilities {@code probs}, stored as
   * logits after clipping p to [1e-6, 1 - 1e-6] as {@link Bernoulli#probs} does.
   *
   * @throws IllegalArgumentException when {@code totalCount} is below 1
   */
  public static Binomial probs(int totalCount, Operand<TFloat32> probs) {
    Objects.requireNonNull(probs, "probs");
    return logits(totalCount, Bernoulli.probs(probs).logits());
  }

  /** The number of trials. */
  public int totalCount() {
    return totalCount;
  }

  public Operand<TFloat32> logits() {
    return logits;
  }

  public Operand<TFloat32> probs() {
    return tf().math.sigmoid(logits);
  }

  /**
   * {@code sum(log C(n, k) + k l - n softplus(l))}, the log binomial coefficient from lgamma:
   * stable for any logits. The values are asserted to be counts of at most n when the graph runs.
   */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Objects.requireNonNull(value, "value");
    Ops tf = tf();
    Operand<TFloat32> n = tf.constant((float) totalCount);
    Operand<TFloat32> k = Counts.checked(tf, "Binomial", value, n);
    Operand<TFloat32> logChoose = tf.math.sub(
        tf.math.sub(Counts.logFactorial(tf, n), Counts.logFactorial(tf, k)),
        Counts.logFactorial(tf, tf.math.sub(n, k)));
    Operand<TFloat32> trials = tf.math.sub(tf.math.mul(k, logits),
        tf.math.mul(n, tf.math.softplus(logits)));
    return DistOps.sumEvent(tf, tf.math.add(logChoose, trials));
  }

  /** TensorFlow's stateless binomial sampler; no gradient flows through it. */
  @Override
  public Operand<TFloat32> sample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    Operand<TFloat32> p = tf.stopGradient(probs());
    Operand<TFloat32> counts = tf.constant((float) totalCount);
    return Counts.draw(tf, rng, shape(),
        (s, seed) -> tf.random.statelessRandomBinomial(s, seed, counts, p, TFloat32.class));
  }

  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    throw Counts.notReparameterized("Binomial");
  }

  @Override
  public Reparameterization reparameterization() {
    return Reparameterization.NOT_REPARAMETERIZED;
  }

  /**
   * @throws IllegalStateException always: the binomial entropy has no closed form (it is a sum
   *     over the n + 1 counts); estimate it as {@code -logProb} of samples
   */
  @Override
  public Operand<TFloat32> entropy() {
    throw Counts.noClosedFormEntropy("Binomial", "it is a sum over the counts");
  }

  /** {@code n p}. */
  @Override
  public Operand<TFloat32> mean() {
    return tf().math.mul(tf().constant((float) totalCount), probs());
  }

  /** {@code n p (1 - p)}. */
  public Operand<TFloat32> variance() {
    Ops tf = tf();
    return tf.math.mul(mean(), tf.math.sigmoid(tf.math.neg(logits)));
  }

  @Override
  public synchronized Operand<TInt64> shape() {
    if (shape == null) {
      shape = DistOps.shapeOf(tf(), logits);
    }
    return shape;
  }

  /** The same total count, with {@code f} applied to the logits. */
  @Override
  public Binomial mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return logits(totalCount, f.apply(logits));
  }

  @Override
  public String toString() {
    return "Binomial(totalCount=" + totalCount + ", logits=" + logits.shape() + ")";
  }

  /** {@link Support#COUNTS}. */
  @Override
  public Support support() {
    return Support.COUNTS;
  }
}
