package dev.helmholtz.dist;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/** Shared helpers of the distribution families. */
final class DistOps {

  static final double LOG_2PI = Math.log(2 * Math.PI);

  private DistOps() {}

  /**
   * Ops for the environment an operand lives in. {@code Ops.create(env)} wraps the environment's
   * one base scope, so its name bookkeeping is shared with every other root {@code Ops} of that
   * graph: ops created here cannot collide by name with ops created elsewhere.
   */
  static Ops opsOf(Operand<?> operand) {
    Objects.requireNonNull(operand, "operand");
    return Ops.create(operand.env());
  }

  static void requireSameEnv(Operand<?> a, Operand<?> b) {
    ExecutionEnvironment ea = a.env();
    ExecutionEnvironment eb = b.env();
    if (ea != eb) {
      throw new IllegalArgumentException("parameters belong to different graphs/environments");
    }
  }

  /** Sum over the last (event) axis. */
  static Operand<TFloat32> sumEvent(Ops tf, Operand<TFloat32> x) {
    return tf.reduceSum(x, tf.constant(-1));
  }

  static Operand<TInt64> shapeOf(Ops tf, Operand<TFloat32> x) {
    return tf.shape(x, TInt64.class);
  }

  /** Runtime broadcast shape of two operands. */
  static Operand<TInt64> broadcastShape(Ops tf, Operand<TFloat32> a, Operand<TFloat32> b) {
    if (sameKnownShape(a.shape(), b.shape())) {
      return shapeOf(tf, a);
    }
    return tf.broadcastDynamicShape(shapeOf(tf, a), shapeOf(tf, b));
  }

  /**
   * {@code x} broadcast to {@code target}'s runtime shape; returned as is when the static shapes
   * already agree. The target goes to BroadcastTo as int32: its gradient pairs the target with the
   * input's int32 shape, and an int64 target fails to differentiate when the batch is unknown.
   */
  static Operand<TFloat32> broadcastTo(
      Ops tf, Operand<TFloat32> x, Shape staticTarget, Operand<TInt64> target) {
    if (sameKnownShape(x.shape(), staticTarget)) {
      return x;
    }
    return tf.broadcastTo(x, tf.dtypes.cast(target, TInt32.class));
  }

  /** Static broadcast of two shapes, as far as it is known (unknown rank gives unknown). */
  static Shape staticBroadcast(Shape a, Shape b) {
    if (a.isUnknown() || b.isUnknown()) {
      return Shape.unknown();
    }
    int rank = Math.max(a.numDimensions(), b.numDimensions());
    long[] dims = new long[rank];
    for (int i = 0; i < rank; i++) {
      int ia = a.numDimensions() - rank + i;
      int ib = b.numDimensions() - rank + i;
      long da = ia >= 0 ? a.get(ia) : 1;
      long db = ib >= 0 ? b.get(ib) : 1;
      if (da == 1) {
        dims[i] = db;
      } else if (db == 1) {
        dims[i] = da;
      } else if (da == Shape.UNKNOWN_SIZE) {
        dims[i] = db;
      } else if (db == Shape.UNKNOWN_SIZE || da == db) {
        dims[i] = da;
      } else {
        throw new IllegalArgumentException("shapes " + a + " and " + b + " do not broadcast");
      }
    }
    return Shape.of(dims);
  }

  /**
   * {@code f} applied to groups of {@code classes} consecutive entries of the last axis: {@code x}
   * of shape [..., d] is viewed as [n, classes] with n = (size of x) / classes, {@code f} maps that
   * to a tensor of the same shape (acting on the last axis, e.g. softmax), and the result is viewed
   * as {@code x}'s shape again. {@code f} always sees a matrix: TensorFlow's C++ gradient of
   * LogSoftmax sums over axis 1 whatever the rank, so on a [k, B, classes] input (k samples, or
   * groups) it was wrong. A rank-2 input of one group is passed as it is. A width that is not a
   * multiple of {@code classes} fails at run time in the Reshape when it is not known statically
   * (the factories reject it when it is).
   */
  static Operand<TFloat32> perGroup(
      Ops tf, Operand<TFloat32> x, int classes, UnaryOperator<Operand<TFloat32>> f) {
    long width = lastDim(x.shape());
    if (width == classes && !x.shape().isUnknown() && x.shape().numDimensions() == 2) {
      return f.apply(x);
    }
    Operand<TInt64> shape = shapeOf(tf, x);
    if (width != Shape.UNKNOWN_SIZE) {
      // The static width stays known downstream (layers size their kernels by it).
      Operand<TInt64> leading = tf.stridedSlice(shape, tf.constant(new long[] {0}), tf.constant(new long[] {-1}),
          tf.constant(new long[] {1}));
      shape = tf.concat(List.of(leading, tf.constant(new long[] {width})), tf.constant(0));
    }
    Operand<TFloat32> matrix = tf.reshape(x, tf.constant(new long[] {-1, classes}));
    return tf.reshape(f.apply(matrix), shape);
  }

  /** The static size of the last axis, or {@link Shape#UNKNOWN_SIZE}. */
  static long lastDim(Shape shape) {
    if (shape.isUnknown() || shape.numDimensions() == 0) {
      return Shape.UNKNOWN_SIZE;
    }
    return shape.get(shape.numDimensions() - 1);
  }

  /**
   * {@code hard} in the forward pass with the gradient of {@code soft}: the straight-through
   * estimator (Bengio et al. 2013). {@code soft - stopGradient(soft)} is exactly 0, so the forward
   * value is exactly {@code hard}, which itself must carry no gradient.
   */
  static Operand<TFloat32> straightThrough(
      Ops tf, Operand<TFloat32> hard, Operand<TFloat32> soft) {
    return tf.math.add(tf.stopGradient(hard), tf.math.sub(soft, tf.stopGradient(soft)));
  }

  /**
   * {@code temperature} when finite and positive.
   *
   * @throws IllegalArgumentException naming the family and the value otherwise
   */
  static float requireTemperature(String family, float temperature) {
    if (!(Float.isFinite(temperature) && temperature > 0)) {
      throw new IllegalArgumentException(
          family + ": temperature must be finite and > 0, got " + temperature);
    }
    return temperature;
  }

  static boolean sameKnownShape(Shape a, Shape b) {
    return !a.isUnknown() && !a.hasUnknownDimension() && a.equals(b);
  }

  /**
   * {@code value} where {@code inSupport}, 1 elsewhere: what a log density takes the logarithm
   * of, so that a value outside the support gives no NaN (whose gradient, even multiplied by the
   * zero a Select gives the branch not taken, is NaN).
   */
  static Operand<TFloat32> orOne(Ops tf, Operand<TBool> inSupport, Operand<TFloat32> value) {
    return tf.select(inSupport, value, tf.constant(1f));
  }
}
