package dev.helmholtz.dist.flow;

import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A bijector that maps each coordinate on its own: its Jacobian is diagonal, so log|det| is the
 * sum over the event axis of log|f'(x_i)|.
 */
abstract class ElementwiseBijector extends Bijector {

  abstract Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x);

  abstract Operand<TFloat32> applyInverse(Ops tf, Operand<TFloat32> y);

  /** log|f'(x)| elementwise, of x's shape. */
  abstract Operand<TFloat32> logDerivative(Ops tf, Operand<TFloat32> x);

  @Override
  public Transformed forwardWithLogDet(Operand<TFloat32> x) {
    Ops tf = opsOf(x);
    return new Transformed(apply(tf, x), sumEvent(tf, logDerivative(tf, x)));
  }

  @Override
  public Transformed inverseWithLogDet(Operand<TFloat32> y) {
    Ops tf = opsOf(y);
    Operand<TFloat32> x = applyInverse(tf, y);
    return new Transformed(x, tf.math.neg(sumEvent(tf, logDerivative(tf, x))));
  }

  static final class Exp extends ElementwiseBijector {
    @Override
    Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
      return tf.math.exp(x);
    }

    @Override
    Operand<TFloat32> applyInverse(Ops tf, Operand<TFloat32> y) {
      return tf.math.log(y);
    }

    @Override
    Operand<TFloat32> logDerivative(Ops tf, Operand<TFloat32> x) {
      return x;
    }
  }

  static final class Softplus extends ElementwiseBijector {
    @Override
    Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
      return tf.math.softplus(x);
    }

    /** y + log(-expm1(-y)): log(exp(y) - 1) without overflow for large y. */
    @Override
    Operand<TFloat32> applyInverse(Ops tf, Operand<TFloat32> y) {
      return tf.math.add(y, tf.math.log(tf.math.neg(tf.math.expm1(tf.math.neg(y)))));
    }

    /** log sigmoid(x) = -softplus(-x). */
    @Override
    Operand<TFloat32> logDerivative(Ops tf, Operand<TFloat32> x) {
      return tf.math.neg(tf.math.softplus(tf.math.neg(x)));
    }
  }

  static final class Sigmoid extends ElementwiseBijector {
    @Override
    Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
      return tf.math.sigmoid(x);
    }

    @Override
    Operand<TFloat32> applyInverse(Ops tf, Operand<TFloat32> y) {
      return tf.math.sub(tf.math.log(y), tf.math.log1p(tf.math.neg(y)));
    }

    /** log(sigmoid(x) (1 - sigmoid(x))) = -softplus(-x) - softplus(x). */
    @Override
    Operand<TFloat32> logDerivative(Ops tf, Operand<TFloat32> x) {
      return tf.math.neg(tf.math.add(tf.math.softplus(tf.math.neg(x)), tf.math.softplus(x)));
    }
  }

  static final class Affine extends ElementwiseBijector {
    private final Operand<TFloat32> loc;
    private final Operand<TFloat32> scale;

    Affine(Operand<TFloat32> loc, Operand<TFloat32> scale) {
      this.loc = Objects.requireNonNull(loc, "loc");
      this.scale = Objects.requireNonNull(scale, "scale");
    }

    @Override
    Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
      return tf.math.add(loc, tf.math.mul(scale, x));
    }

    @Override
    Operand<TFloat32> applyInverse(Ops tf, Operand<TFloat32> y) {
      return tf.math.div(tf.math.sub(y, loc), scale);
    }

    /** log|scale|, broadcast to the value's shape (a scalar scale counts once per coordinate). */
    @Override
    Operand<TFloat32> logDerivative(Ops tf, Operand<TFloat32> x) {
      return tf.math.add(tf.math.log(tf.math.abs(scale)), tf.zerosLike(x));
    }

    @Override
    public Bijector mapConditioning(UnaryOperator<Operand<TFloat32>> f) {
      return new Affine(f.apply(loc), f.apply(scale));
    }
  }
}
