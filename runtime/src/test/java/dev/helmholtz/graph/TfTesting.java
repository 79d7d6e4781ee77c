package dev.helmholtz.graph;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** Test helpers: run a session and copy float32 results out (closing every tensor). */
public final class TfTesting {

  private TfTesting() {}

  /** A fetched tensor: its shape and its values, flattened row-major. */
  public record Fetched(long[] shape, float[] values) {
    public float get(int i) {
      return values[i];
    }

    public int size() {
      return values.length;
    }
  }

  /** Runs {@code s} once, fetching all operands in the same step. */
  public static List<Fetched> fetch(Session s, Operand<?>... operands) {
    Session.Runner runner = s.runner();
    for (Operand<?> o : operands) {
      runner.fetch(o);
    }
    try (Result result = runner.run()) {
      List<Fetched> out = new ArrayList<>(operands.length);
      for (int i = 0; i < operands.length; i++) {
        out.add(copy(result.get(i)));
      }
      return out;
    }
  }

  /** Runs {@code s} once, fetching one float operand. */
  public static Fetched fetchOne(Session s, Operand<?> operand) {
    return fetch(s, operand).get(0);
  }

  /** Copies a float32 or int64 tensor (int64 is converted to float). */
  public static Fetched copy(Tensor t) {
    Shape shape = t.shape();
    int n = (int) shape.size();
    float[] values = new float[n];
    if (t instanceof TFloat32 f) {
      f.copyTo(DataBuffers.of(values, false, false));
    } else if (t instanceof TInt64 l) {
      long[] longs = new long[n];
      l.copyTo(DataBuffers.of(longs, false, false));
      for (int i = 0; i < n; i++) {
        values[i] = longs[i];
      }
    } else {
      throw new IllegalArgumentException("unsupported tensor type " + t.dataType());
    }
    return new Fetched(shape.asArray(), values);
  }

  /** A float32 tensor of the given shape from row-major values; the caller closes it. */
  public static TFloat32 tensor(Shape shape, float... values) {
    return TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
  }

  /** Sample mean. */
  public static double mean(float[] xs) {
    double s = 0;
    for (float x : xs) {
      s += x;
    }
    return s / xs.length;
  }

  /** Sample standard deviation (n - 1 denominator). */
  public static double std(float[] xs) {
    double m = mean(xs);
    double s = 0;
    for (float x : xs) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / (xs.length - 1));
  }

  /** Column {@code j} of a row-major matrix with {@code cols} columns. */
  public static float[] column(float[] values, int cols, int j) {
    float[] out = new float[values.length / cols];
    for (int i = 0; i < out.length; i++) {
      out[i] = values[i * cols + j];
    }
    return out;
  }
}
