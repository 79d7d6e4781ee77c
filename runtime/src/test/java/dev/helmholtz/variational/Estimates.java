package dev.helmholtz.variational;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Test helpers for Monte Carlo checks: means with standard errors, and runs that feed x. */
final class Estimates {
  private Estimates() {}

  /** The sample mean and its standard error (n - 1 variance). */
  record MeanError(double mean, double error) {
    @Override
    public String toString() {
      return String.format("%.5f +- %.5f", mean, error);
    }
  }

  static MeanError of(double[] values) {
    int n = values.length;
    double mean = 0;
    for (double v : values) {
      mean += v / n;
    }
    double variance = 0;
    for (double v : values) {
      variance += (v - mean) * (v - mean) / (n - 1);
    }
    return new MeanError(mean, Math.sqrt(variance / n));
  }

  /** Mean and standard error of a - b over paired values. */
  static MeanError paired(double[] a, double[] b) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    return of(d);
  }

  /** The sample variance (n - 1) of column j of runs [n][d]. */
  static double variance(double[][] runs, int j) {
    double[] column = new double[runs.length];
    for (int i = 0; i < runs.length; i++) {
      column[i] = runs[i][j];
    }
    MeanError m = of(column);
    return m.error() * m.error() * runs.length;
  }

  /** A float tensor [rows, width] from a flat row-major array; the caller closes it. */
  static TFloat32 matrix(float[] flat, int width) {
    return TFloat32.tensorOf(Shape.of(flat.length / width, width), DataBuffers.of(flat, true, false));
  }

  /** Runs the model's session once with {@code x} fed, returning each fetch flattened. */
  static float[][] run(VariationalModel model, TFloat32 x, List<? extends Operand<TFloat32>> fetches) {
    Session.Runner runner = model.feedWholeBatch(model.session().runner(), "x", x);
    fetches.forEach(runner::fetch);
    try (Result result = runner.run()) {
      float[][] out = new float[fetches.size()][];
      for (int i = 0; i < out.length; i++) {
        TFloat32 t = (TFloat32) result.get(i);
        out[i] = new float[(int) t.shape().size()];
        t.copyTo(DataBuffers.of(out[i], false, false));
      }
      return out;
    }
  }
}
