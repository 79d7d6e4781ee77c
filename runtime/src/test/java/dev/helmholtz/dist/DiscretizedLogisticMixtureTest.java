package dev.helmholtz.dist;

import static dev.helmholtz.graph.TfTesting.fetch;
import static dev.helmholtz.graph.TfTesting.fetchOne;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The mixture of discretized logistics against a hand computation: {@code sum_c pi_c P_c(k/255)}
 * with {@code P_c} the single family's hand-computed probabilities; the 256 probabilities sum to 1;
 * the exact mean; draws on the grid with the mixture's frequencies.
 */
class DiscretizedLogisticMixtureTest {
  private static final double[] LOGITS = {0.3, -1.0, 1.2};
  private static final double[] LOC = {0.05, 0.5, 0.9};
  private static final double[] SCALE = {0.02, 0.1, 0.05};

  private static double probability(int k) {
    double norm = 0;
    for (double l : LOGITS) {
      norm += Math.exp(l);
    }
    double p = 0;
    for (int c = 0; c < 3; c++) {
      p += Math.exp(LOGITS[c]) / norm * DiscretizedLogisticTest.probability(k, LOC[c], SCALE[c]);
    }
    return p;
  }

  /** One element of three components, broadcast to {@code rows} rows. */
  private static DiscretizedLogisticMixture mixture(Ops tf, int rows) {
    float[][] l = new float[rows][3];
    float[][] m = new float[rows][3];
    float[][] s = new float[rows][3];
    for (int i = 0; i < rows; i++) {
      for (int c = 0; c < 3; c++) {
        l[i][c] = (float) LOGITS[c];
        m[i][c] = (float) LOC[c];
        s[i][c] = (float) Math.log(SCALE[c]);
      }
    }
    return DiscretizedLogisticMixture.logits(3, tf.constant(l), tf.constant(m), tf.constant(s));
  }

  @Test
  void theProbabilitiesMatchTheHandComputationAndSumToOne() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> values = tf.reshape(ElementwiseDiscrete.levels(tf), tf.constant(new long[] {256, 1}));
      DiscretizedLogisticMixture d = mixture(tf, 256);
      List<Fetched> f = fetch(s, d.logProb(values), d.mean());
      double total = 0;
      double mean = 0;
      for (int k = 0; k < 256; k++) {
        double p = probability(k);
        total += Math.exp(f.get(0).get(k));
        mean += p * k / 255;
        assertEquals(Math.log(p), f.get(0).get(k), 2e-3 + 1e-5 * Math.abs(Math.log(p)), "log P(" + k + "/255)");
      }
      assertEquals(1, total, 1e-4);
      assertEquals(mean, f.get(1).get(0), 1e-5, "mean");
    }
  }

  @Test
  void drawsLieOnTheGridWithTheMixturesFrequencies() {
    int n = 40_000;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      float[] x = fetchOne(s, mixture(tf, n).sample(new RandomSource(tf, Seed.of(5)))).values();
      assertEquals(n, x.length);
      int[] counts = new int[256];
      for (float v : x) {
        int k = Math.round(v * 255);
        assertEquals(k / 255f, v, 1e-7, "a draw off the grid");
        counts[k]++;
      }
      for (int k : new int[] {0, 13, 128, 230, 255}) {
        double p = probability(k);
        assertEquals(p, counts[k] / (double) n, 5 * Math.sqrt(p * (1 - p) / n) + 1e-4, "frequency of " + k + "/255");
      }
    }
  }

  @Test
  void parametersMustHoldWholeComponents() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> four = tf.constant(new float[][] {{0, 0, 0, 0}});
      assertThrows(IllegalArgumentException.class, () -> DiscretizedLogisticMixture.logits(3, four, four, four));
    }
  }
}
