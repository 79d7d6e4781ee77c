package dev.helmholtz.dist;

import dev.helmholtz.graph.MatrixGradients;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Batched matrix helpers of the multivariate families: matrices are the last two axes, every
 * leading axis a batch axis, and batch axes broadcast. The decompositions ({@link #cholesky},
 * {@link #solveLower}) are {@link MatrixGradients}', with the gradients TensorFlow Java lacks.
 */
final class LinearAlgebra {

  private LinearAlgebra() {}

  /** {@code a b} (with {@code a} or {@code b} transposed when asked), batch axes broadcast. */
  static Operand<TFloat32> matmul(Ops tf, Operand<TFloat32> a, Operand<TFloat32> b, boolean transposeA,
      boolean transposeB) {
    return tf.train.batchMatMul(a, b, TFloat32.class,
        BatchMatMul.adjX(transposeA), BatchMatMul.adjY(transposeB));
  }

  /** {@code L^-1 B} (or {@code L^-T B}) for lower-triangular {@code L}, with a gradient. */
  static Operand<TFloat32> solveLower(Ops tf, Operand<TFloat32> lower, Operand<TFloat32> rhs, boolean transpose) {
    return MatrixGradients.triangularSolve(tf, lower, rhs, transpose);
  }

  /** The lower Cholesky factor of symmetric positive definite {@code a}, with a gradient. */
  static Operand<TFloat32> cholesky(Ops tf, Operand<TFloat32> a) {
    return MatrixGradients.cholesky(tf, a);
  }

  /** The d x d identity. */
  static Operand<TFloat32> eye(Ops tf, int d) {
    float[][] eye = new float[d][d];
    for (int i = 0; i < d; i++) {
      eye[i][i] = 1f;
    }
    return tf.constant(eye);
  }

  /** The d x d identity for a size known only when the graph runs. */
  static Operand<TFloat32> eye(Ops tf, Operand<TInt32> d) {
    return tf.oneHot(tf.range(tf.constant(0), d, tf.constant(1)), d, tf.constant(1f), tf.constant(0f));
  }

  /** The identity matching the last axis of {@code vector}: a constant when its width is static. */
  static Operand<TFloat32> eyeLike(Ops tf, Operand<TFloat32> vector) {
    long d = DistOps.lastDim(vector.shape());
    if (d != Shape.UNKNOWN_SIZE) {
      return eye(tf, Math.toIntExact(d));
    }
    Operand<TInt64> shape = tf.shape(vector, TInt64.class);
    Operand<TInt32> size = tf.dtypes.cast(tf.gather(shape, tf.math.sub(tf.rank(vector), tf.constant(1)), tf.constant(0)), TInt32.class);
    return eye(tf, size);
  }

  /** 1 on and below the diagonal, 0 above: the d x d lower-triangle mask. */
  static Operand<TFloat32> lowerMask(Ops tf, int d) {
    float[][] mask = new float[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        mask[i][j] = 1f;
      }
    }
    return tf.constant(mask);
  }

  /** The diagonal {@code [..., d]} of {@code [..., d, d]} (a masked sum: MatrixDiagPart has no gradient). */
  static Operand<TFloat32> diagonal(Ops tf, Operand<TFloat32> matrix, int d) {
    return tf.reduceSum(tf.math.mul(matrix, eye(tf, d)), tf.constant(-1));
  }

  /** The diagonal matrix {@code [..., d, d]} of {@code [..., d]} (MatrixDiag has no gradient). */
  static Operand<TFloat32> diagonalMatrix(Ops tf, Operand<TFloat32> vector, int d) {
    return tf.math.mul(tf.expandDims(vector, tf.constant(-1)), eye(tf, d));
  }

  /** The sum of squares over the last two axes: a squared Frobenius norm per batch element. */
  static Operand<TFloat32> sumSquares(Ops tf, Operand<TFloat32> matrix) {
    return tf.reduceSum(tf.math.square(matrix), tf.constant(new int[] {-2, -1}));
  }

  /** The size d of a packed lower triangle of {@code entries} = d (d + 1) / 2, or -1. */
  static int triangleSide(long entries) {
    int d = (int) Math.round((Math.sqrt(8.0 * entries + 1) - 1) / 2);
    return (long) d * (d + 1) / 2 == entries && d >= 1 ? d : -1;
  }

  /**
   * The lower-triangular {@code [..., d, d]} whose rows below and on the diagonal are {@code
   * packed}'s {@code [..., d (d + 1) / 2]} entries read row by row: (0,0), (1,0), (1,1), (2,0) ...
   */
  static Operand<TFloat32> fillLower(Ops tf, Operand<TFloat32> packed, int d) {
    int[] index = new int[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        index[i * d + j] = j <= i ? i * (i + 1) / 2 + j : 0; // above the diagonal: masked below
      }
    }
    // GatherV2's gradient slices by the axis, so the axis must not be negative.
    Operand<TFloat32> flat = tf.gather(packed, tf.constant(index), tf.math.sub(tf.rank(packed), tf.constant(1)));
    Operand<TInt64> shape = tf.concat(List.of(leadingShape(tf, packed), tf.constant(new long[] {d, d})),
        tf.constant(0));
    return tf.math.mul(tf.reshape(flat, shape), lowerMask(tf, d));
  }

  /** Every axis of {@code x}'s runtime shape but the last. */
  static Operand<TInt64> leadingShape(Ops tf, Operand<TFloat32> x) {
    return tf.stridedSlice(tf.shape(x, TInt64.class), tf.constant(new long[] {0}), tf.constant(new long[] {-1}),
        tf.constant(new long[] {1}));
  }

  /**
   * {@code f} applied to each column {@code [..., d]} of {@code matrix} {@code [..., d, m]}, the
   * columns stacked again: the view of a matrix parameter that {@link Distribution#mapParameters}
   * hands out, shaped like a value. A matrix of rank below 2 cannot be split and is returned as is.
   */
  static Operand<TFloat32> mapColumns(Ops tf, Operand<TFloat32> matrix, int columns,
      UnaryOperator<Operand<TFloat32>> f) {
    List<Operand<TFloat32>> mapped = new ArrayList<>(columns);
    for (Operand<TFloat32> column : tf.unstack(matrix, (long) columns, org.tensorflow.op.core.Unstack.axis(-1L))) {
      mapped.add(f.apply(column));
    }
    return tf.stack(mapped, org.tensorflow.op.core.Stack.axis(-1L));
  }

  /** The static size of axis {@code axis} (negative from the end), or -1 when unknown. */
  static long staticDim(Shape shape, int axis) {
    if (shape.isUnknown() || shape.numDimensions() < -axis) {
      return -1;
    }
    return shape.get(shape.numDimensions() + axis);
  }
}
