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
import java.util.Random;
import java.util.function.Function;
import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Reference values from Apache Commons Statistics' BinomialDistribution. */
class BinomialTest {

  private static final int N = 12;

  private static final Function<Operand<TFloat32>, Distribution> TWELVE_TRIALS = l -> Binomial.logits(N, l);

  @Test
  void logProbMatchesCommonsStatistics() {
    int k = 4, b = 2, d = 3;
    Random r = new Random(7);
    float[] logits = NormalTest.randomFloats(r, b * d, -3, 3);
    float[] probs = new float[logits.length];
    for (int i = 0; i < probs.length; i++) {
      probs[i] = (float) GeometricTest.sigmoid(logits[i]);
    }
    float[] x = new float[k * b * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextInt(N + 1);
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var values = constant(tf, Shape.of(k, b, d), x);
      var fromLogits = Binomial.logits(N, constant(tf, Shape.of(b, d), logits)).logProb(values);
      var fromProbs = Binomial.probs(N, constant(tf, Shape.of(b, d), probs)).logProb(values);
      try (Session s = new Session(g)) {
        List<Fetched> out = TfTesting.fetch(s, fromLogits, fromProbs);
        assertArrayEquals(new long[] {k, b}, out.get(0).shape());
        for (int i = 0; i < k * b; i++) {
          double expected = 0;
          for (int e = 0; e < d; e++) {
            expected += BinomialDistribution.of(N, GeometricTest.sigmoid(logits[(i % b) * d + e]))
                .logProbability((int) x[i * d + e]);
          }
          assertEquals(expected, out.get(0).get(i), 1e-4 * Math.max(1, Math.abs(expected)));
          assertEquals(expected, out.get(1).get(i), 1e-3 * Math.max(1, Math.abs(expected)));
        }
      }
    }
  }

  @Test
  void momentsMatchClosedForms() {
    float[] logits = {-2f, 0f, 1.2f};
    double[] mean = new double[3];
    double[] variance = new double[3];
    for (int i = 0; i < 3; i++) {
      BinomialDistribution ref = BinomialDistribution.of(N, GeometricTest.sigmoid(logits[i]));
      mean[i] = ref.getMean();
      variance[i] = ref.getVariance();
    }
    CountFamilyChecks.assertMomentsAgree(logits, TWELVE_TRIALS, mean, variance, 33);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Binomial bin = Binomial.logits(N, tf.constant(logits));
      try (Session s = new Session(g)) {
        List<Fetched> out = TfTesting.fetch(s, bin.mean(), bin.variance());
        for (int i = 0; i < 3; i++) {
          assertEquals(mean[i], out.get(0).get(i), 1e-5 * N);
          assertEquals(variance[i], out.get(1).get(i), 1e-5 * N);
        }
      }
    }
  }

  @Test
  void logProbGradientMatchesFiniteDifferences() {
    CountFamilyChecks.assertLogProbGradientMatchesFiniteDifferences(
        new float[] {-1f, 0.3f, 1.5f}, new float[] {0, 7, 12}, TWELVE_TRIALS);
  }

  /** n times the Bernoulli KL: against Monte Carlo and against the sum over the counts. */
  @Test
  void analyticKlAgreesWithMonteCarloAndTheSum() {
    float[] q = {-1f, 0.5f, 2f};
    float[] p = {0f, -0.5f, 1f};
    double analytic = CountFamilyChecks.assertKlAgreesWithMonteCarlo(q, p, TWELVE_TRIALS, 43);
    double sum = 0;
    for (int i = 0; i < q.length; i++) {
      BinomialDistribution dq = BinomialDistribution.of(N, GeometricTest.sigmoid(q[i]));
      BinomialDistribution dp = BinomialDistribution.of(N, GeometricTest.sigmoid(p[i]));
      for (int n = 0; n <= N; n++) {
        sum += dq.probability(n) * (dq.logProbability(n) - dp.logProbability(n));
      }
    }
    assertEquals(sum, analytic, 1e-4);
  }

  @Test
  void klOfDifferentTotalCountsIsRejectedNamingBoth() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var e = assertThrows(IllegalArgumentException.class, () -> KlDivergence.analytic(
          Binomial.logits(3, tf.constant(new float[] {0f})), Binomial.logits(4, tf.constant(new float[] {0f}))));
      assertEquals("KL(Binomial || Binomial): q has total count 3 and p 4; the analytic KL needs the same"
          + " total count", e.getMessage());
    }
  }

  @Test
  void countsAboveTheTotalOrNotWholeFailNamingTheFamily() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Binomial bin = Binomial.logits(2, tf.constant(new float[] {0f}));
      var above = bin.logProb(tf.constant(new float[] {3f}));
      var fraction = bin.logProb(tf.constant(new float[] {0.5f}));
      try (Session s = new Session(g)) {
        for (var op : List.of(above, fraction)) {
          var e = assertThrows(TFInvalidArgumentException.class, () -> TfTesting.fetchOne(s, op));
          assertTrue(e.getMessage().contains(
              "Binomial.logProb: values must be counts (non-negative whole numbers no larger than the total"
                  + " count)"), e.getMessage());
        }
      }
    }
  }

  @Test
  void rejectsATotalCountBelowOneAndHasNoReparameterizedSamplerOrClosedFormEntropy() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var e = assertThrows(IllegalArgumentException.class, () -> Binomial.logits(0, tf.constant(new float[] {0f})));
      assertEquals("Binomial: the total count must be at least 1, got totalCount = 0", e.getMessage());
      Binomial bin = Binomial.probs(5, tf.constant(new float[] {0.5f}));
      assertEquals(5, bin.mapParameters(x -> x).totalCount());
      assertThrows(IllegalStateException.class, bin::entropy);
      assertThrows(IllegalStateException.class, () -> bin.rsample(new RandomSource(tf, Seed.of(1))));
    }
  }
}
