package dev.helmholtz.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class MaximumMeanDiscrepancyTest {
  private static final float[][] X = {{0f, 0f}, {1f, 0f}, {0f, 2f}};
  private static final float[][] Y = {{0.5f, 0.5f}, {3f, 1f}};
  private static final double[] BANDWIDTHS = {0.5, 2.0};

  /** The mixture kernel written out by hand. */
  private static double k(float[] a, float[] b) {
    double d2 = 0;
    for (int i = 0; i < a.length; i++) {
      d2 += (a[i] - b[i]) * (a[i] - b[i]);
    }
    double sum = 0;
    for (double s : BANDWIDTHS) {
      sum += Math.exp(-d2 / (2 * s * s));
    }
    return sum;
  }

  /** Gretton et al.'s unbiased MMD^2, summed pair by pair. */
  private static double byHand(float[][] x, float[][] y) {
    int m = x.length;
    int n = y.length;
    double xx = 0;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        xx += i == j ? 0 : k(x[i], x[j]);
      }
    }
    double yy = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        yy += i == j ? 0 : k(y[i], y[j]);
      }
    }
    double xy = 0;
    for (float[] a : x) {
      for (float[] b : y) {
        xy += k(a, b);
      }
    }
    return xx / (m * (m - 1.0)) + yy / (n * (n - 1.0)) - 2 * xy / (m * (double) n);
  }

  private static double evaluate(float[][] x, float[][] y) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> mmd = MaximumMeanDiscrepancy.gaussianMixture(BANDWIDTHS)
          .squared(tf, tf.constant(x), tf.constant(y));
      try (Result r = s.runner().fetch(mmd).run()) {
        TFloat32 value = (TFloat32) r.get(0);
        return value.getFloat();
      }
    }
  }

  @Test
  void matchesTheStatisticComputedByHand() {
    double expected = byHand(X, Y);
    assertEquals(-0.32333, expected, 1e-4); // the hand sum itself (negative: unbiased, 3 and 2 rows)
    assertEquals(expected, evaluate(X, Y), 1e-5);
  }

  @Test
  void isSymmetricAndNearZeroForOneSampleSplitInTwo() {
    assertEquals(evaluate(X, Y), evaluate(Y, X), 1e-5);
    // Two halves of one batch: the unbiased estimate is small, of either sign.
    float[][] a = {{0f, 0f}, {1f, 1f}, {0f, 1f}};
    float[][] b = {{1f, 0f}, {0.5f, 0.5f}, {0.2f, 0.9f}};
    double near = evaluate(a, b);
    double far = evaluate(a, new float[][] {{5f, 5f}, {6f, 5f}, {5f, 6f}});
    assertEquals(byHand(a, b), near, 1e-5);
    assertTrue(Math.abs(near) < far / 5, near + " against " + far);
  }

  @Test
  void refusesBandwidthsThatAreNoScale() {
    assertThrows(IllegalArgumentException.class, () -> MaximumMeanDiscrepancy.gaussianMixture());
    assertThrows(IllegalArgumentException.class, () -> MaximumMeanDiscrepancy.gaussianMixture(1, 0));
    assertThrows(IllegalArgumentException.class, () -> MaximumMeanDiscrepancy.gaussianMixture(Double.NaN));
  }
}
