package dev.helmholtz.dist.flow;

import dev.helmholtz.nn.Nn;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * MADE (Germain et al. 2015): a dense network from {@code [..., d]} to two outputs {@code [...,
 * d]} each, whose output i depends only on the inputs that come before i in the given order, by
 * masking each weight matrix. Input i has degree {@code order[i]} (a permutation of 1..d); hidden
 * unit k of every layer has degree {@code k mod (d - 1) + 1}; a hidden unit sees the units of the
 * layer below of degree at most its own, and output i sees the hidden units of degree below
 * {@code order[i]}. So the Jacobian of either output, in the given order, is strictly lower
 * triangular.
 *
 * <p>An optional context (Kingma et al. 2016's h), {@code [..., c]} of any static width c, feeds
 * every first-layer unit through an unmasked {@code [c, hidden]} weight: it conditions the flow
 * without breaking its autoregressive structure, at its full width (no bottleneck of width d).
 * The two output layers start at a tenth of Glorot's scale, so that a flow starts near the
 * elementwise map its gate or scale bias gives (Kingma et al.'s initialization near identity).
 */
final class MaskedAutoencoder {
  private final int dimension;
  private final int[] order;
  private final List<Operand<TFloat32>> maskedWeights;
  private final List<Operand<TFloat32>> biases;
  private final Operand<TFloat32> contextWeight;
  private final Operand<TFloat32> shiftWeight;
  private final Operand<TFloat32> shiftBias;
  private final Operand<TFloat32> scaleWeight;
  private final Operand<TFloat32> scaleBias;

  private MaskedAutoencoder(int dimension, int[] order, List<Operand<TFloat32>> maskedWeights,
      List<Operand<TFloat32>> biases, Operand<TFloat32> contextWeight, Operand<TFloat32> shiftWeight,
      Operand<TFloat32> shiftBias, Operand<TFloat32> scaleWeight, Operand<TFloat32> scaleBias) {
    this.dimension = dimension;
    this.order = order;
    this.maskedWeights = maskedWeights;
    this.biases = biases;
    this.contextWeight = contextWeight;
    this.shiftWeight = shiftWeight;
    this.shiftBias = shiftBias;
    this.scaleWeight = scaleWeight;
    this.scaleBias = scaleBias;
  }

  /** The degrees 1..d in order, or d..1 when {@code reversed} (alternated between stacked flows). */
  static int[] order(int dimension, boolean reversed) {
    int[] degrees = new int[dimension];
    for (int i = 0; i < dimension; i++) {
      degrees[i] = reversed ? dimension - i : i + 1;
    }
    return degrees;
  }

  /** Hidden unit k's degree: k mod (d - 1) + 1, so every degree 1..d-1 is represented. */
  static int[] hiddenDegrees(int dimension, int units) {
    int[] degrees = new int[units];
    for (int k = 0; k < units; k++) {
      degrees[k] = dimension == 1 ? 1 : k % (dimension - 1) + 1;
    }
    return degrees;
  }

  /** The mask {@code [in, out]}: 1 where out's degree is at least in's ({@code strict}: above it). */
  static float[][] mask(int[] in, int[] out, boolean strict) {
    float[][] m = new float[in.length][out.length];
    for (int i = 0; i < in.length; i++) {
      for (int j = 0; j < out.length; j++) {
        m[i][j] = (strict ? out[j] > in[i] : out[j] >= in[i]) ? 1f : 0f;
      }
    }
    return m;
  }

  /** The output layers' initial scale, relative to Glorot's. */
  static final float OUTPUT_SCALE = 0.1f;

  /**
   * A MADE of {@code nn}'s variables under {@code layer}, with the given hidden widths (at least
   * one), taking a context of width {@code contextWidth} (0: none).
   */
  static MaskedAutoencoder create(Nn nn, String layer, int[] order, long contextWidth, int... hidden) {
    Objects.requireNonNull(order, "order");
    if (hidden.length == 0) {
      throw new IllegalArgumentException("MADE needs at least one hidden layer");
    }
    Ops tf = nn.tf();
    int d = order.length;
    List<Operand<TFloat32>> weights = new ArrayList<>();
    List<Operand<TFloat32>> biases = new ArrayList<>();
    int[] below = order;
    for (int l = 0; l < hidden.length; l++) {
      if (hidden[l] < 1) {
        throw new IllegalArgumentException("MADE hidden widths must be >= 1, got " + hidden[l]);
      }
      int[] degrees = hiddenDegrees(d, hidden[l]);
      Operand<TFloat32> w = FlowOps.weight(nn, layer, "hidden_" + l + "/kernel", below.length, hidden[l]);
      weights.add(tf.math.mul(w, tf.constant(mask(below, degrees, false))));
      biases.add(FlowOps.zeros(nn, layer, "hidden_" + l + "/bias", hidden[l]));
      below = degrees;
    }
    Operand<TFloat32> outMask = tf.constant(mask(below, order, true));
    Operand<TFloat32> contextWeight =
        contextWidth > 0 ? FlowOps.weight(nn, layer, "context/kernel", contextWidth, hidden[0]) : null;
    return new MaskedAutoencoder(d, order, weights, biases, contextWeight,
        tf.math.mul(FlowOps.smallWeight(nn, layer, "shift/kernel", OUTPUT_SCALE, below.length, d), outMask),
        FlowOps.zeros(nn, layer, "shift/bias", d),
        tf.math.mul(FlowOps.smallWeight(nn, layer, "scale/kernel", OUTPUT_SCALE, below.length, d), outMask),
        FlowOps.zeros(nn, layer, "scale/bias", d));
  }

  int dimension() {
    return dimension;
  }

  int[] order() {
    return order.clone();
  }

  boolean takesContext() {
    return contextWeight != null;
  }

  /** The two outputs (shift, scale pre-activation) at {@code x}, each {@code [..., d]}. */
  Operand<TFloat32>[] apply(Ops tf, Operand<TFloat32> x, Operand<TFloat32> context) {
    Operand<TFloat32> h = x;
    for (int l = 0; l < maskedWeights.size(); l++) {
      Operand<TFloat32> pre = tf.math.add(FlowOps.matmulLast(tf, h, maskedWeights.get(l)), biases.get(l));
      if (l == 0 && context != null) {
        pre = tf.math.add(pre, FlowOps.matmulLast(tf, context, contextWeight));
      }
      h = tf.nn.elu(pre);
    }
    @SuppressWarnings("unchecked")
    Operand<TFloat32>[] out = new Operand[] {
        tf.math.add(FlowOps.matmulLast(tf, h, shiftWeight), shiftBias),
        tf.math.add(FlowOps.matmulLast(tf, h, scaleWeight), scaleBias)};
    return out;
  }

  /** A context's static width (0 for none); a flow's context must have one. */
  static long contextWidth(Operand<TFloat32> context) {
    if (context == null) {
      return 0;
    }
    long width = context.shape().isUnknown() || context.shape().numDimensions() < 1 ? -1
        : context.shape().get(context.shape().numDimensions() - 1);
    if (width < 1) {
      throw new IllegalArgumentException("a flow's context needs a static width, got shape " + context.shape());
    }
    return width;
  }

  /**
   * The context with {@code f} applied as it is to the flow's parameters, which are {@code d}
   * wide: {@code f} (a reshape or broadcast of the batch axes, from the node's width d) takes the
   * context in pieces of width d, the last padded with zeros, and the mapped pieces are put back
   * together and cut to the context's width. Each piece goes through exactly what a parameter
   * goes through, so rows stay with their examples whatever {@code f} does to the batch axes.
   */
  static Operand<TFloat32> map(Operand<TFloat32> context, UnaryOperator<Operand<TFloat32>> f, int d) {
    if (context == null) {
      return null;
    }
    long width = contextWidth(context);
    if (width == d) {
      return f.apply(context);
    }
    int rank = context.shape().numDimensions();
    Ops tf = Bijector.opsOf(context);
    int pieces = (int) ((width + d - 1) / d);
    int padding = (int) (pieces * (long) d - width);
    Operand<TFloat32> padded = context;
    if (padding > 0) {
      int[][] pads = new int[rank][2];
      pads[rank - 1][1] = padding;
      padded = tf.pad(context, tf.constant(pads), tf.constant(0f));
    }
    List<Operand<TFloat32>> mapped = new ArrayList<>();
    for (Operand<TFloat32> piece : tf.split(tf.constant(rank - 1), padded, (long) pieces)) {
      mapped.add(f.apply(piece));
    }
    int mappedRank = mapped.get(0).shape().numDimensions();
    if (mappedRank < 1) {
      throw new IllegalArgumentException("a flow's context mapped to a tensor of unknown rank");
    }
    Operand<TFloat32> whole = tf.concat(mapped, tf.constant(mappedRank - 1));
    if (padding == 0) {
      return whole;
    }
    long[] begin = new long[mappedRank];
    long[] size = new long[mappedRank];
    java.util.Arrays.fill(size, -1);
    size[mappedRank - 1] = width;
    return tf.slice(whole, tf.constant(begin), tf.constant(size));
  }
}
