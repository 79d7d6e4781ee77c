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
 * Inverse autoregressive flow (Kingma et al. 2016), in their numerically stable gated form: with
 * (m, s) = MADE(z, h), σ = sigmoid(s + 2), f(z) = σ ⊙ z + (1 - σ) ⊙ m, and log|det| = Σ log σ
 * (the Jacobian is triangular in the MADE's order). One pass of the network transforms a whole
 * draw, which is why it suits a posterior. The +2 starts σ near 1, each flow near the identity,
 * as the paper's forget-gate bias does.
 *
 * <p>The optional context h (the encoder's extra output in Kingma et al.) conditions every step;
 * it is per-example, {@code [B, c]} of any width, feeds the MADE's first hidden layer whole, and is
 * mapped with the distribution's parameters. The MADE's outputs start small, so a step starts at
 * about σ(2) ⊙ z: near the identity, as the paper initializes it. The inverse exists but costs d passes of the network (each fixes
 * one more coordinate), so scoring values from elsewhere is slow; a
 * {@link MaskedAutoregressiveFlow} scores in one pass.
 */
public final class InverseAutoregressiveFlow extends Bijector {
  private static final float GATE_BIAS = 2f;

  private final MaskedAutoencoder made;
  private final Operand<TFloat32> context;

  private InverseAutoregressiveFlow(MaskedAutoencoder made, Operand<TFloat32> context) {
    this.made = made;
    this.context = context;
  }

  /**
   * An IAF step over {@code [..., dimension]} whose MADE (hidden widths {@code hidden}, at least
   * one) is made of variables of {@code nn}'s network, {@code <scope>/iaf_i/...}; {@code reversed}
   * orders the coordinates d..1 (alternate it between stacked steps); {@code context} may be null.
   */
  public static InverseAutoregressiveFlow create(Nn nn, int dimension, boolean reversed, Operand<TFloat32> context,
      int... hidden) {
    Objects.requireNonNull(nn, "nn");
    if (dimension < 1) {
      throw new IllegalArgumentException("an autoregressive flow needs dimension >= 1, got " + dimension);
    }
    String layer = nn.layerScope("iaf");
    return new InverseAutoregressiveFlow(
        MaskedAutoencoder.create(nn, layer, MaskedAutoencoder.order(dimension, reversed),
        MaskedAutoencoder.contextWidth(context), hidden), context);
  }

  /** {@code count} IAF steps of {@code nn}, their orders alternating, all conditioned on {@code context}. */
  public static Bijector stack(Nn nn, int dimension, int count, Operand<TFloat32> context, int... hidden) {
    List<Bijector> flows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      flows.add(create(nn, dimension, i % 2 == 1, context, hidden));
    }
    return chain(flows);
  }

  private Operand<TFloat32>[] gateAndShift(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32>[] out = made.apply(tf, x, context);
    Operand<TFloat32> gateLogit = tf.math.add(out[1], tf.constant(GATE_BIAS));
    @SuppressWarnings("unchecked")
    Operand<TFloat32>[] result = new Operand[] {tf.math.sigmoid(gateLogit), out[0],
        tf.math.neg(tf.math.softplus(tf.math.neg(gateLogit)))}; // sigma, m, log sigma
    return result;
  }

  @Override
  public Transformed forwardWithLogDet(Operand<TFloat32> z) {
    FlowOps.requireWidth(name(), z, made.dimension());
    Ops tf = opsOf(z);
    Operand<TFloat32>[] g = gateAndShift(tf, z);
    Operand<TFloat32> y = tf.math.add(tf.math.mul(g[0], z), tf.math.mul(tf.math.sub(tf.constant(1f), g[0]), g[1]));
    return new Transformed(y, sumEvent(tf, g[2]));
  }

  /** d passes of x := (y - (1 - σ(x)) m(x)) / σ(x), from x = y: pass j fixes the coordinate of degree j. */
  @Override
  public Transformed inverseWithLogDet(Operand<TFloat32> y) {
    FlowOps.requireWidth(name(), y, made.dimension());
    Ops tf = opsOf(y);
    Operand<TFloat32> x = y;
    Operand<TFloat32>[] g = null;
    for (int pass = 0; pass < made.dimension(); pass++) {
      g = gateAndShift(tf, x);
      x = tf.math.div(tf.math.sub(y, tf.math.mul(tf.math.sub(tf.constant(1f), g[0]), g[1])), g[0]);
    }
    g = gateAndShift(tf, x);
    return new Transformed(x, tf.math.neg(sumEvent(tf, g[2])));
  }

  /** The coordinates' degrees in the MADE's order. */
  public int[] order() {
    return made.order();
  }

  @Override
  public Bijector mapConditioning(UnaryOperator<Operand<TFloat32>> f) {
    return context == null ? this : new InverseAutoregressiveFlow(made, MaskedAutoencoder.map(context, f, made.dimension()));
  }
}
