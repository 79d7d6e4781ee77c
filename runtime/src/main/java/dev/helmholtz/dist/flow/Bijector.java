package dev.helmholtz.dist.flow;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * An invertible, differentiable map y = f(x) of float32 values with event rank 1, and the log
 * absolute determinant of its Jacobian: what a {@link dev.helmholtz.dist.TransformedDistribution}
 * pushes its base through. Values are {@code [..., d]}; every leading axis is a batch (or sample)
 * axis and log-determinants are summed over the event axis, {@code [...]}, as log densities are.
 *
 * <p>The elementwise bijectors ({@link #exp}, {@link #softplus}, {@link #sigmoid}, {@link
 * #affine}) and {@link #chain} have closed-form inverses. The flows ({@link PlanarFlow}, {@link
 * RadialFlow}, {@link InverseAutoregressiveFlow}, {@link MaskedAutoregressiveFlow}, {@link
 * AffineCoupling}) have trainable parameters; a flow whose inverse has no closed form says so in
 * {@link #hasInverse}, and a distribution over it scores only the values it drew itself.
 */
public abstract class Bijector {

  /** A transformed value and the log absolute determinant of the Jacobian that took it there. */
  public record Transformed(Operand<TFloat32> value, Operand<TFloat32> logDetJacobian) {
    public Transformed {
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(logDetJacobian, "logDetJacobian");
    }
  }

  /** The bijector's name in messages: "PlanarFlow", "Exp". */
  public String name() {
    return getClass().getSimpleName();
  }

  /**
   * y = f(x) and log|det df/dx| at x, {@code [..., d]} and {@code [...]}: one computation, since
   * flows share most of the work between the two.
   */
  public abstract Transformed forwardWithLogDet(Operand<TFloat32> x);

  /** y = f(x), of x's shape. */
  public Operand<TFloat32> forward(Operand<TFloat32> x) {
    return forwardWithLogDet(x).value();
  }

  /** log|det df/dx| at x, summed over the event axis. */
  public Operand<TFloat32> forwardLogDetJacobian(Operand<TFloat32> x) {
    return forwardWithLogDet(x).logDetJacobian();
  }

  /** Whether {@link #inverseWithLogDet} exists (in closed form or by a fixed number of passes). */
  public boolean hasInverse() {
    return true;
  }

  /**
   * x = f^-1(y) and log|det df^-1/dy| at y, which is {@code -log|det df/dx|} at x.
   *
   * @throws IllegalStateException when the bijector has no inverse ({@link #hasInverse} false)
   */
  public abstract Transformed inverseWithLogDet(Operand<TFloat32> y);

  /** x = f^-1(y). @throws IllegalStateException when there is no inverse */
  public Operand<TFloat32> inverse(Operand<TFloat32> y) {
    return inverseWithLogDet(y).value();
  }

  /** log|det df^-1/dy| at y. @throws IllegalStateException when there is no inverse */
  public Operand<TFloat32> inverseLogDetJacobian(Operand<TFloat32> y) {
    return inverseWithLogDet(y).logDetJacobian();
  }

  /**
   * The same bijector with {@code f} applied to its per-example conditioning tensors (an affine
   * map's per-example location and scale, an autoregressive flow's context), as {@link
   * dev.helmholtz.dist.Distribution#mapParameters} applies it to a family's parameters;
   * trainable weights shared by all examples are left as they are. Returns {@code this} when it
   * has none.
   */
  public Bijector mapConditioning(UnaryOperator<Operand<TFloat32>> f) {
    return this;
  }

  /** The error of a bijector with no inverse, naming it. */
  IllegalStateException noInverse() {
    return new IllegalStateException(name() + " has no closed-form inverse, so a distribution over it "
        + "scores only the values it drew itself (its own rsample, sample or mean); use a "
        + "MaskedAutoregressiveFlow, InverseAutoregressiveFlow or AffineCoupling where values from "
        + "elsewhere must be scored");
  }

  /** Ops of the value's environment. */
  static Ops opsOf(Operand<?> x) {
    return Ops.create(Objects.requireNonNull(x, "value").env());
  }

  /** Sum over the event (last) axis. */
  static Operand<TFloat32> sumEvent(Ops tf, Operand<TFloat32> x) {
    return tf.reduceSum(x, tf.constant(-1));
  }

  /** y = exp(x); log|det| = sum x; inverse log y. */
  public static Bijector exp() {
    return new ElementwiseBijector.Exp();
  }

  /** y = log(1 + exp(x)), onto the positive reals; inverse y + log(-expm1(-y)). */
  public static Bijector softplus() {
    return new ElementwiseBijector.Softplus();
  }

  /** y = 1 / (1 + exp(-x)), onto (0, 1); inverse log y - log(1 - y). */
  public static Bijector sigmoid() {
    return new ElementwiseBijector.Sigmoid();
  }

  /**
   * y = loc + scale * x, elementwise; {@code scale} must be nonzero. Both broadcast against the
   * value: scalars, {@code [d]}, or per-example {@code [B, d]} (mapped with the distribution).
   */
  public static Bijector affine(Operand<TFloat32> loc, Operand<TFloat32> scale) {
    return new ElementwiseBijector.Affine(loc, scale);
  }

  /**
   * The composition of {@code bijectors} in the order given: the first is applied first, so
   * {@code chain(a, b)} maps x to b(a(x)) (Pyro's order; TensorFlow Probability's {@code Chain}
   * lists them the other way round).
   */
  public static Bijector chain(Bijector... bijectors) {
    return new Chain(List.of(bijectors));
  }

  /** {@link #chain(Bijector...)} of a list. */
  public static Bijector chain(List<? extends Bijector> bijectors) {
    return new Chain(List.copyOf(bijectors));
  }
}
