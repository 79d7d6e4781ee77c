package dev.helmholtz.dist.flow;

import dev.helmholtz.nn.Nn;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The radial flow of Rezende and Mohamed (2015): f(z) = z + β h(α, r) (z - z₀), r = |z - z₀|,
 * h = 1 / (α + r), with log|det| = (d - 1) log(1 + βh) + log(1 + βh - βh²r). Invertible when
 * β ≥ -α, so α = softplus(α') > 0 and β = -α + softplus(β') (their appendix A). The inverse is in
 * closed form: r solves r² + (α + β - ρ) r - αρ = 0 for ρ = |y - z₀|.
 *
 * <p>Parameters z₀ ({@code [d]}), α' and β' (scalars) are shared by every example; at β' = 0 the
 * flow starts near the identity.
 */
public final class RadialFlow extends Bijector {
  /** Keeps r's gradient finite at z = z₀ (a set of measure zero). */
  private static final float RADIUS_EPSILON = 1e-12f;

  private final Operand<TFloat32> z0;
  private final Operand<TFloat32> alphaRaw;
  private final Operand<TFloat32> betaRaw;
  private final int dimension;

  private RadialFlow(Operand<TFloat32> z0, Operand<TFloat32> alphaRaw, Operand<TFloat32> betaRaw) {
    this.z0 = Objects.requireNonNull(z0, "z0");
    this.alphaRaw = Objects.requireNonNull(alphaRaw, "alphaRaw");
    this.betaRaw = Objects.requireNonNull(betaRaw, "betaRaw");
    if (z0.shape().isUnknown() || z0.shape().numDimensions() != 1 || z0.shape().get(0) < 1) {
      throw new IllegalArgumentException("a radial flow's center z0 is [d] with a static d, got " + z0.shape());
    }
    this.dimension = (int) z0.shape().get(0);
  }

  /**
   * A radial flow of the given parameters: center {@code z0} ({@code [d]}) and the unconstrained
   * scalars α' and β' (α = softplus(α'), β = -α + softplus(β')).
   */
  public static RadialFlow of(Operand<TFloat32> z0, Operand<TFloat32> alphaRaw, Operand<TFloat32> betaRaw) {
    return new RadialFlow(z0, alphaRaw, betaRaw);
  }

  /** A radial flow whose parameters are variables of {@code nn}'s network, {@code <scope>/radial_i/...}. */
  public static RadialFlow create(Nn nn, int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException("a radial flow needs dimension >= 1, got " + dimension);
    }
    String layer = nn.layerScope("radial");
    return new RadialFlow(FlowOps.weight(nn, layer, "z0", dimension), FlowOps.zeros(nn, layer, "alpha"),
        FlowOps.zeros(nn, layer, "beta"));
  }

  /** {@code count} radial flows of {@code nn}, applied in turn. */
  public static Bijector stack(Nn nn, int dimension, int count) {
    List<Bijector> flows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      flows.add(create(nn, dimension));
    }
    return chain(flows);
  }

  private Operand<TFloat32> alpha(Ops tf) {
    return tf.math.softplus(alphaRaw);
  }

  private Operand<TFloat32> beta(Ops tf, Operand<TFloat32> alpha) {
    return tf.math.sub(tf.math.softplus(betaRaw), alpha);
  }

  private static Operand<TFloat32> norm(Ops tf, Operand<TFloat32> x) {
    return tf.math.sqrt(tf.math.add(FlowOps.sumKeep(tf, tf.math.square(x)), tf.constant(RADIUS_EPSILON)));
  }

  @Override
  public Transformed forwardWithLogDet(Operand<TFloat32> z) {
    Ops tf = opsOf(z);
    Operand<TFloat32> alpha = alpha(tf);
    Operand<TFloat32> beta = beta(tf, alpha);
    Operand<TFloat32> diff = tf.math.sub(z, z0);
    Operand<TFloat32> r = norm(tf, diff); // [..., 1]
    Operand<TFloat32> h = tf.math.reciprocal(tf.math.add(alpha, r));
    Operand<TFloat32> betaH = tf.math.mul(beta, h);
    Operand<TFloat32> y = tf.math.add(z, tf.math.mul(betaH, diff));
    return new Transformed(y, logDet(tf, betaH, h, r, beta));
  }

  /** (d - 1) log(1 + βh) + log(1 + βh - βh²r), with r, h of shape {@code [..., 1]}. */
  private Operand<TFloat32> logDet(Ops tf, Operand<TFloat32> betaH, Operand<TFloat32> h, Operand<TFloat32> r,
      Operand<TFloat32> beta) {
    Operand<TFloat32> onePlus = tf.math.add(tf.constant(1f), betaH);
    Operand<TFloat32> last = tf.math.sub(onePlus, tf.math.mul(tf.math.mul(beta, tf.math.square(h)), r));
    Operand<TFloat32> sum = tf.math.add(tf.math.mul(tf.constant((float) (dimension - 1)), tf.math.log(onePlus)),
        tf.math.log(last));
    return tf.squeeze(sum, org.tensorflow.op.core.Squeeze.axis(List.of(-1L)));
  }

  @Override
  public Transformed inverseWithLogDet(Operand<TFloat32> y) {
    Ops tf = opsOf(y);
    Operand<TFloat32> alpha = alpha(tf);
    Operand<TFloat32> beta = beta(tf, alpha);
    Operand<TFloat32> diffY = tf.math.sub(y, z0);
    Operand<TFloat32> rho = norm(tf, diffY);
    // |y - z0| = r (1 + beta / (alpha + r)): r^2 + (alpha + beta - rho) r - alpha rho = 0, positive root.
    Operand<TFloat32> c = tf.math.sub(tf.math.add(alpha, beta), rho);
    Operand<TFloat32> r = tf.math.mul(tf.constant(0.5f), tf.math.add(tf.math.neg(c),
        tf.math.sqrt(tf.math.add(tf.math.square(c), tf.math.mul(tf.constant(4f), tf.math.mul(alpha, rho))))));
    Operand<TFloat32> h = tf.math.reciprocal(tf.math.add(alpha, r));
    Operand<TFloat32> betaH = tf.math.mul(beta, h);
    Operand<TFloat32> x = tf.math.add(z0, tf.math.div(diffY, tf.math.add(tf.constant(1f), betaH)));
    return new Transformed(x, tf.math.neg(logDet(tf, betaH, h, r, beta)));
  }
}
