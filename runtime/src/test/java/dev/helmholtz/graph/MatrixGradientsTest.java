package dev.helmholtz.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat64;

/**
 * The dispatched gradients of Cholesky, the triangular solves and the log-determinant against
 * central finite differences of the forward ops, in float64: a scalar loss {@code sum(W * f(x))}
 * with a fixed random weight W, differentiated with respect to every entry of x.
 */
class MatrixGradientsTest {

  private static final double H = 1e-6;

  /** Checks d loss / d x against finite differences, x of {@code shape} starting at {@code at}. */
  private static void check(String what, long[] shape, double[] at,
      BiFunction<Ops, Operand<TFloat64>, Operand<TFloat64>> f) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat64> x = tf.placeholder(TFloat64.class, Placeholder.shape(Shape.of(shape)));
      Operand<TFloat64> y = f.apply(tf, x);
      double[] weights = new Random(7).doubles(Shape.of(y.shape().asArray()).size()).map(w -> w - 0.3).toArray();
      Operand<TFloat64> loss = tf.reduceSum(tf.math.mul(y, tf.reshape(tf.constant(weights),
          tf.shape(y))), tf.range(tf.constant(0), tf.rank(y), tf.constant(1)));
      Operand<?> dx = tf.gradients(loss, List.of(x)).dy().get(0);
      double[] gradient = run(s, x, shape, at, dx);
      for (int i = 0; i < at.length; i++) {
        double[] plus = at.clone();
        double[] minus = at.clone();
        plus[i] += H;
        minus[i] -= H;
        double fd = (run(s, x, shape, plus, loss)[0] - run(s, x, shape, minus, loss)[0]) / (2 * H);
        assertEquals(fd, gradient[i], 1e-6 * Math.max(1, Math.abs(fd)), what + ": d loss / d x[" + i + "]");
      }
    }
  }

  private static double[] run(Session s, Placeholder<TFloat64> x, long[] shape, double[] values, Operand<?> fetch) {
    try (TFloat64 in = TFloat64.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
        Result r = s.runner().feed(x, in).fetch(fetch).run()) {
      TFloat64 out = (TFloat64) r.get(0);
      double[] copy = new double[(int) out.shape().size()];
      out.copyTo(DataBuffers.of(copy, false, false));
      return copy;
    }
  }

  private static double[] random(int n, long seed) {
    return new Random(seed).doubles(n).map(v -> 2 * v - 1).toArray();
  }

  /** A well-conditioned lower-triangular {@code [batch..., d, d]}: random entries, diagonal 1.5..2.5 in size. */
  private static double[] lower(int batch, int d, long seed) {
    double[] m = random(batch * d * d, seed);
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < d; i++) {
        int at = b * d * d + i * d + i;
        m[at] = (m[at] < 0 ? -2 : 2) + 0.5 * m[at];
      }
    }
    return m;
  }

  @Test
  void choleskyOfASymmetricPositiveDefiniteMatrix() {
    // A = M M^T + d I for a free M: every entry of M moves A symmetrically, as a Cholesky input must.
    check("cholesky", new long[] {2, 3, 3}, random(18, 1), (tf, m) -> {
      Operand<TFloat64> a = tf.math.add(tf.train.batchMatMul(m, m, TFloat64.class,
          org.tensorflow.op.train.BatchMatMul.adjY(true)), tf.constant(new double[][] {{3, 0, 0}, {0, 3, 0}, {0, 0, 3}}));
      return MatrixGradients.cholesky(tf, a);
    });
  }

  @Test
  void triangularSolveWithRespectToTheMatrix() {
    double[][] b = {{1, -0.5}, {0.3, 2}, {-1, 0.7}};
    check("solve L^-1 b, d / dL", new long[] {2, 3, 3}, lower(2, 3, 2),
        (tf, l) -> MatrixGradients.triangularSolve(tf, l, tf.constant(b), false));
    check("solve L^-T b, d / dL", new long[] {2, 3, 3}, lower(2, 3, 3),
        (tf, l) -> MatrixGradients.triangularSolve(tf, l, tf.constant(b), true));
  }

  @Test
  void triangularSolveWithRespectToTheRightHandSideBroadcastAgainstTheMatrix() {
    double[] l = lower(1, 3, 4);
    double[][] matrix = {{l[0], l[1], l[2]}, {l[3], l[4], l[5]}, {l[6], l[7], l[8]}};
    check("solve L^-1 b, d / db", new long[] {4, 3, 2}, random(24, 5),
        (tf, b) -> MatrixGradients.triangularSolve(tf, tf.constant(matrix), b, false));
    check("solve L^-T b, d / db", new long[] {4, 3, 2}, random(24, 6),
        (tf, b) -> MatrixGradients.triangularSolve(tf, tf.constant(matrix), b, true));
    // The matrix has no batch axis, the right-hand side four: dL sums over them.
    check("solve L^-1 b, d / dL broadcast", new long[] {3, 3}, l,
        (tf, x) -> MatrixGradients.triangularSolve(tf, x, tf.reshape(tf.constant(random(24, 8)), tf.constant(new long[] {4, 3, 2})), false));
  }

  @Test
  void logAbsDeterminantOfAGeneralMatrix() {
    double[] a = random(18, 9);
    for (int b = 0; b < 2; b++) {
      for (int i = 0; i < 3; i++) {
        a[b * 9 + i * 4] += b == 0 ? 3 : -3; // well away from singular, one of negative determinant
      }
    }
    check("log |det a|", new long[] {2, 3, 3}, a, MatrixGradients::logAbsDeterminant);
  }
}
