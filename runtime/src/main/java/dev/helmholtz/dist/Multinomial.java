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
 * Counts over the categories of the event (last) axis: how often each of its K categories came up
 * in {@link #totalCount()} independent draws of one categorical variable with probabilities {@code
 * softmax(logits)}. One multinomial per row: a value {@code [..., K]} sums to the total count, a
 * number fixed when the graph is built (one per node). Values are counts held as floats.
 */
public final class Multinomial extends Distribution {

  private final int totalCount;
  /** The categorical of one draw, over the whole last axis (it keeps the logits' layout). */
  private final Categorical draw;

  private Multinomial(Ops tf, int totalCount, Categorical draw) {
    super(tf);
    this.totalCount = totalCount;
    this.draw = draw;
  }

  /**
   * Multinomial of {@code totalCount} draws over the categories of the last axis of {@code
   * logits}, whose width must be known statically.
   *
   * @throws IllegalArgumentException when {@code totalCount} is below 1, or the last axis has no
   *     static width of at least 2
   */
  public static Multinomial logits(int totalCount, Operand<TFloat32> logits) {
    Objects.requireNonNull(logits, "logits");
    if (totalCount < 1) {
      throw new IllegalArgumentException(
          "Multinomial: the total count must be at least 1, got totalCount = " + totalCount);
    }
    int classes = Categorical.staticClasses(
        "Multinomial.logits(totalCount, logits)", "a reshape to a static width", logits.shape());
    return new Multinomial(DistOps.opsOf(logits), totalCount, Categorical.grouped("Multinomial", logits, classes));
  }

  /** The number of draws. */
  public int totalCount() {
    return totalCount;
  }

  /** The number of categories: the width of the event axis. */
  public int categories() {
    return draw.classes();
  }

  public Operand<TFloat32> logits() {
    return draw.logits();
  }

  /** The probabilities of the categories: softmax of the logits along the last axis. */
  public Operand<TFloat32> probs() {
    return draw.probs();
  }

  /**
   * {@code log n! - sum(log x_i!) + sum(x_i log p_i)}; the values are asserted, when the graph
   * runs, to be counts that sum to n along the event axis.
   */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Objects.requireNonNull(value, "value");
    Ops tf = tf();
    Operand<TFloat32> n = tf.constant((float) totalCount);
    Operand<TFloat32> x = sumsToTotal(tf, Counts.checked(tf, "Multinomial", value, n));
    Operand<TFloat32> perCategory = tf.math.sub(
        tf.math.mul(x, draw.logProbs()), Counts.logFactorial(tf, x));
    return tf.math.add(DistOps.sumEvent(tf, perCategory), Counts.logFactorial(tf, n));
  }

  private Operand<TFloat32> sumsToTotal(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> sums = DistOps.sumEvent(tf, x);
    Operand<TBool> total = tf.reduceAll(tf.math.equal(sums, tf.constant((float) totalCount)),
        tf.range(tf.constant(0), tf.rank(sums), tf.constant(1)));
    var check = tf.assertThat(total, List.of(
        tf.constant("Multinomial.logProb: the counts of each value must sum to the total count "
            + totalCount + ", got"), x));
    return tf.withControlDependencies(List.of(check)).identity(x);
  }

  /**
   * {@code totalCount} categorical draws per row from TensorFlow's stateless multinomial sampler,
   * counted per category; no gradient flows through it.
   */
  @Override
  public Operand<TFloat32> sample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    int k = categories();
    Operand<TFloat32> rows = tf.stopGradient(tf.reshape(logits(), tf.constant(new long[] {-1, k})));
    Operand<TInt64> classes = tf.random.statelessMultinomial(
        rows, tf.constant(totalCount), rng.nextRunSeed(), TInt64.class);
    Operand<TFloat32> oneHot = tf.oneHot(classes, tf.constant(k), tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> counts = tf.reduceSum(oneHot, tf.constant(1));
    return tf.stopGradient(tf.reshape(counts, shape()));
  }

  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    throw Counts.notReparameterized("Multinomial");
  }

  @Override
  public Reparameterization reparameterization() {
    return Reparameterization.NOT_REPARAMETERIZED;
  }

  /**
   * @throws IllegalStateException always: the multinomial entropy has no closed form (it is a sum
   *     over the compositions of n); estimate it as {@code -logProb} of samples
   */
  @Override
  public Operand<TFloat32> entropy() {
    throw Counts.noClosedFormEntropy("Multinomial", "it is a sum over the counts");
  }

  /** {@code n p}. */
  @Override
  public Operand<TFloat32> mean() {
    return tf().math.mul(tf().constant((float) totalCount), probs());
  }

  /** Each category's variance, {@code n p (1 - p)} (the covariances are {@code -n p_i p_j}). */
  public Operand<TFloat32> variance() {
    Ops tf = tf();
    return tf.math.mul(mean(), tf.math.sub(tf.constant(1f), probs()));
  }

  @Override
  public Operand<TInt64> shape() {
    return draw.shape();
  }

  /** The same total count, with {@code f} applied to the logits. */
  @Override
  public Multinomial mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return logits(totalCount, f.apply(logits()));
  }

  @Override
  public String toString() {
    return "Multinomial(totalCount=" + totalCount + ", logits=" + logits().shape() + ")";
  }

  /** {@link Support#COUNTS}. */
  @Override
  public Support support() {
    return Support.COUNTS;
  }
}
