package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * A {@link Categorical} latent trained through the Concrete (Gumbel-softmax) relaxation (Maddison
 * et al. 2017; Jang et al. 2017), with the same one-hot layout in groups of {@link #classes()}
 * along the event axis.
 *
 * <p>The model is the discrete {@link #discrete() Categorical}: {@link #sample}, {@link #logProb},
 * {@link #entropy}, {@link #mean} and analytic KL divergences are its. Only {@link #rsample} is
 * relaxed: it draws a point of each group's probability simplex that is a differentiable function
 * of the logits, and approaches a one-hot draw as the temperature goes to 0. {@link
 * #relaxedLogProb} is the density of such relaxed values. With {@code straightThrough} the forward
 * value of {@code rsample} is the one-hot argmax and only its gradient is the relaxed one.
 */
public final class RelaxedOneHotCategorical extends Distribution {

  /**
   * Relaxed entries are raised to the smallest positive normal float before logarithms: a
   * softmax entry underflows to exactly 0 when its logit trails by more than about 87.
   */
  static final float SIMPLEX_EPS = Float.MIN_NORMAL;

  private static final String FAMILY = "RelaxedOneHotCategorical";

  private final Categorical discrete;
  private final Temperature temperature;
  private final boolean straightThrough;

  private RelaxedOneHotCategorical(
      Categorical discrete, Temperature temperature, boolean straightThrough) {
    super(discrete.tf());
    this.discrete = discrete;
    this.temperature = temperature;
    this.straightThrough = straightThrough;
  }

  /**
   * One relaxed categorical over the whole last axis ({@code classes} is its static width).
   *
   * @throws IllegalArgumentException for a temperature that is not finite and positive, or a last
   *     axis without a static width of at least 2
   */
  public static RelaxedOneHotCategorical logits(float temperature, Operand<TFloat32> logits) {
    Objects.requireNonNull(logits, "logits");
    int classes = Categorical.staticClasses("RelaxedOneHotCategorical.logits(temperature, logits)",
        "RelaxedOneHotCategorical.logits(temperature, logits, classes)", logits.shape());
    return logits(temperature, logits, classes, false);
  }

  /**
   * Independent relaxed categoricals of {@code classes} classes each, in consecutive groups along
   * the last axis.
   *
   * @throws IllegalArgumentException for a temperature that is not finite and positive, classes
   *     below 2, or a static width that is not a multiple of {@code classes}
   */
  public static RelaxedOneHotCategorical logits(
      float temperature, Operand<TFloat32> logits, int classes) {
    return logits(temperature, logits, classes, false);
  }

  /**
   * As {@link #logits(float, Operand, int)}; with {@code straightThrough}, {@link #rsample}
   * returns the one-hot argmax of each group in the forward pass with the relaxed value's
   * gradient.
   *
   * @throws IllegalArgumentException for a temperature that is not finite and positive, classes
   *     below 2, or a static width that is not a multiple of {@code classes}
   */
  public static RelaxedOneHotCategorical logits(
      float temperature, Operand<TFloat32> logits, int classes, boolean straightThrough) {
    Temperature t = Temperature.fixed(FAMILY, temperature);
    return new RelaxedOneHotCategorical(Categorical.grouped(FAMILY, logits, classes), t, straightThrough);
  }

  /**
   * As {@link #logits(float, Operand, int, boolean)} with a temperature the graph computes: a
   * scalar such as {@code nn.hyperparameter("temperature", 1f)}, which a training run can anneal
   * ({@code Training.schedule}). A run that feeds a temperature that is not finite and positive
   * fails with a message naming the family.
   *
   * @throws IllegalArgumentException for a temperature that is not a scalar, classes below 2, or
   *     a static width that is not a multiple of {@code classes}
   */
  public static RelaxedOneHotCategorical logits(
      Operand<TFloat32> temperature, Operand<TFloat32> logits, int classes, boolean straightThrough) {
    Objects.requireNonNull(logits, "logits");
    Categorical discrete = Categorical.grouped(FAMILY, logits, classes);
    return new RelaxedOneHotCategorical(discrete, Temperature.ofGraph(FAMILY, discrete.tf(), temperature),
        straightThrough);
  }

  /** {@link #logits(Operand, Operand, int, boolean)} without straight-through. */
  public static RelaxedOneHotCategorical logits(
      Operand<TFloat32> temperature, Operand<TFloat32> logits, int classes) {
    return logits(temperature, logits, classes, false);
  }

  /**
   * Uniform over {@code classes} classes for every group of a value of shape {@code shape}: the
   * prior. The temperature only matters to {@link #rsample} and {@link #relaxedLogProb}, which a
   * prior does not use; it is 1.
   */
  public static RelaxedOneHotCategorical uniform(Ops tf, Operand<TInt64> shape, int classes) {
    Objects.requireNonNull(tf, "tf");
    Objects.requireNonNull(shape, "shape");
    return logits(1f, tf.fill(shape, tf.constant(0f)), classes, false);
  }

  /**
   * The temperature given as a number.
   *
   * @throws IllegalStateException when it was given as a graph value ({@link #temperatureOperand})
   */
  public float temperature() {
    return temperature.value();
  }

  /** The temperature as a scalar of the graph, whichever way it was given. */
  public Operand<TFloat32> temperatureOperand() {
    return temperature.operand(tf());
  }

  public boolean straightThrough() {
    return straightThrough;
  }

  public int classes() {
    return discrete.classes();
  }

  public Operand<TFloat32> logits() {
    return discrete.logits();
  }

  /** Softmax of the logits within each group. */
  public Operand<TFloat32> probs() {
    return discrete.probs();
  }

  /** The Categorical with the same logits and classes: the discrete model this relaxes. */
  public Categorical discrete() {
    return discrete;
  }

  /** The discrete Categorical log mass of a one-hot {@code value}: the model's. */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    return discrete.logProb(value);
  }

  /**
   * The Concrete log density of relaxed values {@code y} (a point of the simplex in each group),
   * summed over groups (Maddison et al. 2017, Definition 1). With n classes, logits l and
   * temperature T, per group:
   *
   * <pre>
   * log p(y) = log (n-1)! + (n-1) log T + sum_k (l_k - (T+1) log y_k)
   *            - n logsumexp_k(l_k - T log y_k).
   * </pre>
   *
   * <p>The density is with respect to Lebesgue measure on n - 1 of the coordinates (the last is
   * 1 minus their sum). Entries are raised to the smallest positive normal float before the
   * logarithm, so underflowed draws give finite values.
   */
  public Operand<TFloat32> relaxedLogProb(Operand<TFloat32> y) {
    Objects.requireNonNull(y, "y");
    Ops tf = tf();
    int n = classes();
    Operand<TFloat32> logY = tf.math.log(tf.math.maximum(y, tf.constant(SIMPLEX_EPS)));
    // With s = l - T log y, the sum over k of (l_k - (T+1) log y_k) - n logsumexp(s) equals the
    // sum over k of (logSoftmax(s)_k - log y_k): a stable form with no separate logsumexp.
    Operand<TFloat32> s = tf.math.sub(logits(), tf.math.mul(temperature.operand(tf), logY));
    Operand<TFloat32> logSoftmaxS = DistOps.perGroup(tf, s, n, g -> tf.nn.logSoftmax(g));
    // The per-group constant spread over the group's n entries, so the event sum adds it once
    // per group whatever the number of groups.
    Operand<TFloat32> constant = temperature.isFixed()
        ? tf.constant((float) ((logFactorial(n - 1) + (n - 1) * Math.log(temperature.value())) / n))
        : tf.math.div(tf.math.add(tf.constant((float) logFactorial(n - 1)),
            tf.math.mul(tf.constant((float) (n - 1)), temperature.log(tf))), tf.constant((float) n));
    Operand<TFloat32> elementwise = tf.math.add(tf.math.sub(logSoftmaxS, logY), constant);
    return DistOps.sumEvent(tf, elementwise);
  }

  private static double logFactorial(int m) {
    double sum = 0;
    for (int i = 2; i <= m; i++) {
      sum += Math.log(i);
    }
    return sum;
  }

  /** A one-hot draw of the discrete Categorical; no gradient flows through it. */
  @Override
  public Operand<TFloat32> sample(RandomSource rng) {
    return discrete.sample(rng);
  }

  /**
   * {@code softmax((logits + g) / temperature)} per group with g standard Gumbel noise: a
   * Concrete draw, differentiable in the logits. With straight-through, the forward value is the
   * one-hot argmax of each group and the gradient is the softmax's.
   */
  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    Operand<TFloat32> noisy = tf.math.add(logits(), rng.gumbel(shape()));
    Operand<TFloat32> scaled = tf.math.div(noisy, temperature.operand(tf));
    int n = classes();
    return DistOps.perGroup(tf, scaled, n, g -> {
      Operand<TFloat32> y = tf.nn.softmax(g);
      if (!straightThrough) {
        return y;
      }
      Operand<TFloat32> hard = Categorical.oneHotArgMax(tf, tf.stopGradient(y), n);
      return DistOps.straightThrough(tf, hard, y);
    });
  }

  @Override
  public Reparameterization reparameterization() {
    return Reparameterization.REPARAMETERIZED;
  }

  /** The discrete Categorical's entropy. */
  @Override
  public Operand<TFloat32> entropy() {
    return discrete.entropy();
  }

  /** The discrete Categorical's mean, the class probabilities. */
  @Override
  public Operand<TFloat32> mean() {
    return discrete.mean();
  }

  @Override
  public Operand<TInt64> shape() {
    return discrete.shape();
  }

  /**
   * The same temperature, classes and straight-through setting, with {@code f} applied to the
   * logits.
   */
  @Override
  public RelaxedOneHotCategorical mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return new RelaxedOneHotCategorical(discrete.mapParameters(f), temperature, straightThrough);
  }

  @Override
  public String toString() {
    return "RelaxedOneHotCategorical(temperature=" + temperature + ", logits=" + logits().shape()
        + ", classes=" + classes() + (straightThrough ? ", straightThrough" : "") + ")";
  }

  /** {@link Support#UNIT_INTERVAL}. */
  @Override
  public Support support() {
    return Support.UNIT_INTERVAL;
  }
}
