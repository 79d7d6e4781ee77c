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
 * The affine coupling layer of RealNVP (Dinh et al. 2017): with a binary mask m (1 on the
 * coordinates that condition), y = m ⊙ x + (1 - m) ⊙ (x ⊙ exp(s(m ⊙ x)) + t(m ⊙ x)), log|det|
 * = Σ (1 - m) ⊙ s; the inverse is as cheap: x = m ⊙ y + (1 - m) ⊙ (y - t(m ⊙ y)) ⊙ exp(-s(m ⊙
 * y)). s and t are one dense network of {@code hidden} ELU layers; s is bounded by tanh. The mask
 * conditions on the first ⌊d/2⌋ coordinates, or the others when {@code flipped} (alternate it
 * between stacked layers so every coordinate is transformed).
 */
public final class AffineCoupling extends Bijector {
  private final int dimension;
  private final float[] mask;
  private final List<Operand<TFloat32>> weights;
  private final List<Operand<TFloat32>> biases;
  private final Operand<TFloat32> contextWeight;
  private final Operand<TFloat32> context;

  private AffineCoupling(int dimension, float[] mask, List<Operand<TFloat32>> weights, List<Operand<TFloat32>> biases,
      Operand<TFloat32> contextWeight, Operand<TFloat32> context) {
    this.dimension = dimension;
    this.mask = mask;
    this.weights = weights;
    this.biases = biases;
    this.contextWeight = contextWeight;
    this.context = context;
  }

  /**
   * A coupling layer over {@code [..., dimension]} (at least 2) of {@code nn}'s variables,
   * {@code <scope>/coupling_i/...}; {@code context} ({@code [B, c]}) may be null.
   */
  public static AffineCoupling create(Nn nn, int dimension, boolean flipped, Operand<TFloat32> context,
      int... hidden) {
    Objects.requireNonNull(nn, "nn");
    if (dimension < 2) {
      throw new IllegalArgumentException("a coupling layer splits its coordinates: it needs dimension >= 2, got "
          + dimension);
    }
    if (hidden.length == 0) {
      throw new IllegalArgumentException("a coupling layer needs at least one hidden layer");
    }
    String layer = nn.layerScope("coupling");
    float[] mask = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      mask[i] = (i < dimension / 2) != flipped ? 1f : 0f;
    }
    long contextWidth = MaskedAutoencoder.contextWidth(context);
    List<Operand<TFloat32>> weights = new ArrayList<>();
    List<Operand<TFloat32>> biases = new ArrayList<>();
    long below = dimension;
    for (int l = 0; l < hidden.length; l++) {
      weights.add(FlowOps.weight(nn, layer, "hidden_" + l + "/kernel", below, hidden[l]));
      biases.add(FlowOps.zeros(nn, layer, "hidden_" + l + "/bias", hidden[l]));
      below = hidden[l];
    }
    weights.add(FlowOps.weight(nn, layer, "scale/kernel", below, dimension));
    biases.add(FlowOps.zeros(nn, layer, "scale/bias", dimension));
    weights.add(FlowOps.weight(nn, layer, "shift/kernel", below, dimension));
    biases.add(FlowOps.zeros(nn, layer, "shift/bias", dimension));
    Operand<TFloat32> contextWeight = context == null ? null
        : FlowOps.weight(nn, layer, "context/kernel", contextWidth, hidden[0]);
    return new AffineCoupling(dimension, mask, weights, biases, contextWeight, context);
  }

  /** {@code count} coupling layers of {@code nn}, their masks alternating. */
  public static Bijector stack(Nn nn, int dimension, int count, Operand<TFloat32> context, int... hidden) {
    List<Bijector> flows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      flows.add(create(nn, dimension, i % 2 == 1, context, hidden));
    }
    return chain(flows);
  }

  /** (s, t) at the conditioning coordinates {@code kept} = m ⊙ x, both zero where m is 1. */
  private Operand<TFloat32>[] scaleAndShift(Ops tf, Operand<TFloat32> kept) {
    Operand<TFloat32> h = kept;
    int hiddenLayers = weights.size() - 2;
    for (int l = 0; l < hiddenLayers; l++) {
      Operand<TFloat32> pre = tf.math.add(FlowOps.matmulLast(tf, h, weights.get(l)), biases.get(l));
      if (l == 0 && context != null) {
        pre = tf.math.add(pre, FlowOps.matmulLast(tf, context, contextWeight));
      }
      h = tf.nn.elu(pre);
    }
    Operand<TFloat32> free = tf.constant(complement());
    Operand<TFloat32> s = tf.math.mul(free, tf.math.tanh(
        tf.math.add(FlowOps.matmulLast(tf, h, weights.get(hiddenLayers)), biases.get(hiddenLayers))));
    Operand<TFloat32> t = tf.math.mul(free,
        tf.math.add(FlowOps.matmulLast(tf, h, weights.get(hiddenLayers + 1)), biases.get(hiddenLayers + 1)));
    @SuppressWarnings("unchecked")
    Operand<TFloat32>[] out = new Operand[] {s, t};
    return out;
  }

  private float[] complement() {
    float[] free = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      free[i] = 1f - mask[i];
    }
    return free;
  }

  @Override
  public Transformed forwardWithLogDet(Operand<TFloat32> x) {
    FlowOps.requireWidth(name(), x, dimension);
    Ops tf = opsOf(x);
    Operand<TFloat32>[] st = scaleAndShift(tf, tf.math.mul(x, tf.constant(mask)));
    Operand<TFloat32> y = tf.math.add(tf.math.mul(x, tf.math.exp(st[0])), st[1]);
    return new Transformed(y, sumEvent(tf, st[0]));
  }

  @Override
  public Transformed inverseWithLogDet(Operand<TFloat32> y) {
    FlowOps.requireWidth(name(), y, dimension);
    Ops tf = opsOf(y);
    Operand<TFloat32>[] st = scaleAndShift(tf, tf.math.mul(y, tf.constant(mask)));
    Operand<TFloat32> x = tf.math.mul(tf.math.sub(y, st[1]), tf.math.exp(tf.math.neg(st[0])));
    return new Transformed(x, tf.math.neg(sumEvent(tf, st[0])));
  }

  /** The mask: 1 on the coordinates that condition the others (left unchanged). */
  public float[] mask() {
    return mask.clone();
  }

  @Override
  public Bijector mapConditioning(UnaryOperator<Operand<TFloat32>> f) {
    return context == null ? this
        : new AffineCoupling(dimension, mask, weights, biases, contextWeight, MaskedAutoencoder.map(context, f, dimension));
  }
}
