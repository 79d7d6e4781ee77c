package dev.helmholtz.gp;

import dev.helmholtz.graph.MatrixGradients;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TFloat64;

/** The matrix steps GP models share, in double precision, each differentiable. */
final class GpMath {
  static final double LOG_2PI = Math.log(2 * Math.PI);

  private GpMath() {}

  /** The n x n identity. */
  static Operand<TFloat64> eye(Ops tf, int n) {
    double[] eye = new double[n * n];
    for (int i = 0; i < n; i++) {
      eye[i * n + i] = 1;
    }
    return GpTensors.constant(tf, eye, new long[] {n, n});
  }

  /** The lower Cholesky factor of {@code a + jitter I}. */
  static Operand<TFloat64> cholesky(Ops tf, Operand<TFloat64> a, int n, double jitter) {
    Operand<TFloat64> stabilized = jitter == 0 ? a : tf.math.add(a, tf.math.mul(eye(tf, n), tf.constant(jitter)));
    return MatrixGradients.cholesky(tf, stabilized);
  }

  /** L^-1 b (L^-T b when {@code transpose}) for lower-triangular L. */
  static Operand<TFloat64> solve(Ops tf, Operand<TFloat64> lower, Operand<TFloat64> b, boolean transpose) {
    return MatrixGradients.triangularSolve(tf, lower, b, transpose);
  }

  /** a b with either transposed. */
  static Operand<TFloat64> matmul(Ops tf, Operand<TFloat64> a, Operand<TFloat64> b, boolean ta, boolean tb) {
    return tf.train.batchMatMul(a, b, TFloat64.class, BatchMatMul.adjX(ta), BatchMatMul.adjY(tb));
  }

  /** The diagonal of an n x n matrix as a masked sum (MatrixDiagPart has no gradient). */
  static Operand<TFloat64> diagonal(Ops tf, Operand<TFloat64> matrix, int n) {
    return tf.reduceSum(tf.math.mul(matrix, eye(tf, n)), tf.constant(-1));
  }

  /** The lower triangle (diagonal included) of a square matrix. */
  static Operand<TFloat64> lowerTriangle(Ops tf, Operand<TFloat64> matrix) {
    return tf.linalg.bandPart(matrix, tf.constant(-1L), tf.constant(0L));
  }

  /** Sum of log |diag L|: half the log-determinant of L L^T. */
  static Operand<TFloat64> halfLogDeterminant(Ops tf, Operand<TFloat64> lower, int n) {
    return tf.reduceSum(tf.math.log(tf.math.abs(diagonal(tf, lower, n))), tf.constant(0));
  }

  /** The column {@code [n, 1]} of a vector {@code [n]}. */
  static Operand<TFloat64> column(Ops tf, Operand<TFloat64> vector) {
    return tf.expandDims(vector, tf.constant(-1));
  }

  /** The sum over axis 0 of the elementwise square: {@code [m, n]} to {@code [n]}. */
  static Operand<TFloat64> columnSquares(Ops tf, Operand<TFloat64> a) {
    return tf.reduceSum(tf.math.square(a), tf.constant(0));
  }
}
