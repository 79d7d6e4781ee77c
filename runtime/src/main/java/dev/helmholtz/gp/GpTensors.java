package dev.helmholtz.gp;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;

/** Double-precision tensors in and out of the GP graphs. */
final class GpTensors {
  private GpTensors() {}

  /** A tensor of {@code shape} holding {@code values} row-major (the caller closes it). */
  static TFloat64 tensor(double[] values, long[] shape) {
    return TFloat64.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
  }

  /** An {@code [n, d]} tensor of the rows (the caller closes it). */
  static TFloat64 tensor(double[][] rows) {
    int d = rows.length == 0 ? 0 : rows[0].length;
    double[] flat = new double[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != d) {
        throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, row 0 has " + d);
      }
      System.arraycopy(rows[i], 0, flat, i * d, d);
    }
    return tensor(flat, new long[] {rows.length, d});
  }

  /** A constant of {@code shape} holding {@code values}. */
  static Operand<TFloat64> constant(Ops tf, double[] values, long[] shape) {
    return tf.constant(Shape.of(shape), DataBuffers.of(values, true, false));
  }

  /** The tensor's values, row-major. */
  static double[] values(TFloat64 tensor) {
    double[] out = new double[Math.toIntExact(tensor.shape().size())];
    tensor.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  /** An {@code [n, m]} tensor's values as rows. */
  static double[][] matrix(TFloat64 tensor, int n, int m) {
    double[] flat = values(tensor);
    double[][] out = new double[n][m];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * m, out[i], 0, m);
    }
    return out;
  }
}
