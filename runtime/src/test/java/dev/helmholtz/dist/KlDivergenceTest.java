package dev.helmholtz.dist;

import static dev.helmholtz.graph.TfTesting.fetch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting;
import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

class KlDivergenceTest {

  private static final int DRAWS = 20_000;

  @Test
  void klToTheStandardNormalMatchesTheGeneralFormula() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> mean = tf.constant(new float[][] {{0.5f, -1.2f, 0f}, {2f, 0.1f, -0.3f}});
      Operand<TFloat32> logStd = tf.constant(new float[][] {{-0.7f, 0.2f, 0f}, {1.1f, -2f, 0.4f}});
      Normal q = Normal.meanLogStd(mean, logStd);
      Normal standard = Normal.standard(tf, tf.constant(new long[] {2, 3}));
      Normal explicit = Normal.meanScale(tf.zeros(tf.constant(new long[] {2, 3}), TFloat32.class),
          tf.fill(tf.constant(new long[] {2, 3}), tf.constant(1f)));
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, KlDivergence.analytic(q, standard), KlDivergence.analytic(q, explicit));
        assertArrayEquals(new long[] {2}, out.get(0).shape());
        for (int i = 0; i < 2; i++) {
          assertEquals(out.get(1).get(i), out.get(0).get(i), 1e-5);
        }
      }
    }
  }

  @Test
  void registryKnowsBuiltInPairs() {
    assertTrue(KlDivergence.hasAnalytic(Normal.class, Normal.class));
    assertTrue(KlDivergence.hasAnalytic(Bernoulli.class, Bernoulli.class));
    assertTrue(KlDivergence.hasAnalytic(Categorical.class, Categorical.class));
    assertTrue(KlDivergence.hasAnalytic(RelaxedBernoulli.class, RelaxedBernoulli.class));
    assertTrue(KlDivergence.hasAnalytic(RelaxedBernoulli.class, Bernoulli.class));
    assertTrue(KlDivergence.hasAnalytic(RelaxedOneHotCategorical.class,
        RelaxedOneHotCategorical.class));
    assertTrue(KlDivergence.hasAnalytic(RelaxedOneHotCategorical.class, Categorical.class));
    assertFalse(KlDivergence.hasAnalytic(RelaxedOneHotCategorical.class, Bernoulli.class));
    assertFalse(KlDivergence.hasAnalytic(Normal.class, Bernoulli.class));
    assertFalse(KlDivergence.hasAnalytic(Categorical.class, Bernoulli.class));
    assertFalse(KlDivergence.hasAnalytic(Bernoulli.class, Normal.class));
  }

  @Test
  void missingPairNamesBothFamilies() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Normal n = Normal.standard(tf, tf.constant(new long[] {2}));
      Bernoulli b = Bernoulli.logits(tf.constant(new float[] {0f, 0f}));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> KlDivergence.analytic(n, b));
      assertTrue(e.getMessage().contains("Normal") && e.getMessage().contains("Bernoulli"), e.getMessage());
    }
  }

  /** A test-only family, so registering it does not disturb the built-in pairs. */
  static final class PointMass extends Distribution {
    final Operand<TFloat32> at;

    PointMass(Operand<TFloat32> at) {
      super(Ops.create(at.env()));
      this.at = at;
    }

    @Override
    public Operand<TFloat32> logProb(Operand<TFloat32> value) {
      return tf().reduceSum(tf().zerosLike(value), tf().constant(-1));
    }

    @Override
    public Operand<TFloat32> sample(RandomSource rng) {
      return at;
    }

    @Override
    public Operand<TFloat32> rsample(RandomSource rng) {
      return at;
    }

    @Override
    public Reparameterization reparameterization() {
      return Reparameterization.REPARAMETERIZED;
    }

    @Override
    public Operand<TFloat32> entropy() {
      return tf().reduceSum(tf().zerosLike(at), tf().constant(-1));
    }

    @Override
    public Operand<TFloat32> mean() {
      return at;
    }

    @Override
    public Operand<TInt64> shape() {
      return tf().shape(at, TInt64.class);
    }

    @Override
    public PointMass mapParameters(UnaryOperator<Operand<TFloat32>> f) {
      return new PointMass(f.apply(at));
    }
  }

  @Test
  void registerAddsAPair() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> marker = tf.constant(42f);
      assertFalse(KlDivergence.hasAnalytic(PointMass.class, Normal.class));
      KlDivergence.register(PointMass.class, Normal.class, (q, p) -> marker);
      assertTrue(KlDivergence.hasAnalytic(PointMass.class, Normal.class));
      PointMass q = new PointMass(tf.constant(new float[] {1f}));
      assertSame(marker, KlDivergence.analytic(q, Normal.standard(tf, tf.constant(new long[] {1}))));
    }
  }

  @Test
  void normalNormalMatchesClosedFormAndBroadcastsAgainstStandard() {
    float[][] mq = {{0.5f, -1f, 2f}, {0f, 0f, 0f}};
    float[][] sq = {{0.3f, 1.5f, 1f}, {1f, 1f, 1f}};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Normal q = Normal.meanScale(tf.constant(mq), tf.constant(sq));
      Normal p = Normal.standard(tf, tf.constant(new long[] {3}));
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, KlDivergence.analytic(q, p), KlDivergence.analytic(q, q));
        assertArrayEquals(new long[] {2}, out.get(0).shape());
        for (int j = 0; j < 2; j++) {
          double expected = 0;
          for (int e = 0; e < 3; e++) {
            double s2 = sq[j][e] * sq[j][e];
            expected += 0.5 * (s2 + mq[j][e] * mq[j][e] - 1 - Math.log(s2));
          }
          assertEquals(expected, out.get(0).get(j), 1e-5 * Math.max(1, expected));
          assertEquals(0.0, out.get(1).get(j), 1e-6);
        }
      }
    }
  }

  /**
   * Analytic KL against the mean of {@value #DRAWS} single-draw Monte Carlo estimates, within 4
   * standard errors of that mean (plus float32 slack).
   */
  @Test
  void normalNormalAnalyticAgreesWithMonteCarlo() {
    float[] mq = {0.5f, -1f, 2f};
    float[] sq = {0.3f, 1.5f, 1f};
    float[] mp = {0f, -0.5f, 1f};
    float[] sp = {1f, 2f, 0.7f};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(8));
      Operand<TInt64> many = tf.constant(new long[] {DRAWS, 3});
      Normal q =
          Normal.meanScale(tf.constant(mq), tf.constant(sq))
              .mapParameters(x -> tf.broadcastTo(x, many));
      Normal p = Normal.meanScale(tf.constant(mp), tf.constant(sp));
      Operand<TFloat32> mc = KlDivergence.monteCarlo(q, p, q.sample(rng));
      Normal q1 = Normal.meanScale(tf.constant(mq), tf.constant(sq));
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, KlDivergence.analytic(q1, p), mc);
        assertArrayEquals(new long[] {DRAWS}, out.get(1).shape());
        assertMonteCarloAgrees(out.get(0).get(0), out.get(1).values());
      }
    }
  }

  @Test
  void bernoulliBernoulliMatchesClosedFormAndMonteCarlo() {
    float[] pq = {0.1f, 0.5f, 0.8f, 0.35f};
    float[] pp = {0.3f, 0.5f, 0.4f, 0.9f};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(9));
      Bernoulli q1 = Bernoulli.probs(tf.constant(pq));
      Bernoulli p = Bernoulli.probs(tf.constant(pp));
      Bernoulli q =
          q1.mapParameters(x -> tf.broadcastTo(x, tf.constant(new long[] {DRAWS, 4})));
      Operand<TFloat32> mc = KlDivergence.monteCarlo(q, p, q.sample(rng));
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, KlDivergence.analytic(q1, p), mc, KlDivergence.analytic(p, p));
        double expected = 0;
        for (int i = 0; i < 4; i++) {
          expected +=
              pq[i] * Math.log(pq[i] / pp[i]) + (1 - pq[i]) * Math.log((1 - pq[i]) / (1 - pp[i]));
        }
        assertArrayEquals(new long[0], out.get(0).shape());
        assertEquals(expected, out.get(0).get(0), 1e-5);
        assertEquals(0.0, out.get(2).get(0), 1e-6);
        assertMonteCarloAgrees(out.get(0).get(0), out.get(1).values());
      }
    }
  }

  /** Two groups of 3 classes: the per-group closed form summed, Monte Carlo, and edge cases. */
  @Test
  void categoricalCategoricalMatchesClosedFormAndMonteCarlo() {
    float[] lq = {0.5f, -1f, 2f, 0f, 0f, 1f};
    float[] lp = {0f, 0.3f, -0.4f, 2f, -1f, 0.5f};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(10));
      Categorical q1 = Categorical.logits(tf.constant(lq), 3);
      Categorical p = Categorical.logits(tf.constant(lp), 3);
      Categorical q = q1.mapParameters(x -> tf.broadcastTo(x, tf.constant(new long[] {DRAWS, 6})));
      Operand<TFloat32> mc = KlDivergence.monteCarlo(q, p, q.sample(rng));
      Categorical uniform = Categorical.uniform(tf, tf.constant(new long[] {6}), 3);
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, KlDivergence.analytic(q1, p), mc,
            KlDivergence.analytic(p, p), KlDivergence.analytic(q1, uniform), q1.entropy());
        double expected = 0;
        for (int grp = 0; grp < 2; grp++) {
          double[] logQ = CategoricalTest.logSoftmax(lq, grp * 3, 3);
          double[] logP = CategoricalTest.logSoftmax(lp, grp * 3, 3);
          for (int c = 0; c < 3; c++) {
            expected += Math.exp(logQ[c]) * (logQ[c] - logP[c]);
          }
        }
        assertArrayEquals(new long[0], out.get(0).shape());
        assertEquals(expected, out.get(0).get(0), 1e-5);
        assertEquals(0.0, out.get(2).get(0), 1e-6);
        // KL to the uniform prior is 2 log 3 minus the entropy
        assertEquals(2 * Math.log(3) - out.get(4).get(0), out.get(3).get(0), 1e-5);
        assertMonteCarloAgrees(out.get(0).get(0), out.get(1).values());
      }
    }
  }

  @Test
  void categoricalKlRejectsDifferentGroupings() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> zeros = tf.zeros(tf.constant(new long[] {6}), TFloat32.class);
      Categorical byThree = Categorical.logits(zeros, 3);
      Categorical byTwo = Categorical.logits(zeros, 2);
      IllegalArgumentException e = assertThrows(
          IllegalArgumentException.class, () -> KlDivergence.analytic(byThree, byTwo));
      assertTrue(e.getMessage().contains("3 classes") && e.getMessage().contains("p 2"),
          e.getMessage());
    }
  }

  /** The relaxed Bernoulli's KL is the discrete one's, to a relaxed or a plain Bernoulli prior. */
  @Test
  void relaxedBernoulliKlIsTheDiscreteKl() {
    float[] lq = {-1f, 0.4f, 2f};
    float[] lp = {0.5f, 0f, -0.3f};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RelaxedBernoulli q = RelaxedBernoulli.logits(0.3f, tf.constant(lq), true);
      RelaxedBernoulli p = RelaxedBernoulli.logits(2f, tf.constant(lp));
      RelaxedBernoulli prior = RelaxedBernoulli.uniform(tf, tf.constant(new long[] {3}));
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, KlDivergence.analytic(q, p),
            KlDivergence.analytic(q, p.discrete()), KlDivergence.analytic(q, prior),
            KlDivergence.analytic(q, Bernoulli.uniform(tf, tf.constant(new long[] {3}))));
        double expected = 0;
        double toUniform = 0;
        for (int i = 0; i < 3; i++) {
          double a = BernoulliTest.sigmoid(lq[i]);
          double b = BernoulliTest.sigmoid(lp[i]);
          expected += a * Math.log(a / b) + (1 - a) * Math.log((1 - a) / (1 - b));
          toUniform += a * Math.log(2 * a) + (1 - a) * Math.log(2 * (1 - a));
        }
        assertEquals(expected, out.get(0).get(0), 1e-5);
        assertEquals(expected, out.get(1).get(0), 1e-5);
        assertEquals(toUniform, out.get(2).get(0), 1e-5);
        assertEquals(toUniform, out.get(3).get(0), 1e-5);
      }
    }
  }

  /** The relaxed categorical's KL is the discrete one's, to a relaxed or a plain prior. */
  @Test
  void relaxedCategoricalKlIsTheDiscreteKl() {
    float[] lq = {0.5f, -1f, 2f, 0f, 0f, 1f};
    float[] lp = {0f, 0.3f, -0.4f, 2f, -1f, 0.5f};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RelaxedOneHotCategorical q = RelaxedOneHotCategorical.logits(0.4f, tf.constant(lq), 3, true);
      RelaxedOneHotCategorical p = RelaxedOneHotCategorical.logits(1.5f, tf.constant(lp), 3);
      RelaxedOneHotCategorical prior =
          RelaxedOneHotCategorical.uniform(tf, tf.constant(new long[] {6}), 3);
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, KlDivergence.analytic(q, p),
            KlDivergence.analytic(q, p.discrete()),
            KlDivergence.analytic(q.discrete(), p.discrete()), KlDivergence.analytic(q, prior),
            KlDivergence.analytic(q, Categorical.uniform(tf, tf.constant(new long[] {6}), 3)),
            q.entropy());
        double expected = 0;
        for (int grp = 0; grp < 2; grp++) {
          double[] logQ = CategoricalTest.logSoftmax(lq, grp * 3, 3);
          double[] logP = CategoricalTest.logSoftmax(lp, grp * 3, 3);
          for (int c = 0; c < 3; c++) {
            expected += Math.exp(logQ[c]) * (logQ[c] - logP[c]);
          }
        }
        assertEquals(expected, out.get(0).get(0), 1e-5);
        assertEquals(expected, out.get(1).get(0), 1e-5);
        assertEquals(out.get(2).get(0), out.get(0).get(0), 0f);
        double toUniform = 2 * Math.log(3) - out.get(5).get(0);
        assertEquals(toUniform, out.get(3).get(0), 1e-5);
        assertEquals(toUniform, out.get(4).get(0), 1e-5);
      }
    }
  }

  private static void assertMonteCarloAgrees(double analytic, float[] estimates) {
    double mean = TfTesting.mean(estimates);
    double se = TfTesting.std(estimates) / Math.sqrt(estimates.length);
    assertTrue(se > 0);
    assertEquals(analytic, mean, 4 * se + 1e-4, "Monte Carlo mean " + mean + " +- " + se);
  }
}
