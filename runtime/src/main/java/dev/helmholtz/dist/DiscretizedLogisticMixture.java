package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * A mixture of K discretized logistics per 8-bit intensity (Salimans et al. 2017, PixelCNN++):
 * each element's probability of intensity v is {@code sum_c pi_c P_c(v)}, with {@code P_c} the
 * {@link DiscretizedLogistic} of component c and {@code pi = softmax(logits)} over the
 * components. Each parameter holds K entries per element, component innermost: {@code [..., d * K]}
 * for draws of {@code [..., d]} (what a dense layer of {@code d * K} units gives).
 */
public final class DiscretizedLogisticMixture extends ElementwiseDiscrete {

  private final int components;
  private final Operand<TFloat32> logits;
  private final Operand<TFloat32> loc;
  private final Operand<TFloat32> scale;
  private Operand<TInt64> shape;

  private DiscretizedLogisticMixture(Ops tf, int components, Operand<TFloat32> logits, Operand<TFloat32> loc,
      Operand<TFloat32> scale) {
    super(tf, loc, scale);
    DistOps.requireSameEnv(logits, loc);
    this.components = components;
    this.logits = logits;
    this.loc = loc;
    this.scale = scale;
  }

  /**
   * A mixture of {@code components} discretized logistics per element, from the mixture's logits,
   * the components' locations and their log scales, each {@code [..., d * components]}.
   *
   * @throws IllegalArgumentException if {@code components} is below 1, or a parameter's static
   *     width is not a multiple of it
   */
  public static DiscretizedLogisticMixture logits(int components, Operand<TFloat32> logits, Operand<TFloat32> loc,
      Operand<TFloat32> logScale) {
    Objects.requireNonNull(logits, "logits");
    Ops tf = ElementwiseDistribution.opsOf(loc, logScale);
    if (components < 1) {
      throw new IllegalArgumentException("a mixture needs at least 1 component, got " + components);
    }
    for (Operand<TFloat32> p : List.of(logits, loc, logScale)) {
      long width = DistOps.lastDim(p.shape());
      if (width > 0 && width % components != 0) {
        throw new IllegalArgumentException("a parameter of width " + width + " is not " + components
            + " components per element: give each element's components side by side, [..., d * " + components + "]");
      }
    }
    return new DiscretizedLogisticMixture(tf, components, logits, loc, tf.math.exp(logScale));
  }

  /** The number of components per element. */
  public int components() {
    return components;
  }

  /** {@code [..., d * K]} to {@code [..., d, K]}. */
  private Operand<TFloat32> perElement(Operand<TFloat32> p) {
    Ops tf = tf();
    Operand<TInt32> leading = tf.slice(tf.shape(p), tf.constant(new int[] {0}),
        tf.expandDims(tf.math.sub(tf.rank(p), tf.constant(1)), tf.constant(0)));
    return tf.reshape(p, tf.concat(List.of(leading, tf.constant(new int[] {-1, components})), tf.constant(0)));
  }

  /** log softmax over the components, {@code [..., d, K]}, by max and log-sum-exp (not LogSoftmax: see TFJAVA notes). */
  private Operand<TFloat32> logWeights() {
    Ops tf = tf();
    Operand<TFloat32> l = perElement(logits);
    return tf.math.sub(l, logSumExp(tf, l));
  }

  /** log sum exp over the last axis, keeping it. */
  private static Operand<TFloat32> logSumExp(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> max = tf.stopGradient(tf.reduceMax(x, tf.constant(-1), ReduceMax.keepDims(true)));
    return tf.math.add(max, tf.math.log(tf.reduceSum(tf.math.exp(tf.math.sub(x, max)), tf.constant(-1),
        ReduceSum.keepDims(true))));
  }

  /** log of {@code sum_c pi_c P_c(value)}, summed over the event axis. */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Objects.requireNonNull(value, "value");
    Ops tf = tf();
    Operand<TFloat32> v = tf.expandDims(value, tf.constant(-1));
    Operand<TFloat32> perComponent = tf.math.add(logWeights(),
        DiscretizedLogistic.elementwiseLogProb(tf, perElement(loc), perElement(scale), v));
    return DistOps.sumEvent(tf, tf.squeeze(logSumExp(tf, perComponent),
        Squeeze.axis(List.of(-1L))));
  }

  /** A component by the Gumbel-max trick, then its discretized logistic draw; no gradient. */
  @Override
  public Operand<TFloat32> sample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    Operand<TFloat32> l = perElement(logits);
    Operand<TFloat32> noisy = tf.math.add(l, rng.gumbel(tf.shape(l, TInt64.class)));
    Operand<TFloat32> chosen = tf.oneHot(tf.math.argMax(noisy, tf.constant(-1), TInt32.class), tf.constant(components),
        tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> m = tf.reduceSum(tf.math.mul(chosen, perElement(loc)), tf.constant(-1));
    Operand<TFloat32> s = tf.reduceSum(tf.math.mul(chosen, perElement(scale)), tf.constant(-1));
    Operand<TFloat32> continuous = tf.math.add(m, tf.math.mul(s, rng.logistic(tf.shape(m, TInt64.class))));
    return tf.stopGradient(DiscretizedLogistic.quantize(tf, continuous));
  }

  /** log P of every intensity per element, {@code [..., d, 256]}: the components mixed. */
  @Override
  Operand<TFloat32> levelLogProbs() {
    Ops tf = tf();
    Operand<TFloat32> l = tf.expandDims(perElement(loc), tf.constant(-1));       // [..., d, K, 1]
    Operand<TFloat32> s = tf.expandDims(perElement(scale), tf.constant(-1));
    Operand<TFloat32> perComponent = tf.math.add(tf.expandDims(logWeights(), tf.constant(-1)),
        DiscretizedLogistic.elementwiseLogProb(tf, l, s, levels(tf)));          // [..., d, K, 256]
    // log-sum-exp over the components' axis, -2.
    Operand<TFloat32> max = tf.stopGradient(tf.reduceMax(perComponent, tf.constant(-2), ReduceMax.keepDims(true)));
    return tf.math.add(tf.squeeze(max, Squeeze.axis(List.of(-2L))),
        tf.math.log(tf.reduceSum(tf.math.exp(tf.math.sub(perComponent, max)), tf.constant(-2))));
  }

  /** The draw's shape, {@code [..., d]}: a parameter's with its last axis divided by K. */
  @Override
  public synchronized Operand<TInt64> shape() {
    if (shape == null) {
      Ops tf = tf();
      Operand<TInt64> perElement = tf.shape(perElement(loc), TInt64.class);
      shape = tf.slice(perElement, tf.constant(new long[] {0}),
          tf.expandDims(tf.math.sub(tf.size(perElement, TInt64.class), tf.constant(1L)), tf.constant(0)));
    }
    return shape;
  }

  @Override
  public DiscretizedLogisticMixture mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    Ops tf = tf();
    return new DiscretizedLogisticMixture(tf, components, f.apply(logits), f.apply(loc), f.apply(scale));
  }

  /** {@link Support#INTENSITIES_8BIT}. */
  @Override
  public Support support() {
    return Support.INTENSITIES_8BIT;
  }

  @Override
  public String toString() {
    return "DiscretizedLogisticMixture(components=" + components + ", loc=" + loc.shape() + ")";
  }
}
