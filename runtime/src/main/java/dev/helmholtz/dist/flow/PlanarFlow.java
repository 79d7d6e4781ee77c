package dev.helmholtz.dist.flow;

import dev.helmholtz.nn.Nn;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The planar flow of Rezende and Mohamed (2015): f(z) = z + û tanh(wᵀz + b), with log|det| =
 * log|1 + (1 - tanh²(wᵀz + b)) wᵀû|. It is invertible only when wᵀû ≥ -1, so {@code u} is
 * replaced by û = u + (m(wᵀu) - wᵀu) w / |w|², m(a) = -1 + softplus(a) (their appendix A),
 * which makes wᵀû = m(wᵀu) > -1 and the determinant positive. Its inverse has no closed form
 * ({@link #hasInverse} is false): a distribution over it scores the draws it makes itself.
 *
 * <p>Parameters {@code u}, {@code w} ({@code [d]}) and {@code b} (a scalar) are shared by every
 * example, as in ZhuSuan's {@code planar_normalizing_flow}.
 */
public final class PlanarFlow extends Bijector {
  private final Operand<TFloat32> u;
  private final Operand<TFloat32> w;
  private final Operand<TFloat32> b;

  private PlanarFlow(Operand<TFloat32> u, Operand<TFloat32> w, Operand<TFloat32> b) {
    this.u = Objects.requireNonNull(u, "u");
    this.w = Objects.requireNonNull(w, "w");
    this.b = Objects.requireNonNull(b, "b");
  }

  /** A planar flow of the given parameters: {@code u} and {@code w} of shape {@code [d]}, {@code b} a scalar. */
  public static PlanarFlow of(Operand<TFloat32> u, Operand<TFloat32> w, Operand<TFloat32> b) {
    return new PlanarFlow(u, w, b);
  }

  /**
   * A planar flow over {@code [..., dimension]} whose parameters are trainable variables of
   * {@code nn}'s network, {@code <scope>/planar_i/{u,w,b}} (u and w Glorot-uniform, b zero).
   */
  public static PlanarFlow create(Nn nn, int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException("a planar flow needs dimension >= 1, got " + dimension);
    }
    String layer = nn.layerScope("planar");
    return new PlanarFlow(FlowOps.weight(nn, layer, "u", dimension), FlowOps.weight(nn, layer, "w", dimension),
        FlowOps.zeros(nn, layer, "b"));
  }

  /** {@code count} planar flows of {@code nn}, applied in turn (ZhuSuan's {@code n_iters}). */
  public static Bijector stack(Nn nn, int dimension, int count) {
    List<Bijector> flows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      flows.add(create(nn, dimension));
    }
    return chain(flows);
  }

  /** û, with wᵀû = -1 + softplus(wᵀu) > -1. */
  private Operand<TFloat32> uHat(Ops tf) {
    Operand<TFloat32> wu = tf.reduceSum(tf.math.mul(w, u), tf.constant(-1));
    Operand<TFloat32> m = tf.math.sub(tf.math.softplus(wu), tf.constant(1f));
    Operand<TFloat32> wNorm2 = tf.reduceSum(tf.math.square(w), tf.constant(-1));
    return tf.math.add(u, tf.math.mul(tf.math.div(tf.math.sub(m, wu), wNorm2), w));
  }

  @Override
  public Transformed forwardWithLogDet(Operand<TFloat32> z) {
    Ops tf = opsOf(z);
    Operand<TFloat32> uHat = uHat(tf);
    Operand<TFloat32> a = tf.math.add(FlowOps.sumKeep(tf, tf.math.mul(z, w)), b); // [..., 1]
    Operand<TFloat32> h = tf.math.tanh(a);
    Operand<TFloat32> y = tf.math.add(z, tf.math.mul(uHat, h));
    Operand<TFloat32> wuHat = tf.reduceSum(tf.math.mul(w, uHat), tf.constant(-1));
    Operand<TFloat32> slope = tf.math.sub(tf.constant(1f), tf.math.square(h)); // tanh'(a), [..., 1]
    Operand<TFloat32> det = tf.math.add(tf.constant(1f), tf.math.mul(tf.squeeze(slope,
        org.tensorflow.op.core.Squeeze.axis(List.of(-1L))), wuHat));
    return new Transformed(y, tf.math.log(tf.math.abs(det)));
  }

  @Override
  public boolean hasInverse() {
    return false;
  }

  @Override
  public Transformed inverseWithLogDet(Operand<TFloat32> y) {
    throw noInverse();
  }
}
