package dev.helmholtz.dist;

import static dev.helmholtz.dist.NormalTest.constant;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.TfTesting;
import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.List;
import java.util.Random;
import org.apache.commons.statistics.distribution.GeometricDistribution;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

/**
 * Reference values from Apache Commons Statistics' GeometricDistribution, which counts the
 * failures before the first success, as Geometric does.
 */
class GeometricTest {

  static double sigmoid(double l) {
    return 1 / (1 + Math.exp(-l));
  }

  @Test
  void logProbMatchesCommonsStatistics() {
    int k = 4, b = 2, d = 3;
    Random r = new Random(6);
    float[] logits = NormalTest.randomFloats(r, b * d, -3, 3);
    float[] x = new float[k * b * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextInt(12);
    }
    float[] probs = new float[logits.length];
    for (int i = 0; i < probs.length; i++) {
      probs[i] = (float) sigmoid(logits[i]);
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var values = constant(tf, Shape.of(k, b, d), x);
      var fromLogits = Geometric.logits(constant(tf, Shape.of(b, d), logits)).logProb(values);
      var fromProbs = Geometric.probs(constant(tf, Shape.of(b, d), probs)).logProb(values);
      try (Session s = new Session(g)) {
        List<Fetched> out = TfTesting.fetch(s, fromLogits, fromProbs);
        assertArrayEquals(new long[] {k, b}, out.get(0).shape());
        for (int i = 0; i < k * b; i++) {
          double expected = 0;
          for (int e = 0; e < d; e++) {
            expected += GeometricDistribution.of(sigmoid(logits[(i % b) * d + e])).logProbability((int) x[i * d + e]);
          }
          assertEquals(expected, out.get(0).get(i), 1e-4 * Math.max(1, Math.abs(expected)));
          assertEquals(expected, out.get(1).get(i), 1e-3 * Math.max(1, Math.abs(expected)));
        }
      }
    }
  }

  /** Sample moments, and mean, variance and entropy against Commons and the pmf's series. */
  @Test
  void momentsAndEntropyMatchClosedForms() {
    float[] logits = {-1.5f, 0f, 2f};
    double[] mean = new double[3];
    double[] variance = new double[3];
    for (int i = 0; i < 3; i++) {
      GeometricDistribution ref = GeometricDistribution.of(sigmoid(logits[i]));
      mean[i] = ref.getMean();
      variance[i] = ref.getVariance();
    }
    CountFamilyChecks.assertMomentsAgree(logits, Geometric::logits, mean, variance, 32);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Geometric geo = Geometric.logits(tf.constant(logits));
      try (Session s = new Session(g)) {
        List<Fetched> out = TfTesting.fetch(s, geo.mean(), geo.variance(), geo.entropy());
        double entropy = 0;
        for (int i = 0; i < 3; i++) {
          assertEquals(mean[i], out.get(0).get(i), 1e-5 * Math.max(1, mean[i]));
          assertEquals(variance[i], out.get(1).get(i), 1e-5 * Math.max(1, variance[i]));
          GeometricDistribution ref = GeometricDistribution.of(sigmoid(logits[i]));
          for (int n = 0; n < 2000; n++) {
            entropy -= ref.probability(n) * ref.logProbability(n);
          }
        }
        assertEquals(entropy, out.get(2).get(0), 1e-4);
      }
    }
  }

  @Test
  void standardPriorHasProbabilityOneHalf() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Geometric prior = Geometric.standard(tf, tf.constant(new long[] {2, 3}));
      try (Session s = new Session(g)) {
        List<Fetched> out = TfTesting.fetch(s, prior.probs(), prior.logProb(tf.constant(new float[][] {{0, 1, 2}, {0, 0, 0}})));
        assertArrayEquals(new long[] {2, 3}, out.get(0).shape());
        for (int i = 0; i < 6; i++) {
          assertEquals(0.5, out.get(0).get(i), 1e-7);
        }
        assertEquals(6 * Math.log(0.5), out.get(1).get(0), 1e-5);
      }
    }
  }

  @Test
  void logProbGradientMatchesFiniteDifferences() {
    CountFamilyChecks.assertLogProbGradientMatchesFiniteDifferences(
        new float[] {-1f, 0.3f, 1.5f}, new float[] {0, 2, 6}, Geometric::logits);
  }

  /** The closed form against Monte Carlo and against the series. */
  @Test
  void analyticKlAgreesWithMonteCarloAndTheSeries() {
    float[] q = {-1f, 0.5f, 2f};
    float[] p = {0f, -0.5f, 1f};
    double analytic = CountFamilyChecks.assertKlAgreesWithMonteCarlo(q, p, Geometric::logits, 42);
    double series = 0;
    for (int i = 0; i < q.length; i++) {
      GeometricDistribution dq = GeometricDistribution.of(sigmoid(q[i]));
      GeometricDistribution dp = GeometricDistribution.of(sigmoid(p[i]));
      for (int n = 0; n < 2000; n++) {
        series += dq.probability(n) * (dq.logProbability(n) - dp.logProbability(n));
      }
    }
    assertEquals(series, analytic, 1e-4);
  }

  @Test
  void aValueThatIsNotACountFailsNamingTheFamily() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var lp = Geometric.logits(tf.constant(new float[] {0f})).logProb(tf.constant(new float[] {0.5f}));
      try (Session s = new Session(g)) {
        var e = assertThrows(TFInvalidArgumentException.class, () -> TfTesting.fetchOne(s, lp));
        assertTrue(e.getMessage().contains("Geometric.logProb: values must be counts"), e.getMessage());
      }
    }
  }
}
