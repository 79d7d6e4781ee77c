package dev.helmholtz.dist;

import static dev.helmholtz.dist.BernoulliTest.sigmoid;
import static dev.helmholtz.graph.TfTesting.column;
import static dev.helmholtz.graph.TfTesting.fetch;
import static dev.helmholtz.graph.TfTesting.fetchOne;
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
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class RelaxedBernoulliTest {

  private static final int DRAWS = 20_000;

  /**
   * The binary Concrete density as Maddison et al. (2017) write it, in double:
   * T a y^(-T-1) (1-y)^(-T-1) / (a y^(-T) + (1-y)^(-T))^2 with a = exp(logit).
   */
  static double binaryConcreteLogDensity(double y, double logit, double t) {
    double a = Math.exp(logit);
    return Math.log(t) + logit - (t + 1) * (Math.log(y) + Math.log(1 - y))
        - 2 * Math.log(a * Math.pow(y, -t) + Math.pow(1 - y, -t));
  }

  /** P(Y <= y) for a binary Concrete Y: its logit is logistic with location l / T, scale 1 / T. */
  static double binaryConcreteCdf(double y, double logit, double t) {
    return sigmoid(t * Math.log(y / (1 - y)) - logit);
  }

  @Test
  void temperaturesMustBeFiniteAndPositive() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> logits = tf.constant(new float[] {0f});
      for (float t : new float[] {0f, -0f, -1f, Float.NaN, Float.POSITIVE_INFINITY,
          Float.NEGATIVE_INFINITY}) {
        IllegalArgumentException e = assertThrows(
            IllegalArgumentException.class, () -> RelaxedBernoulli.logits(t, logits, true));
        assertEquals("RelaxedBernoulli: temperature must be finite and > 0, got " + t,
            e.getMessage());
      }
      assertEquals(Float.MIN_VALUE, RelaxedBernoulli.logits(Float.MIN_VALUE, logits).temperature());
    }
  }

  @Test
  void accessorsAndTheUniformPrior() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> logits = tf.constant(new float[] {0.5f, -2f});
      RelaxedBernoulli soft = RelaxedBernoulli.logits(0.3f, logits);
      assertEquals(0.3f, soft.temperature());
      assertFalse(soft.straightThrough());
      assertTrue(RelaxedBernoulli.logits(0.3f, logits, true).straightThrough());
      assertSame(logits, soft.logits());
      assertSame(logits, soft.discrete().logits());
      assertEquals(Reparameterization.REPARAMETERIZED, soft.reparameterization());
      RelaxedBernoulli prior = RelaxedBernoulli.uniform(tf, tf.constant(new long[] {2, 3}));
      assertEquals(1f, prior.temperature());
      assertFalse(prior.straightThrough());
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, prior.mean(), prior.logits(),
            prior.logProb(tf.constant(new float[][] {{1, 0, 1}, {0, 0, 0}})));
        assertArrayEquals(new long[] {2, 3}, out.get(0).shape());
        for (int i = 0; i < 6; i++) {
          assertEquals(0.5, out.get(0).get(i), 1e-7);
          assertEquals(0.0, out.get(1).get(i), 0);
        }
        assertEquals(3 * Math.log(0.5), out.get(2).get(0), 1e-6);
      }
    }
  }

  /** The model is the discrete Bernoulli: logProb, entropy, mean and sample are its. */
  @Test
  void logProbEntropyMeanAndSampleAreTheDiscreteBernoullis() {
    float[] logits = {-1.5f, 0.2f, 3f};
    float[] x = {1f, 0f, 1f};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(2));
      RelaxedBernoulli relaxed = RelaxedBernoulli.logits(0.5f, tf.constant(logits));
      Operand<TFloat32> draws = relaxed
          .mapParameters(l -> tf.broadcastTo(l, tf.constant(new long[] {DRAWS, 3})))
          .sample(rng);
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, relaxed.logProb(tf.constant(x)), relaxed.entropy(),
            relaxed.mean(), draws, relaxed.shape());
        double logProb = 0;
        double entropy = 0;
        for (int i = 0; i < 3; i++) {
          double p = sigmoid(logits[i]);
          logProb += x[i] == 1f ? Math.log(p) : Math.log(1 - p);
          entropy -= p * Math.log(p) + (1 - p) * Math.log(1 - p);
          assertEquals(p, out.get(2).get(i), 1e-6);
          float[] col = column(out.get(3).values(), 3, i);
          for (float v : col) {
            assertTrue(v == 0f || v == 1f, "hard draw " + v);
          }
          // within 4 standard errors sqrt(p (1 - p) / n)
          assertEquals(p, TfTesting.mean(col), 4 * Math.sqrt(p * (1 - p) / DRAWS));
        }
        assertEquals(logProb, out.get(0).get(0), 1e-5);
        assertEquals(entropy, out.get(1).get(0), 1e-5);
        assertArrayEquals(new float[] {3}, out.get(4).values());
      }
    }
  }

  /**
   * {@value #DRAWS} relaxed draws per logit at temperature 0.7: they lie in [0, 1] (float32 rounds
   * the far tails to 0 and 1), their empirical CDF matches the binary Concrete CDF at five points
   * within 4 standard errors sqrt(F (1 - F) / n), and the frequency of y > 1/2 (the relaxed
   * argmax) is sigmoid(logit) at any temperature.
   */
  @Test
  void rsampleFollowsTheBinaryConcreteDistribution() {
    float t = 0.7f;
    float[] logits = {-1f, 0.5f, 2f};
    double[] points = {0.1, 0.3, 0.5, 0.7, 0.9};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(13));
      Operand<TFloat32> y = RelaxedBernoulli.logits(t, tf.constant(logits))
          .mapParameters(l -> tf.broadcastTo(l, tf.constant(new long[] {DRAWS, 3})))
          .rsample(rng);
      assertEquals(Shape.of(DRAWS, 3), y.shape());
      try (Session s = new Session(g)) {
        float[] v = fetchOne(s, y).values();
        for (int i = 0; i < 3; i++) {
          float[] col = column(v, 3, i);
          for (float yi : col) {
            assertTrue(yi >= 0f && yi <= 1f, "relaxed value in [0, 1]: " + yi);
          }
          for (double point : points) {
            double cdf = binaryConcreteCdf(point, logits[i], t);
            double freq = fractionAtMost(col, point);
            assertEquals(cdf, freq, 4 * Math.sqrt(cdf * (1 - cdf) / DRAWS),
                "P(Y <= " + point + ") for logit " + logits[i]);
          }
          double p = sigmoid(logits[i]);
          assertEquals(p, 1 - fractionAtMost(col, 0.5), 4 * Math.sqrt(p * (1 - p) / DRAWS));
        }
      }
    }
  }

  /** Within 0.01 of 0 or 1: over 95% of draws at temperature 0.01, under 10% at temperature 1. */
  @Test
  void lowTemperaturesConcentrateOnZeroAndOne() {
    double[] nearlyHard = new double[2];
    float[] temperatures = {0.01f, 1f};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(14));
      Operand<TFloat32> logits = tf.fill(tf.constant(new long[] {DRAWS, 1}), tf.constant(0.3f));
      try (Session s = new Session(g)) {
        for (int i = 0; i < 2; i++) {
          float[] v = fetchOne(s, RelaxedBernoulli.logits(temperatures[i], logits).rsample(rng))
              .values();
          int near = 0;
          for (float y : v) {
            near += (y < 0.01f || y > 0.99f) ? 1 : 0;
          }
          nearlyHard[i] = (double) near / v.length;
        }
      }
    }
    assertTrue(nearlyHard[0] > 0.95, "temperature 0.01: " + nearlyHard[0]);
    assertTrue(nearlyHard[1] < 0.10, "temperature 1: " + nearlyHard[1]);
  }

  /**
   * relaxedLogProb against the closed form at a few points, and its density integrated by the
   * trapezoid rule in logit space (y = sigmoid(u), dy = y (1 - y) du) over u in [-16, 16]: the
   * integral equals the binary Concrete mass of that interval (all but at most 2e-3 of 1) within
   * 2e-5.
   * The grid points are float32 values of y with u computed from them, so the density is
   * evaluated exactly where the quadrature assumes.
   */
  @Test
  void relaxedLogProbMatchesClosedFormAndNormalizes() {
    float[] ys = {0.05f, 0.3f, 0.5f, 0.8f, 0.99f};
    int steps = 3200;
    float[] grid = new float[steps + 1];
    double[] u = new double[steps + 1];
    for (int j = 0; j <= steps; j++) {
      grid[j] = (float) sigmoid(-16 + 32.0 * j / steps);
      u[j] = Math.log(grid[j] / (1.0 - grid[j]));
    }
    for (float t : new float[] {0.5f, 1f, 2f}) {
      for (float logit : new float[] {-1f, 0.7f}) {
        try (Graph g = new Graph()) {
          Ops tf = Ops.create(g);
          RelaxedBernoulli relaxed = RelaxedBernoulli.logits(t, tf.constant(new float[] {logit}));
          Operand<TFloat32> atPoints = relaxed.relaxedLogProb(
              NormalTest.constant(tf, Shape.of(ys.length, 1), ys));
          Operand<TFloat32> onGrid = relaxed.relaxedLogProb(
              NormalTest.constant(tf, Shape.of(grid.length, 1), grid));
          try (Session s = new Session(g)) {
            List<Fetched> out = fetch(s, atPoints, onGrid);
            assertArrayEquals(new long[] {ys.length}, out.get(0).shape());
            for (int j = 0; j < ys.length; j++) {
              double expected = binaryConcreteLogDensity(ys[j], logit, t);
              assertEquals(expected, out.get(0).get(j), 1e-4 * Math.max(1, Math.abs(expected)),
                  "log density at " + ys[j] + ", temperature " + t + ", logit " + logit);
            }
            double integral = 0;
            double previous = 0;
            for (int j = 0; j <= steps; j++) {
              double y = grid[j];
              double integrand = Math.exp(out.get(1).get(j)) * y * (1 - y);
              if (j > 0) {
                integral += (u[j] - u[j - 1]) * (integrand + previous) / 2;
              }
              previous = integrand;
            }
            double mass =
                binaryConcreteCdf(grid[steps], logit, t) - binaryConcreteCdf(grid[0], logit, t);
            assertTrue(mass > 1 - 2e-3, "mass " + mass);
            assertEquals(mass, integral, 2e-5, "temperature " + t + ", logit " + logit);
          }
        }
      }
    }
  }

  /** The log density sums over the event axis, broadcasts y against the logits, stays finite. */
  @Test
  void relaxedLogProbSumsTheEventAxisAndIsFiniteAtTheEnds() {
    float t = 0.4f;
    float[] logits = {0.5f, -1f, 2f};
    float[][] y = {{0.2f, 0.9f, 0.6f}, {0f, 1f, 0.5f}};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RelaxedBernoulli relaxed = RelaxedBernoulli.logits(t, tf.constant(logits));
      try (Session s = new Session(g)) {
        Fetched out = fetchOne(s, relaxed.relaxedLogProb(tf.constant(y)));
        assertArrayEquals(new long[] {2}, out.shape());
        double expected = 0;
        for (int e = 0; e < 3; e++) {
          expected += binaryConcreteLogDensity(y[0][e], logits[e], t);
        }
        assertEquals(expected, out.get(0), 1e-4 * Math.max(1, Math.abs(expected)));
        assertTrue(Float.isFinite(out.get(1)), "saturated draws are clipped: " + out.get(1));
      }
    }
  }

  /**
   * Soft and straight-through draws from the same seed share their noise. The straight-through
   * forward value is exactly 0/1 (y > 1/2); its gradient is the soft one, which is
   * d sum(w y) / d l = w y (1 - y) / T.
   */
  @Test
  void straightThroughIsHardForwardWithTheSoftGradient() {
    float t = 0.5f;
    float[] logits0 = {-2f, -0.5f, 0f, 0.3f, 1f, 2.5f};
    float[] w = {1f, -2f, 0.5f, 3f, -1f, 2f};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> logits =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(6)));
      Operand<TFloat32> soft =
          RelaxedBernoulli.logits(t, logits).rsample(new RandomSource(tf, Seed.of(15)));
      RelaxedBernoulli st = RelaxedBernoulli.logits(t, logits, true);
      Operand<TFloat32> hard = st.rsample(new RandomSource(tf, Seed.of(15)));
      Operand<TFloat32> weights = tf.constant(w);
      Output<?> gradSoft = g.addGradients(
          tf.reduceSum(tf.math.mul(weights, soft), tf.constant(0)).asOutput(),
          new Output<?>[] {logits.output()})[0];
      Output<?> gradHard = g.addGradients(
          tf.reduceSum(tf.math.mul(weights, hard), tf.constant(0)).asOutput(),
          new Output<?>[] {logits.output()})[0];
      try (Session s = new Session(g);
          TFloat32 l = TfTesting.tensor(Shape.of(6), logits0);
          var result = s.runner().feed(logits, l)
              .fetch(soft).fetch(hard).fetch(gradSoft).fetch(gradHard).run()) {
        float[] y = TfTesting.copy(result.get(0)).values();
        float[] h = TfTesting.copy(result.get(1)).values();
        float[] gs = TfTesting.copy(result.get(2)).values();
        float[] gh = TfTesting.copy(result.get(3)).values();
        boolean someZero = false;
        boolean someOne = false;
        for (int i = 0; i < 6; i++) {
          assertEquals(y[i] > 0.5f ? 1f : 0f, h[i], 0f, "hard value " + i + " of soft " + y[i]);
          someZero |= h[i] == 0f;
          someOne |= h[i] == 1f;
          double expected = w[i] * y[i] * (1 - y[i]) / t;
          assertEquals(expected, gs[i], 1e-5 * Math.max(1, Math.abs(expected)), "soft grad " + i);
          assertEquals(gs[i], gh[i], 1e-6f, "straight-through grad " + i);
        }
        assertTrue(someZero && someOne, "the draw should have both values");
        double norm = 0;
        for (float v : gh) {
          norm += Math.abs(v);
        }
        assertTrue(norm > 1e-3, "straight-through gradient is non-zero: " + norm);
      }
    }
  }

  /**
   * A relaxed objective differentiates relaxedLogProb of its own rsample in the logits, through
   * both the draw and the parameters: tf.gradients against central finite differences.
   */
  @Test
  void relaxedLogProbOfADrawHasFiniteDifferenceGradients() {
    assertGradientMatchesFiniteDifferences(new float[] {-1f, 0.4f, 1.3f, 0f},
        (tf, logits) -> {
          RelaxedBernoulli q = RelaxedBernoulli.logits(0.8f, logits);
          RelaxedBernoulli p = RelaxedBernoulli.logits(0.8f, tf.constant(0.5f));
          Operand<TFloat32> y = q.rsample(new RandomSource(tf, Seed.of(20)));
          return tf.math.sub(q.relaxedLogProb(y), p.relaxedLogProb(y));
        });
  }

  /**
   * d f / d logits of the scalar {@code f(tf, logits)} by tf.gradients, against central finite
   * differences with step 1e-2. Each evaluation runs in a fresh session, so seeded noise ops draw
   * the same values every time.
   */
  static void assertGradientMatchesFiniteDifferences(float[] logits0,
      BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> f) {
    int n = logits0.length;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> logits =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(n)));
      Operand<TFloat32> value = f.apply(tf, logits);
      Output<?> grad = g.addGradients(value.asOutput(), new Output<?>[] {logits.output()})[0];
      float[] analytic;
      try (Session s = new Session(g);
          TFloat32 l = TfTesting.tensor(Shape.of(n), logits0);
          var result = s.runner().feed(logits, l).fetch(grad).run()) {
        analytic = TfTesting.copy(result.get(0)).values();
      }
      float h = 1e-2f;
      double norm = 0;
      for (int i = 0; i < n; i++) {
        float[] up = logits0.clone();
        float[] down = logits0.clone();
        up[i] += h;
        down[i] -= h;
        double fd = (evaluate(g, value, logits, up) - evaluate(g, value, logits, down)) / (2 * h);
        assertEquals(fd, analytic[i], 3e-3 * Math.max(1, Math.abs(fd)),
            "d f / d logits[" + i + "]");
        norm += Math.abs(analytic[i]);
      }
      assertTrue(norm > 1e-3, "gradient is non-zero: " + norm);
    }
  }

  private static double evaluate(
      Graph g, Operand<TFloat32> value, Operand<TFloat32> logits, float[] logitsValue) {
    try (Session s = new Session(g);
        TFloat32 l = TfTesting.tensor(Shape.of(logitsValue.length), logitsValue);
        var result = s.runner().feed(logits, l).fetch(value).run()) {
      return TfTesting.copy(result.get(0)).get(0);
    }
  }

  @Test
  void mapParametersKeepsTemperatureAndStraightThrough() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RelaxedBernoulli relaxed =
          RelaxedBernoulli.logits(0.25f, tf.constant(new float[] {0.5f, -0.5f}), true);
      RelaxedBernoulli mapped =
          relaxed.mapParameters(l -> tf.broadcastTo(l, tf.constant(new long[] {3, 2})));
      assertEquals(0.25f, mapped.temperature());
      assertTrue(mapped.straightThrough());
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, mapped.logits(), mapped.shape());
        assertArrayEquals(new long[] {3, 2}, out.get(0).shape());
        assertArrayEquals(new float[] {3, 2}, out.get(1).values());
      }
    }
  }

  private static double fractionAtMost(float[] values, double bound) {
    int count = 0;
    for (float v : values) {
      count += v <= bound ? 1 : 0;
    }
    return (double) count / values.length;
  }
}
