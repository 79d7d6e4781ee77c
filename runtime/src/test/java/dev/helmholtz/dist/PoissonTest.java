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
import org.apache.commons.statistics.distribution.PoissonDistribution;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

/** Reference values from Apache Commons Statistics' PoissonDistribution. */
class PoissonTest {

  /** Both factories, rates [B, d] broadcast against counts [k, B, d]. */
  @Test
  void logProbMatchesCommonsStatistics() {
    int k = 4, b = 2, d = 3;
    Random r = new Random(5);
    float[] rates = NormalTest.randomFloats(r, b * d, 0.2, 9);
    float[] logRates = new float[rates.length];
    for (int i = 0; i < rates.length; i++) {
      logRates[i] = (float) Math.log(rates[i]);
    }
    float[] x = new float[k * b * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextInt(15);
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var values = constant(tf, Shape.of(k, b, d), x);
      var fromRate = Poisson.rate(constant(tf, Shape.of(b, d), rates)).logProb(values);
      var fromLogRate = Poisson.logRate(constant(tf, Shape.of(b, d), logRates)).logProb(values);
      try (Session s = new Session(g)) {
        List<Fetched> out = TfTesting.fetch(s, fromRate, fromLogRate);
        assertArrayEquals(new long[] {k, b}, out.get(0).shape());
        for (int i = 0; i < k * b; i++) {
          double expected = 0;
          for (int e = 0; e < d; e++) {
            expected += PoissonDistribution.of(rates[(i % b) * d + e]).logProbability((int) x[i * d + e]);
          }
          assertEquals(expected, out.get(0).get(i), 1e-4 * Math.max(1, Math.abs(expected)));
          assertEquals(expected, out.get(1).get(i), 1e-4 * Math.max(1, Math.abs(expected)));
        }
      }
    }
  }

  @Test
  void sampleMomentsMatchTheRate() {
    float[] rates = {0.4f, 3f, 25f};
    double[] expected = {0.4, 3, 25};
    CountFamilyChecks.assertMomentsAgree(rates, Poisson::rate, expected, expected, 31);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Poisson p = Poisson.rate(tf.constant(rates));
      try (Session s = new Session(g)) {
        // One operand is both: fetched twice it would collide by name in the result.
        List<Fetched> out = TfTesting.fetch(s, p.mean(), tf.identity(p.variance()));
        for (int i = 0; i < rates.length; i++) {
          assertEquals(PoissonDistribution.of(rates[i]).getMean(), out.get(0).get(i), 1e-5);
          assertEquals(PoissonDistribution.of(rates[i]).getVariance(), out.get(1).get(i), 1e-5);
        }
      }
    }
  }

  @Test
  void logProbGradientMatchesFiniteDifferences() {
    CountFamilyChecks.assertLogProbGradientMatchesFiniteDifferences(
        new float[] {-0.5f, 0.7f, 2f}, new float[] {0, 3, 5}, Poisson::logRate);
  }

  /** The closed form against Monte Carlo and against the series sum(q(n) log(q(n) / p(n))). */
  @Test
  void analyticKlAgreesWithMonteCarloAndTheSeries() {
    float[] q = {0.5f, 3f, 7f};
    float[] p = {1f, 2f, 10f};
    double analytic = CountFamilyChecks.assertKlAgreesWithMonteCarlo(q, p, Poisson::rate, 41);
    double series = 0;
    for (int i = 0; i < q.length; i++) {
      PoissonDistribution dq = PoissonDistribution.of(q[i]);
      PoissonDistribution dp = PoissonDistribution.of(p[i]);
      for (int n = 0; n < 200; n++) {
        series += dq.probability(n) * (dq.logProbability(n) - dp.logProbability(n));
      }
    }
    assertEquals(series, analytic, 1e-4);
    assertTrue(KlDivergence.hasAnalytic(Poisson.class, Poisson.class));
  }

  @Test
  void aValueThatIsNotACountFailsNamingTheFamily() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var lp = Poisson.rate(tf.constant(new float[] {1f, 2f})).logProb(tf.constant(new float[] {1f, 1.5f}));
      var negative = Poisson.rate(tf.constant(new float[] {1f})).logProb(tf.constant(new float[] {-1f}));
      try (Session s = new Session(g)) {
        for (var op : List.of(lp, negative)) {
          var e = assertThrows(TFInvalidArgumentException.class, () -> TfTesting.fetchOne(s, op));
          assertTrue(e.getMessage().contains("Poisson.logProb: values must be counts"), e.getMessage());
        }
      }
    }
  }

  @Test
  void hasNoReparameterizedSamplerAndNoClosedFormEntropy() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Poisson p = Poisson.logRate(tf.constant(new float[] {0f}));
      assertEquals(Reparameterization.NOT_REPARAMETERIZED, p.reparameterization());
      var e = assertThrows(IllegalStateException.class, p::entropy);
      assertTrue(e.getMessage().contains("no closed-form entropy"), e.getMessage());
      assertThrows(IllegalStateException.class, () -> p.rsample(new RandomSource(tf, Seed.of(1))));
    }
  }

  /** mapParameters maps the parameter the distribution was built from: log rate or rate. */
  @Test
  void mapParametersMapsTheParameterItWasBuiltFrom() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var doubled = Poisson.logRate(tf.constant(new float[] {1f})).mapParameters(x -> tf.math.mul(x, tf.constant(2f)));
      var doubledRate = Poisson.rate(tf.constant(new float[] {1f})).mapParameters(x -> tf.math.mul(x, tf.constant(2f)));
      try (Session s = new Session(g)) {
        List<Fetched> out = TfTesting.fetch(s, doubled.rate(), doubledRate.rate());
        assertEquals(Math.exp(2), out.get(0).get(0), 1e-5);
        assertEquals(2, out.get(1).get(0), 1e-6);
      }
    }
  }
}
