package dev.helmholtz.dist.flow;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.nn.VariableStore;
import java.util.List;
import java.util.function.BiFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * One bijector in a graph of its own with a {@code [n, d]} input: its forward value and
 * log-determinant, its inverse where it has one, and numerical Jacobians by central differences.
 */
final class FlowHarness implements AutoCloseable {
  final Graph graph = new Graph();
  final Ops tf = Ops.create(graph);
  final int d;
  final Placeholder<TFloat32> x;
  final Bijector bijector;
  final Bijector.Transformed forward;
  final Bijector.Transformed inverse;
  final Session session;

  FlowHarness(int d, BiFunction<Nn, Ops, Bijector> build) {
    this.d = d;
    VariableStore store = new VariableStore(tf, new RandomSource(tf, Seed.of(11)));
    this.bijector = build.apply(new Nn(store, "flow"), tf);
    this.x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, d)));
    this.forward = bijector.forwardWithLogDet(x);
    this.inverse = bijector.hasInverse() ? bijector.inverseWithLogDet(x) : null;
    this.session = new Session(graph);
    if (!store.initializers().isEmpty()) {
      Session.Runner runner = session.runner();
      for (Op op : store.initializers()) {
        runner.addTarget(op);
      }
      runner.run().close();
    }
  }

  /** Runs {@code outputs} with {@code x} fed {@code rows}; each result row-major. */
  float[][] run(float[][] rows, List<Operand<TFloat32>> outputs) {
    float[] flat = new float[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * d, d);
    }
    try (TFloat32 input = TFloat32.tensorOf(Shape.of(rows.length, d), DataBuffers.of(flat, true, false))) {
      Session.Runner runner = session.runner().feed(x, input);
      outputs.forEach(runner::fetch);
      try (Result result = runner.run()) {
        float[][] out = new float[outputs.size()][];
        for (int i = 0; i < outputs.size(); i++) {
          TFloat32 t = (TFloat32) result.get(i);
          out[i] = new float[(int) t.shape().size()];
          t.copyTo(DataBuffers.of(out[i], false, false));
        }
        return out;
      }
    }
  }

  /** The Jacobian of {@code output} (a function of x, {@code [n, d]}) at {@code point}, by central differences. */
  double[][] jacobian(Operand<TFloat32> output, float[] point, double eps) {
    float[][] rows = new float[2 * d][];
    for (int j = 0; j < d; j++) {
      rows[2 * j] = point.clone();
      rows[2 * j][j] += (float) eps;
      rows[2 * j + 1] = point.clone();
      rows[2 * j + 1][j] -= (float) eps;
    }
    float[] y = run(rows, List.of(output))[0];
    double[][] jac = new double[d][d];
    for (int j = 0; j < d; j++) {
      double h = (double) rows[2 * j][j] - rows[2 * j + 1][j]; // the step float32 could represent
      for (int i = 0; i < d; i++) {
        jac[i][j] = (y[2 * j * d + i] - y[(2 * j + 1) * d + i]) / h;
      }
    }
    return jac;
  }

  /** log|det a| by Gaussian elimination with partial pivoting, in double. */
  static double logAbsDet(double[][] a) {
    int n = a.length;
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) {
      m[i] = a[i].clone();
    }
    double logDet = 0;
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
          p = r;
        }
      }
      double[] t = m[p];
      m[p] = m[c];
      m[c] = t;
      logDet += Math.log(Math.abs(m[c][c]));
      for (int r = c + 1; r < n; r++) {
        double f = m[r][c] / m[c][c];
        for (int k = c; k < n; k++) {
          m[r][k] -= f * m[c][k];
        }
      }
    }
    return logDet;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
