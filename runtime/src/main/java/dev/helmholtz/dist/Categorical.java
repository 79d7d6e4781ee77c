package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Independent categorical variables laid out one-hot along the event (last) axis, parameterized by
 * logits.
 *
 * <p>The event axis of width d holds d / {@link #classes()} groups of {@code classes} consecutive
 * entries; each group is one variable, its value one-hot. A single categorical over the whole axis
 * has {@code classes == d}. Per-group operations view [..., d] as [..., d / classes, classes] and
 * view the result back, so values, samples and parameters all keep the flat [..., d] layout.
 */
public final class Categorical extends Distribution {

  private final Operand<TFloat32> logits;
  private final int classes;
  private Operand<TInt64> shape;

  private Categorical(Ops tf, Operand<TFloat32> logits, int classes) {
    super(tf);
    this.logits = logits;
    this.classes = classes;
  }

  /**
   * One categorical variable over the whole last axis: {@code classes} is the axis' static width.
   *
   * @throws IllegalArgumentException when that width is not known statically, or is below 2
   */
  public static Categorical logits(Operand<TFloat32> logits) {
    Objects.requireNonNull(logits, "logits");
    return logits(logits, staticClasses(
        "Categorical.logits(logits)", "Categorical.logits(logits, classes)", logits.shape()));
  }

  /**
   * The static width of the last axis of {@code shape}, as the class count of one variable.
   *
   * @throws IllegalArgumentException naming {@code call} for a scalar, and suggesting {@code
   *     alternative} when the width is not known statically
   */
  static int staticClasses(String call, String alternative, Shape shape) {
    if (!shape.isUnknown() && shape.numDimensions() == 0) {
      throw new IllegalArgumentException(
          call + ": logits must have an event (last) axis, got a scalar");
    }
    long width = DistOps.lastDim(shape);
    if (width == Shape.UNKNOWN_SIZE) {
      throw new IllegalArgumentException(
          call + ": the last axis of logits " + shape + " has no static width to count the"
              + " classes by; pass the class count with " + alternative);
    }
    return Math.toIntExact(width);
  }

  /**
   * Independent categorical variables of {@code classes} classes each, in consecutive groups along
   * the last axis of {@code logits}.
   *
   * @throws IllegalArgumentException when {@code classes} is below 2, or the static width of the
   *     last axis is not a multiple of {@code classes} (an unknown width is checked at run time)
   */
  public static Categorical logits(Operand<TFloat32> logits, int classes) {
    return grouped("Categorical", logits, classes);
  }

  /**
   * {@link #logits(Operand, int)}, with errors naming {@code family}.
   *
   * @throws IllegalArgumentException when the grouping is invalid
   */
  static Categorical grouped(String family, Operand<TFloat32> logits, int classes) {
    Objects.requireNonNull(logits, "logits");
    requireGrouping(family, logits.shape(), classes);
    return new Categorical(DistOps.opsOf(logits), logits, classes);
  }

  /**
   * Uniform over {@code classes} classes for every group of a value of shape {@code shape} (the
   * full value shape [..., d]): the standard prior of a categorical latent.
   */
  public static Categorical uniform(Ops tf, Operand<TInt64> shape, int classes) {
    Objects.requireNonNull(tf, "tf");
    Objects.requireNonNull(shape, "shape");
    return logits(tf.fill(shape, tf.constant(0f)), classes);
  }

  /**
   * Checks a layout of groups of {@code classes} along the last axis of {@code shape}.
   *
   * @throws IllegalArgumentException naming {@code family}, the shape and the class count
   */
  private static void requireGrouping(String family, Shape shape, int classes) {
    if (classes < 2) {
      throw new IllegalArgumentException(
          family + ": a categorical variable needs at least 2 classes, got classes = " + classes);
    }
    if (!shape.isUnknown() && shape.numDimensions() == 0) {
      throw new IllegalArgumentException(
          family + ": logits must have an event (last) axis, got a scalar");
    }
    long width = DistOps.lastDim(shape);
    if (width != Shape.UNKNOWN_SIZE && width % classes != 0) {
      throw new IllegalArgumentException(
          family + ": the last axis of logits " + shape + " has width " + width
              + ", which is not a multiple of classes = " + classes
              + " (it must hold whole groups of one-hot classes)");
    }
  }

  /** Classes per variable: the size of each one-hot group along the last axis. */
  public int classes() {
    return classes;
  }

  public Operand<TFloat32> logits() {
    return logits;
  }

  /** Softmax of the logits within each group; same shape as the logits. */
  public Operand<TFloat32> probs() {
    return DistOps.perGroup(tf(), logits, classes, g -> tf().nn.softmax(g));
  }

  /** Log-softmax of the logits within each group; same shape as the logits. */
  Operand<TFloat32> logProbs() {
    return DistOps.perGroup(tf(), logits, classes, g -> tf().nn.logSoftmax(g));
  }

  /**
   * {@code sum(value * logSoftmax(logits))} over the event axis: for a one-hot value, the sum over
   * groups of the log probability of the chosen class. (For a value of class probabilities it is
   * the negative cross-entropy.)
   */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Objects.requireNonNull(value, "value");
    Ops tf = tf();
    return DistOps.sumEvent(tf, tf.math.mul(value, logProbs()));
  }

  /**
   * One-hot per group by the Gumbel-max trick: the argmax of logits plus Gumbel noise is
   * distributed as the softmax. No gradient flows through it.
   */
  @Override
  public Operand<TFloat32> sample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    Operand<TFloat32> perturbed = tf.math.add(logits, rng.gumbel(shape()));
    return tf.stopGradient(
        DistOps.perGroup(tf, perturbed, classes, g -> oneHotArgMax(tf, g, classes)));
  }

  /**
   * One-hot of the argmax along the last axis of {@code x}, of width {@code classes}. ArgMax and
   * OneHot have no gradient: use it only under stopGradient.
   */
  static Operand<TFloat32> oneHotArgMax(Ops tf, Operand<TFloat32> x, int classes) {
    return tf.oneHot(
        tf.math.argMax(x, tf.constant(-1)),
        tf.constant(classes),
        tf.constant(1f),
        tf.constant(0f));
  }

  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    throw new IllegalStateException(
        "Categorical is not reparameterizable: rsample is unavailable (use"
            + " RelaxedOneHotCategorical for a Gumbel-softmax relaxation, or sample with a"
            + " score-function objective)");
  }

  @Override
  public Reparameterization reparameterization() {
    return Reparameterization.NOT_REPARAMETERIZED;
  }

  /** {@code -sum(p * log p)} within each group, summed over the event axis. */
  @Override
  public Operand<TFloat32> entropy() {
    Ops tf = tf();
    Operand<TFloat32> plogp = DistOps.perGroup(tf, logits, classes,
        g -> tf.math.mul(tf.nn.softmax(g), tf.nn.logSoftmax(g)));
    return tf.math.neg(DistOps.sumEvent(tf, plogp));
  }

  /** The class probabilities: the mean of the one-hot value. */
  @Override
  public Operand<TFloat32> mean() {
    return probs();
  }

  @Override
  public synchronized Operand<TInt64> shape() {
    if (shape == null) {
      shape = DistOps.shapeOf(tf(), logits);
    }
    return shape;
  }

  /** The same number of classes per variable, with {@code f} applied to the logits. */
  @Override
  public Categorical mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return logits(f.apply(logits), classes);
  }

  @Override
  public String toString() {
    return "Categorical(logits=" + logits.shape() + ", classes=" + classes + ")";
  }

  /** {@link Support#BINARY}. */
  @Override
  public Support support() {
    return Support.BINARY;
  }
}
