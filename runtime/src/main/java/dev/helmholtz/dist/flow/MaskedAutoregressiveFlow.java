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
 * Masked autoregressive flow (Papamakarios et al. 2017): x_i = u_i exp(α_i) + μ_i with (μ, α) =
 * MADE(x_{&lt;i}), so {@code forward} (noise u to value x, sampling) takes d passes of the
 * network, each fixing one more coordinate, and {@code inverse} (x to u, density evaluation) takes
 * one: u = (x - μ(x)) exp(-α(x)), log|det df⁻¹/dx| = -Σ α(x). The flow for a prior, or any
 * distribution that must score values it did not draw; {@link InverseAutoregressiveFlow} is its
 * mirror image for posteriors. {@code α} is bounded by tanh times 5 for stability.
 */
public final class MaskedAutoregressiveFlow extends Bijector {
  private static final float LOG_SCALE_BOUND = 5f;

  private final MaskedAutoencoder made;
  private final Operand<TFloat32> context;

  private MaskedAutoregressiveFlow(MaskedAutoencoder made, Operand<TFloat32> context) {
    this.made = made;
    this.context = context;
  }

  /**
   * A MAF step over {@code [..., dimension]} whose MADE (hidden widths {@code hidden}) is made of
   * variables of {@code nn}'s network, {@code <scope>/maf_i/...}; {@code reversed} orders the
   * coordinates d..1; {@code context} may be null.
   */
  public static MaskedAutoregressiveFlow create(Nn nn, int dimension, boolean reversed, Operand<TFloat32> context,
      int... hidden) {
    Objects.requireNonNull(nn, "nn");
    if (dimension < 1) {
      throw new IllegalArgumentException("an autoregressive flow needs dimension >= 1, got " + dimension);
    }
    String layer = nn.layerScope("maf");
    return new MaskedAutoregressiveFlow(
        MaskedAutoencoder.create(nn, layer, MaskedAutoencoder.order(dimension, reversed),
        MaskedAutoencoder.contextWidth(context), hidden), context);
  }

  /** {@code count} MAF steps of {@code nn}, their orders alternating. */
  public static Bijector stack(Nn nn, int dimension, int count, Operand<TFloat32> context, int... hidden) {
    List<Bijector> flows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      flows.add(create(nn, dimension, i % 2 == 1, context, hidden));
    }
    return chain(flows);
  }

  /** (μ, α) at x. */
  private Operand<TFloat32>[] shiftAndLogScale(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32>[] out = made.apply(tf, x, context);
    out[1] = tf.math.mul(tf.constant(LOG_SCALE_BOUND), tf.math.tanh(tf.math.div(out[1], tf.constant(LOG_SCALE_BOUND))));
    return out;
  }

  @Override
  public Transformed forwardWithLogDet(Operand<TFloat32> u) {
    FlowOps.requireWidth(name(), u, made.dimension());
    Ops tf = opsOf(u);
    Operand<TFloat32> x = u;
    for (int pass = 0; pass < made.dimension(); pass++) {
      Operand<TFloat32>[] p = shiftAndLogScale(tf, x);
      x = tf.math.add(tf.math.mul(u, tf.math.exp(p[1])), p[0]);
    }
    return new Transformed(x, sumEvent(tf, shiftAndLogScale(tf, x)[1]));
  }

  @Override
  public Transformed inverseWithLogDet(Operand<TFloat32> x) {
    FlowOps.requireWidth(name(), x, made.dimension());
    Ops tf = opsOf(x);
    Operand<TFloat32>[] p = shiftAndLogScale(tf, x);
    Operand<TFloat32> u = tf.math.mul(tf.math.sub(x, p[0]), tf.math.exp(tf.math.neg(p[1])));
    return new Transformed(u, tf.math.neg(sumEvent(tf, p[1])));
  }

  /** The coordinates' degrees in the MADE's order. */
  public int[] order() {
    return made.order();
  }

  @Override
  public Bijector mapConditioning(UnaryOperator<Operand<TFloat32>> f) {
    return context == null ? this : new MaskedAutoregressiveFlow(made, MaskedAutoencoder.map(context, f, made.dimension()));
  }
}
