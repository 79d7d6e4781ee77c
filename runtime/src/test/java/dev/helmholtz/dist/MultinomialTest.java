package dev.helmholtz.dist;

import static dev.helmholtz.dist.NormalTest.constant;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting;
import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.List;
import java.util.function.Function;
import org.apache.commons.numbers.gamma.LogGamma;
import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Reference values: the multinomial coefficient from Apache Commons Numbers' LogGamma, and with
 * two categories Apache Commons Statistics' BinomialDistribution.
 */
class MultinomialTest {

  private static final int N = 7;

  private static final Function<Operand<TFloat32>, Distribution> SEVEN_DRAWS = l -> Multinomial.logits(N, l);

  private static double[] softmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double sum = 0;
    double[] p = new double[logits.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp(logits[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  /** Logits [B, K] against counts [k, B, K]. */
  @Test
  void logProbMatchesTheClosedForm() {
    float[][] logits = {{0.2f, -1f, 1.5f}, {0f, 0f, 0f}};
    float[][][] x = {{{7, 0, 0}, {1, 2, 4}}, {{3, 3, 1}, {0, 7, 0}}};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var lp = Multinomial.logits(N, tf.constant(logits)).logProb(tf.constant(x));
      try (Session s = new Session(g)) {
        Fetched out = TfTesting.fetchOne(s, lp);
        assertArrayEquals(new long[] {2, 2}, out.shape());
        for (int i = 0; i < 2; i++) {
          for (int b = 0; b < 2; b++) {
            double[] p = softmax(logits[b]);
            double expected = LogGamma.value(N + 1);
            for (int c = 0; c < 3; c++) {
              expected += x[i][b][c] * Math.log(p[c]) - LogGamma.value(x[i][b][c] + 1);
            }
            assertEquals(expected, out.get(i * 2 + b), 1e-4 * Math.max(1, Math.abs(expected)));
          }
        }
      }
    }
  }

  /** With two categories, the count of the first is binomial. */
  @Test
  void twoCategoriesAreABinomial() {
    float l = 0.8f;
    float[] counts = new float[2 * (N + 1)];
    for (int k = 0; k <= N; k++) {
      counts[2 * k] = k;
      counts[2 * k + 1] = N - k;
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var lp = Multinomial.logits(N, tf.constant(new float[] {l, 0f})).logProb(constant(tf, Shape.of(N + 1, 2), counts));
      try (Session s = new Session(g)) {
        Fetched out = TfTesting.fetchOne(s, lp);
        for (int k = 0; k <= N; k++) {
          double expected = BinomialDistribution.of(N, GeometricTest.sigmoid(l)).logProbability(k);
          assertEquals(expected, out.get(k), 1e-4 * Math.max(1, Math.abs(expected)));
        }
      }
    }
  }

  @Test
  void momentsMatchClosedForms() {
    float[] logits = {-1f, 0.5f, 1f, 0f};
    double[] p = softmax(logits);
    double[] mean = new double[4];
    double[] variance = new double[4];
    for (int i = 0; i < 4; i++) {
      mean[i] = N * p[i];
      variance[i] = N * p[i] * (1 - p[i]);
    }
    CountFamilyChecks.assertMomentsAgree(logits, SEVEN_DRAWS, mean, variance, 34);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Multinomial m = Multinomial.logits(N, tf.constant(logits));
      try (Session s = new Session(g)) {
        List<Fetched> out = TfTesting.fetch(s, m.mean(), m.variance());
        for (int i = 0; i < 4; i++) {
          assertEquals(mean[i], out.get(0).get(i), 1e-5 * N);
          assertEquals(variance[i], out.get(1).get(i), 1e-5 * N);
        }
      }
    }
  }

  @Test
  void drawsSumToTheTotalCount() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Multinomial m = Multinomial.logits(N, tf.constant(new float[][] {{0f, 1f, 2f}, {3f, 0f, -1f}}));
      var draws = m.sample(new RandomSource(tf, Seed.of(8)));
      try (Session s = new Session(g)) {
        Fetched out = TfTesting.fetchOne(s, draws);
        assertArrayEquals(new long[] {2, 3}, out.shape());
        for (int row = 0; row < 2; row++) {
          assertEquals(N, out.get(3 * row) + out.get(3 * row + 1) + out.get(3 * row + 2), 0f);
        }
      }
    }
  }

  @Test
  void logProbGradientMatchesFiniteDifferences() {
    CountFamilyChecks.assertLogProbGradientMatchesFiniteDifferences(
        new float[] {-1f, 0.3f, 1.5f}, new float[] {1, 4, 2}, SEVEN_DRAWS);
  }

  @Test
  void analyticKlAgreesWithMonteCarlo() {
    float[] q = {-1f, 0.5f, 2f};
    float[] p = {0f, -0.5f, 1f};
    double analytic = CountFamilyChecks.assertKlAgreesWithMonteCarlo(q, p, SEVEN_DRAWS, 44);
    double[] pq = softmax(q);
    double[] pp = softmax(p);
    double expected = 0;
    for (int i = 0; i < 3; i++) {
      expected += N * pq[i] * Math.log(pq[i] / pp[i]);
    }
    assertEquals(expected, analytic, 1e-4);
  }

  @Test
  void countsThatDoNotSumToTheTotalFailNamingTheFamily() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var lp = Multinomial.logits(N, tf.constant(new float[] {0f, 0f})).logProb(tf.constant(new float[] {3f, 3f}));
      try (Session s = new Session(g)) {
        var e = assertThrows(TFInvalidArgumentException.class, () -> TfTesting.fetchOne(s, lp));
        assertTrue(e.getMessage().contains("Multinomial.logProb: the counts of each value must sum to the total count 7"),
            e.getMessage());
      }
    }
  }

  @Test
  void rejectsBadArgumentsAndHasNoReparameterizedSamplerOrClosedFormEntropy() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var e = assertThrows(IllegalArgumentException.class, () -> Multinomial.logits(0, tf.constant(new float[] {0f, 0f})));
      assertEquals("Multinomial: the total count must be at least 1, got totalCount = 0", e.getMessage());
      var kl = assertThrows(IllegalArgumentException.class, () -> KlDivergence.analytic(
          Multinomial.logits(3, tf.constant(new float[] {0f, 0f})), Multinomial.logits(4, tf.constant(new float[] {0f, 0f}))));
      assertTrue(kl.getMessage().startsWith("KL(Multinomial || Multinomial): q has total count 3"), kl.getMessage());
      Multinomial m = Multinomial.logits(5, tf.constant(new float[] {0f, 1f}));
      assertEquals(5, m.mapParameters(x -> x).totalCount());
      assertThrows(IllegalStateException.class, m::entropy);
      assertThrows(IllegalStateException.class, () -> m.rsample(new RandomSource(tf, Seed.of(1))));
    }
  }
}
