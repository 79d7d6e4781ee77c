package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * A Bernoulli latent trained through the binary Concrete (Gumbel-sigmoid) relaxation (Maddison et
 * al. 2017; Jang et al. 2017).
 *
 * <p>The model is the discrete {@link #discrete() Bernoulli}: {@link #sample}, {@link #logProb},
 * {@link #entropy}, {@link #mean} and analytic KL divergences are its. Only {@link #rsample} is
 * relaxed: it draws a value in (0, 1) that is a differentiable function of the logits, and
 * approaches a Bernoulli draw as the temperature goes to 0. {@link #relaxedLogProb} is the density
 * of such relaxed values. With {@code straightThrough} the forward value of {@code rsample} is the
 * hard 0/1 draw and only its gradient is the relaxed one.
 */
public final class RelaxedBernoulli extends Distribution {

  /**
   * Relaxed values are clipped to [EPS, 1 - EPS] before logarithms: 1 - 2^-24 is the largest
   * float32 below 1, and draws at low temperature round to exactly 0 or 1.
   */
  static final float UNIT_EPS = 0x1p-24f;

  private static final String FAMILY = "RelaxedBernoulli";

  private final Bernoulli discrete;
  private final Temperature temperature;
  private final boolean straightThrough;

  private RelaxedBernoulli(Bernoulli discrete, Temperature temperature, boolean straightThrough) {
    super(discrete.tf());
    this.discrete = discrete;
    this.temperature = temperature;
    this.straightThrough = straightThrough;
  }

  /**
   * Binary Concrete of the given temperature whose limit (and discrete model) is
   * Bernoulli(sigmoid(logits)); relaxed values are returned as they are.
   *
   * @throws IllegalArgumentException when the temperature is not finite and positive
   */
  public static RelaxedBernoulli logits(float temperature, Operand<TFloat32> logits) {
    return logits(temperature, logits, false);
  }

  /**
   * As {@link #logits(float, Operand)}; with {@code straightThrough}, {@link #rsample} returns the
   * hard 0/1 value in the forward pass with the relaxed value's gradient.
   *
   * @throws IllegalArgumentException when the temperature is not finite and positive
   */
  public static RelaxedBernoulli logits(
      float temperature, Operand<TFloat32> logits, boolean straightThrough) {
    Objects.requireNonNull(logits, "logits");
    Temperature t = Temperature.fixed(FAMILY, temperature);
    return new RelaxedBernoulli(Bernoulli.logits(logits), t, straightThrough);
  }

  /**
   * As {@link #logits(float, Operand, boolean)} with a temperature the graph computes: a scalar
   * such as {@code nn.hyperparameter("temperature", 1f)}, which a training run can anneal ({@code
   * Training.schedule}). A run that feeds a temperature that is not finite and positive fails
   * with a message naming the family.
   *
   * @throws IllegalArgumentException for a temperature that is not a scalar
   */
  public static RelaxedBernoulli logits(
      Operand<TFloat32> temperature, Operand<TFloat32> logits, boolean straightThrough) {
    Objects.requireNonNull(logits, "logits");
    Bernoulli discrete = Bernoulli.logits(logits);
    return new RelaxedBernoulli(discrete, Temperature.ofGraph(FAMILY, discrete.tf(), temperature), straightThrough);
  }

  /** {@link #logits(Operand, Operand, boolean)} without straight-through. */
  public static RelaxedBernoulli logits(Operand<TFloat32> temperature, Operand<TFloat32> logits) {
    return logits(temperature, logits, false);
  }

  /**
   * Logits 0 for every element of {@code shape}: the prior Bernoulli(1/2). The temperature only
   * matters to {@link #rsample} and {@link #relaxedLogProb}, which a prior does not use; it is 1.
   */
  public static RelaxedBernoulli uniform(Ops tf, Operand<TInt64> shape) {
    return new RelaxedBernoulli(Bernoulli.uniform(tf, shape), Temperature.fixed(FAMILY, 1f), false);
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

  public Operand<TFloat32> logits() {
    return discrete.logits();
  }

  /** The Bernoulli with the same logits: the discrete model this relaxes. */
  public Bernoulli discrete() {
    return discrete;
  }

  /** The discrete Bernoulli log mass of {@code value} (0/1): the model's, not the relaxation's. */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    return discrete.logProb(value);
  }

  /**
   * The binary Concrete log density of relaxed values {@code y} in (0, 1), summed over the event
   * axis (Maddison et al. 2017). In logit space, with t = log y - log(1 - y), l the
   * logits and T the temperature, t is logistic with location l / T and scale 1 / T, so
   *
   * <pre>log p(y) = log T + (l - T t) - 2 softplus(l - T t) - log y - log(1 - y).</pre>
   *
   * <p>y is clipped to [2^-24, 1 - 2^-24] first, so saturated draws give finite values.
   */
  public Operand<TFloat32> relaxedLogProb(Operand<TFloat32> y) {
    Objects.requireNonNull(y, "y");
    Ops tf = tf();
    Operand<TFloat32> clipped =
        tf.clipByValue(y, tf.constant(UNIT_EPS), tf.constant(1f - UNIT_EPS));
    Operand<TFloat32> logY = tf.math.log(clipped);
    Operand<TFloat32> log1mY = tf.math.log1p(tf.math.neg(clipped));
    Operand<TFloat32> a =
        tf.math.sub(logits(), tf.math.mul(temperature.operand(tf), tf.math.sub(logY, log1mY)));
    Operand<TFloat32> elementwise =
        tf.math.sub(
            tf.math.add(
                temperature.log(tf),
                tf.math.sub(a, tf.math.mul(tf.constant(2f), tf.math.softplus(a)))),
            tf.math.add(logY, log1mY));
    return DistOps.sumEvent(tf, elementwise);
  }

  /** A hard 0/1 draw of the discrete Bernoulli; no gradient flows through it. */
  @Override
  public Operand<TFloat32> sample(RandomSource rng) {
    return discrete.sample(rng);
  }

  /**
   * {@code y = sigmoid((logits + log u - log(1 - u)) / temperature)} with u uniform: a binary
   * Concrete draw, differentiable in the logits. With straight-through, the forward value is
   * {@code y > 0.5} as 0/1 and the gradient is y's.
   */
  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    Operand<TFloat32> noisy = tf.math.add(logits(), rng.logistic(shape()));
    Operand<TFloat32> y = tf.math.sigmoid(tf.math.div(noisy, temperature.operand(tf)));
    if (!straightThrough) {
      return y;
    }
    Operand<TFloat32> hard = tf.dtypes.cast(
        tf.math.greater(tf.stopGradient(y), tf.constant(0.5f)), TFloat32.class);
    return DistOps.straightThrough(tf, hard, y);
  }

  @Override
  public Reparameterization reparameterization() {
    return Reparameterization.REPARAMETERIZED;
  }

  /** The discrete Bernoulli's entropy. */
  @Override
  public Operand<TFloat32> entropy() {
    return discrete.entropy();
  }

  /** The discrete Bernoulli's mean, sigmoid(logits). */
  @Override
  public Operand<TFloat32> mean() {
    return discrete.mean();
  }

  @Override
  public Operand<TInt64> shape() {
    return discrete.shape();
  }

  /** The same temperature and straight-through setting, with {@code f} applied to the logits. */
  @Override
  public RelaxedBernoulli mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return new RelaxedBernoulli(discrete.mapParameters(f), temperature, straightThrough);
  }

  @Override
  public String toString() {
    return "RelaxedBernoulli(temperature=" + temperature + ", logits=" + logits().shape()
        + (straightThrough ? ", straightThrough" : "") + ")";
  }

  /** {@link Support#UNIT_INTERVAL}. */
  @Override
  public Support support() {
    return Support.UNIT_INTERVAL;
  }
}
