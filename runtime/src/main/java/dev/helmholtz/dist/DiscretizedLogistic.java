package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The discretized logistic likelihood of 8-bit pixels (Salimans et al. 2017, PixelCNN++):
 * independent variables along the event axis, each taking one of the 256 intensities {@code k /
 * 255} (what {@code Mnist} loads: raw pixels scaled to [0, 1]), with the probability that a
 * logistic variable of location {@code loc} and scale {@code scale} falls in the intensity's bin
 * of width 1/255: {@code F(v + 1/510) - F(v - 1/510)}, F the logistic CDF. The end bins take the
 * tails: intensity 0 gets {@code F(1/510)} (everything below), intensity 1 gets {@code 1 - F(1 -
 * 1/510)}, so the 256 probabilities sum to 1.
 *
 * <p>Not reparameterizable (its draws are discrete): a likelihood, or a latent under a
 * score-function objective. The mean, variance and entropy are exact sums over the 256 levels.
 * Values off the grid are not intensities: a data column is checked when it is fed.
 */
public final class DiscretizedLogistic extends ElementwiseDiscrete {

  /** The number of intensities: 8 bits. */
  public static final int LEVELS = 256;
  /** Half a bin: intensities k/255 own [k/255 - HALF_BIN, k/255 + HALF_BIN). */
  static final float HALF_BIN = 0.5f / (LEVELS - 1);

  private final Operand<TFloat32> loc;
  private final Operand<TFloat32> scale;

  private DiscretizedLogistic(Ops tf, Operand<TFloat32> loc, Operand<TFloat32> scale) {
    super(tf, loc, scale);
    this.loc = loc;
    this.scale = scale;
  }

  /** Location {@code loc} (on the [0, 1] intensity scale) and scale {@code scale} (positive). */
  public static DiscretizedLogistic locScale(Operand<TFloat32> loc, Operand<TFloat32> scale) {
    return new DiscretizedLogistic(ElementwiseDistribution.opsOf(loc, scale), loc, scale);
  }

  /** Location {@code loc} and scale {@code exp(logScale)}: what a network's outputs give. */
  public static DiscretizedLogistic locLogScale(Operand<TFloat32> loc, Operand<TFloat32> logScale) {
    Ops tf = ElementwiseDistribution.opsOf(loc, logScale);
    return new DiscretizedLogistic(tf, loc, tf.math.exp(logScale));
  }

  public Operand<TFloat32> loc() {
    return loc;
  }

  public Operand<TFloat32> scale() {
    return scale;
  }

  /** log P(value), summed over the event axis; see {@link #elementwiseLogProb}. */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Objects.requireNonNull(value, "value");
    return DistOps.sumEvent(tf(), elementwiseLogProb(tf(), loc, scale, value));
  }

  /**
   * log P(v) of each element, in a form stable for every scale: with a = (v - loc + h) / s and b =
   * (v - loc - h) / s (h half a bin), P = sigmoid(a) - sigmoid(b), so {@code log P = a - softplus(a)
   * - softplus(b) + log(1 - exp(b - a))}, where {@code 1 - exp(b - a) = -expm1(-2h / s)}; at
   * intensity 0, {@code log sigmoid(a) = -softplus(-a)}; at 1, {@code log(1 - sigmoid(b)) =
   * -softplus(b)}. No difference of two CDFs is taken, so a narrow scale loses nothing to
   * cancellation (PixelCNN++ switches to the density at the bin's centre instead).
   */
  static Operand<TFloat32> elementwiseLogProb(
      Ops tf, Operand<TFloat32> loc, Operand<TFloat32> scale, Operand<TFloat32> value) {
    Operand<TFloat32> centred = tf.math.sub(value, loc);
    Operand<TFloat32> a = tf.math.div(tf.math.add(centred, tf.constant(HALF_BIN)), scale);
    Operand<TFloat32> b = tf.math.div(tf.math.sub(centred, tf.constant(HALF_BIN)), scale);
    Operand<TFloat32> width = tf.math.log(tf.math.neg(tf.math.expm1(
        tf.math.neg(tf.math.div(tf.constant(2 * HALF_BIN), scale)))));
    Operand<TFloat32> inner = tf.math.add(
        tf.math.sub(tf.math.sub(a, tf.math.softplus(a)), tf.math.softplus(b)), width);
    Operand<TFloat32> lowest = tf.math.neg(tf.math.softplus(tf.math.neg(a)));
    Operand<TFloat32> highest = tf.math.neg(tf.math.softplus(b));
    return tf.select(tf.math.less(value, tf.constant(HALF_BIN)), lowest,
        tf.select(tf.math.greater(value, tf.constant(1 - HALF_BIN)), highest, inner));
  }

  /** {@code clip(round(255 (loc + scale * logistic noise)), 0, 255) / 255}: exact, no gradient. */
  @Override
  public Operand<TFloat32> sample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    Operand<TFloat32> continuous = tf.math.add(loc, tf.math.mul(scale, rng.logistic(shape())));
    return tf.stopGradient(quantize(tf, continuous));
  }

  /** The intensity whose bin holds {@code x}: {@code clip(round(255 x), 0, 255) / 255}. */
  static Operand<TFloat32> quantize(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> k = tf.clipByValue(tf.math.round(tf.math.mul(x, tf.constant((float) (LEVELS - 1)))),
        tf.constant(0f), tf.constant((float) (LEVELS - 1)));
    return tf.math.div(k, tf.constant((float) (LEVELS - 1)));
  }

  /** log P of every intensity, {@code [..., d, 256]}. */
  @Override
  Operand<TFloat32> levelLogProbs() {
    Ops tf = tf();
    Operand<TFloat32> l = tf.expandDims(broadcast(loc), tf.constant(-1));
    Operand<TFloat32> s = tf.expandDims(broadcast(scale), tf.constant(-1));
    return elementwiseLogProb(tf, l, s, levels(tf));
  }

  @Override
  public DiscretizedLogistic mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return locScale(f.apply(loc), f.apply(scale));
  }

  @Override
  public String toString() {
    return "DiscretizedLogistic(loc=" + loc.shape() + ", scale=" + scale.shape() + ")";
  }

  /** {@link Support#INTENSITIES_8BIT}. */
  @Override
  public Support support() {
    return Support.INTENSITIES_8BIT;
  }
}
