package dev.helmholtz.graph;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.BroadcastGradientArgs;
import org.tensorflow.op.linalg.TriangularSolve;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * Cholesky factorization, triangular solves and log-determinants with gradients: TensorFlow Java
 * has the ops but none of their gradients. Each is the plain op, attached through {@link
 * GradientDispatch} to a gradient written here (as TensorFlow's Python gradients compute them).
 * Matrices are the last two axes; a triangular solve broadcasts its batch axes, and its gradients
 * are summed back to each input's shape. Float32 and float64 alike.
 */
public final class MatrixGradients {

  static final String CHOLESKY = "helmholtz.Cholesky";
  static final String SOLVE_LOWER = "helmholtz.MatrixTriangularSolve.lower";
  static final String SOLVE_LOWER_TRANSPOSED = "helmholtz.MatrixTriangularSolve.lower.adjoint";
  static final String LOG_ABS_DETERMINANT = "helmholtz.LogMatrixDeterminant";

  static {
    GradientDispatch.define(CHOLESKY, MatrixGradients::choleskyGradient);
    GradientDispatch.define(SOLVE_LOWER, (tf, in, out, grads) -> solveGradient(tf, in, out, grads, false));
    GradientDispatch.define(SOLVE_LOWER_TRANSPOSED, (tf, in, out, grads) -> solveGradient(tf, in, out, grads, true));
    GradientDispatch.define(LOG_ABS_DETERMINANT, MatrixGradients::logAbsDeterminantGradient);
  }

  private MatrixGradients() {}

  /**
   * The lower Cholesky factor L of symmetric positive definite {@code a} (L L^T = a; only the lower
   * triangle of {@code a} is read). Its gradient is TensorFlow's CholeskyGrad (Murray 2016), a
   * symmetric dL/da.
   */
  public static <T extends TNumber> Operand<T> cholesky(Ops tf, Operand<T> a) {
    return first(GradientDispatch.attach(tf, CHOLESKY, List.of(tf.linalg.cholesky(a)), List.of(a)));
  }

  /**
   * {@code L^-1 b}, or {@code L^-T b} when {@code transpose}, for lower-triangular {@code lower}
   * {@code [..., d, d]} (its upper triangle is not read) and {@code b} {@code [..., d, m]}; batch
   * axes broadcast.
   */
  public static <T extends TNumber> Operand<T> triangularSolve(Ops tf, Operand<T> lower, Operand<T> b,
      boolean transpose) {
    Operand<T> x = tf.linalg.triangularSolve(lower, b, TriangularSolve.lower(true),
        TriangularSolve.adjoint(transpose));
    return first(GradientDispatch.attach(tf, transpose ? SOLVE_LOWER_TRANSPOSED : SOLVE_LOWER,
        List.of(x), List.of(lower, b)));
  }

  /** {@code log |det a|} of square {@code a} {@code [..., d, d]}, of shape {@code [...]}. */
  public static <T extends TNumber> Operand<T> logAbsDeterminant(Ops tf, Operand<T> a) {
    Operand<T> logAbsDet = tf.linalg.logMatrixDeterminant(a).logAbsDeterminant();
    return first(GradientDispatch.attach(tf, LOG_ABS_DETERMINANT, List.of(logAbsDet), List.of(a)));
  }

  /** dL/da = CholeskyGrad(L, dL/dL). */
  private static List<Operand<?>> choleskyGradient(Ops tf, List<Operand<?>> inputs, List<Operand<?>> outputs,
      List<Operand<?>> grads) {
    Operand<TNumber> l = typed(outputs.get(0));
    return List.of(tf.linalg.choleskyGrad(l, typed(grads.get(0))));
  }

  /**
   * For x = L^-1 b: db = L^-T dx and dL = -tril(db x^T); for x = L^-T b: db = L^-1 dx and dL =
   * -tril(x db^T). Each summed over the batch axes its input was broadcast along.
   */
  private static List<Operand<?>> solveGradient(Ops tf, List<Operand<?>> inputs, List<Operand<?>> outputs,
      List<Operand<?>> grads, boolean transpose) {
    Operand<TNumber> lower = typed(inputs.get(0));
    Operand<TNumber> b = typed(inputs.get(1));
    Operand<TNumber> x = typed(outputs.get(0));
    Operand<TNumber> dx = typed(grads.get(0));
    Operand<TNumber> db = tf.linalg.triangularSolve(lower, dx, TriangularSolve.lower(true),
        TriangularSolve.adjoint(!transpose));
    Operand<TNumber> outer = transpose ? matmul(tf, x, db, false, true) : matmul(tf, db, x, false, true);
    Operand<TNumber> dLower = tf.math.neg(tf.linalg.bandPart(outer, tf.constant(-1L), tf.constant(0L)));
    Operand<TInt64> lowerShape = tf.shape(lower, TInt64.class);
    Operand<TInt64> bShape = tf.shape(b, TInt64.class);
    BroadcastGradientArgs<TInt64> reduction = tf.broadcastGradientArgs(batchShape(tf, lowerShape), batchShape(tf, bShape));
    return List.of(sumTo(tf, dLower, reduction.r0(), lowerShape), sumTo(tf, db, reduction.r1(), bShape));
  }

  /** d log|det a| / da = a^-T. */
  private static List<Operand<?>> logAbsDeterminantGradient(Ops tf, List<Operand<?>> inputs,
      List<Operand<?>> outputs, List<Operand<?>> grads) {
    Operand<TNumber> a = typed(inputs.get(0));
    Operand<TNumber> g = typed(grads.get(0));
    Operand<TNumber> inverseTransposed = tf.linalg.transpose(tf.linalg.inv(a), transposeLastTwo(tf, a));
    Operand<TNumber> scale = tf.expandDims(tf.expandDims(g, tf.constant(-1)), tf.constant(-1));
    return List.of(tf.math.mul(scale, inverseTransposed));
  }

  /**
   * The permutation swapping the last two axes, from the runtime rank: a gradient function must not
   * read static shapes (TF_GraphGetTensorNumDims waits for the graph's lock, which the gradient
   * builder holds, and the JVM hangs).
   */
  private static Operand<TInt32> transposeLastTwo(Ops tf, Operand<?> a) {
    Operand<TInt32> rank = tf.rank(a);
    Operand<TInt32> two = tf.constant(2);
    Operand<TInt32> leading = tf.range(tf.constant(0), tf.math.sub(rank, two), tf.constant(1));
    Operand<TInt32> last = tf.stack(List.of(tf.math.sub(rank, tf.constant(1)), tf.math.sub(rank, two)));
    return tf.concat(List.of(leading, last), tf.constant(0));
  }

  private static Operand<TNumber> matmul(Ops tf, Operand<TNumber> a, Operand<TNumber> b, boolean adjA,
      boolean adjB) {
    return tf.train.batchMatMul(a, b, a.type(), BatchMatMul.adjX(adjA), BatchMatMul.adjY(adjB));
  }

  private static Operand<TInt64> batchShape(Ops tf, Operand<TInt64> shape) {
    return tf.stridedSlice(shape, tf.constant(new long[] {0}), tf.constant(new long[] {-2}),
        tf.constant(new long[] {1}));
  }

  /** {@code grad} summed over the broadcast batch axes {@code axes} and reshaped to {@code shape}. */
  private static Operand<TNumber> sumTo(Ops tf, Operand<TNumber> grad, Operand<TInt64> axes, Operand<TInt64> shape) {
    return tf.reshape(tf.reduceSum(grad, axes), shape);
  }

  @SuppressWarnings("unchecked")
  private static <T extends TNumber> Operand<T> typed(Operand<?> operand) {
    return (Operand<T>) operand;
  }

  @SuppressWarnings("unchecked")
  private static <T extends TNumber> Operand<T> first(List<Operand<?>> outputs) {
    return (Operand<T>) outputs.get(0);
  }
}
