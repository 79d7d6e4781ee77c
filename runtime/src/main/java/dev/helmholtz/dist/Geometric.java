package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Independent geometric counts along the event (last) axis: the number of failures before the
 * first success of trials that succeed with probability {@code p = sigmoid(logits)}, so the
 * support is 0, 1, 2, ... and {@code P(k) = p (1 - p)^k}. Values are counts held as floats.
 */
public final class Geometric extends Distribution {

  private final Operand<TFloat32> logits;
  private Operand<TInt64> shape;

  private Geometric(Ops tf, Operand<TFloat32> logits) {
    super(tf);
    this.logits = logits;
  }

  /** Geometric with success probabilities {@code sigmoid(logits)}. */
  public static Geometric logits(Operand<TFloat32> logits) {
    Objects.requireNonNull(logits, "logits");
    return new Geometric(DistOps.opsOf(logits), logits);
  }

  /**
   * Geometric with success probabilities {@code probs}, stored as logits after clipping p to
   * [1e-6, 1 - 1e-6] as {@link Bernoulli#probs} does.
   */
  public static Geometric probs(Operand<TFloat32> probs) {
    Objects.requireNonNull(probs, "probs");
    return logits(Bernoulli.probs(probs).logits());
  }

  /**
   * Success probability 1/2 for every element of {@code shape} (fair coin flips, mean 1): the
   * standard prior of a geometric latent.
   */
  public static Geometric standard(Ops tf, Operand<TInt64> shape) {
    Objects.requireNonNull(tf, "tf");
    Objects.requireNonNull(shape, "shape");
    return logits(tf.fill(shape, tf.constant(0f)));
  }

  public Operand<TFloat32> logits() {
    return logits;
  }

  public Operand<TFloat32> probs() {
    return tf().math.sigmoid(logits);
  }

  /**
   * {@code sum(k log(1 - p) + log p) = sum(-k softplus(l) - softplus(-l))}: stable for any
   * logits. The values are asserted to be counts when the graph runs.
   */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Objects.requireNonNull(value, "value");
    Ops tf = tf();
    Operand<TFloat32> k = Counts.checked(tf, "Geometric", value, null);
    return DistOps.sumEvent(tf, tf.math.neg(tf.math.add(
        tf.math.mul(k, tf.math.softplus(logits)), tf.math.softplus(tf.math.neg(logits)))));
  }

  /**
   * By inversion: {@code floor(log u / log(1 - p))} for u uniform in (0, 1), with {@code log(1 -
   * p) = -softplus(l)}. No gradient flows through it.
   */
  @Override
  public Operand<TFloat32> sample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    Operand<TFloat32> logU = tf.math.log(Counts.openUniform(tf, rng, shape()));
    return tf.stopGradient(tf.math.floor(
        tf.math.div(logU, tf.math.neg(tf.math.softplus(logits)))));
  }

  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    throw Counts.notReparameterized("Geometric");
  }

  @Override
  public Reparameterization reparameterization() {
    return Reparameterization.NOT_REPARAMETERIZED;
  }

  /**
   * The Bernoulli entropy of one trial over p: {@code sum((softplus(l) - sigmoid(l) l) /
   * sigmoid(l))}.
   */
  @Override
  public Operand<TFloat32> entropy() {
    Ops tf = tf();
    Operand<TFloat32> p = tf.math.sigmoid(logits);
    Operand<TFloat32> trial = tf.math.sub(tf.math.softplus(logits), tf.math.mul(p, logits));
    return DistOps.sumEvent(tf, tf.math.div(trial, p));
  }

  /** {@code (1 - p) / p = exp(-l)}. */
  @Override
  public Operand<TFloat32> mean() {
    return tf().math.exp(tf().math.neg(logits));
  }

  /** {@code (1 - p) / p^2 = exp(-l) (1 + exp(-l))}. */
  public Operand<TFloat32> variance() {
    Ops tf = tf();
    Operand<TFloat32> odds = tf.math.exp(tf.math.neg(logits));
    return tf.math.mul(odds, tf.math.add(tf.constant(1f), odds));
  }

  @Override
  public synchronized Operand<TInt64> shape() {
    if (shape == null) {
      shape = DistOps.shapeOf(tf(), logits);
    }
    return shape;
  }

  @Override
  public Geometric mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return logits(f.apply(logits));
  }

  @Override
  public String toString() {
    return "Geometric(logits=" + logits.shape() + ")";
  }

  /** {@link Support#COUNTS}. */
  @Override
  public Support support() {
    return Support.COUNTS;
  }
}
