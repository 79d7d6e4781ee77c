package dev.helmholtz.dist;

import static dev.helmholtz.dist.NormalTest.constant;
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
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class RelaxedOneHotCategoricalTest {

  private static final int DRAWS = 20_000;

  /**
   * The Concrete log density as Maddison et al. (2017, Definition 1) write it, in double, for one
   * group of n entries: (n-1)! T^(n-1) prod_k (a_k y_k^(-T-1) / sum_i a_i y_i^(-T)) with
   * a = exp(logits).
   */
  static double concreteLogDensity(double[] y, float[] logits, int offset, double t) {
    int n = y.length;
    double logFactorial = 0;
    for (int i = 2; i < n; i++) {
      logFactorial += Math.log(i);
    }
    double denominator = 0;
    double numerator = 0;
    for (int k = 0; k < n; k++) {
      double a = Math.exp(logits[offset + k]);
      denominator += a * Math.pow(y[k], -t);
      numerator += Math.log(a) - (t + 1) * Math.log(y[k]);
    }
    return logFactorial + (n - 1) * Math.log(t) + numerator - n * Math.log(denominator);
  }

  @Test
  void temperaturesAndClassCountsAreChecked() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> logits = tf.zeros(tf.constant(new long[] {2, 6}), TFloat32.class);
      for (float t : new float[] {0f, -2f, Float.NaN, Float.POSITIVE_INFINITY}) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> RelaxedOneHotCategorical.logits(t, logits, 3, true));
        assertEquals("RelaxedOneHotCategorical: temperature must be finite and > 0, got " + t,
            e.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> RelaxedOneHotCategorical.logits(t, logits));
      }
      IllegalArgumentException notMultiple = assertThrows(IllegalArgumentException.class,
          () -> RelaxedOneHotCategorical.logits(0.5f, logits, 4));
      assertTrue(notMultiple.getMessage().startsWith("RelaxedOneHotCategorical: "),
          notMultiple.getMessage());
      assertTrue(notMultiple.getMessage().contains("width 6")
          && notMultiple.getMessage().contains("classes = 4"), notMultiple.getMessage());
      IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
          () -> RelaxedOneHotCategorical.logits(0.5f, logits, 1));
      assertTrue(one.getMessage().contains("at least 2 classes"), one.getMessage());
      Placeholder<TFloat32> unknownWidth =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1)));
      IllegalArgumentException noWidth = assertThrows(IllegalArgumentException.class,
          () -> RelaxedOneHotCategorical.logits(0.5f, unknownWidth));
      assertTrue(noWidth.getMessage().contains(
          "RelaxedOneHotCategorical.logits(temperature, logits, classes)"), noWidth.getMessage());
    }
  }

  @Test
  void accessorsAndTheUniformPrior() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> logits = tf.constant(new float[] {0.5f, -2f, 1f, 0f});
      RelaxedOneHotCategorical whole = RelaxedOneHotCategorical.logits(0.3f, logits);
      assertEquals(4, whole.classes());
      assertEquals(0.3f, whole.temperature());
      assertFalse(whole.straightThrough());
      assertSame(logits, whole.logits());
      assertSame(logits, whole.discrete().logits());
      assertEquals(4, whole.discrete().classes());
      assertEquals(Reparameterization.REPARAMETERIZED, whole.reparameterization());
      RelaxedOneHotCategorical pairs = RelaxedOneHotCategorical.logits(0.3f, logits, 2);
      assertEquals(2, pairs.classes());
      assertFalse(pairs.straightThrough());
      assertTrue(RelaxedOneHotCategorical.logits(0.3f, logits, 2, true).straightThrough());
      RelaxedOneHotCategorical prior =
          RelaxedOneHotCategorical.uniform(tf, tf.constant(new long[] {2, 6}), 3);
      assertEquals(1f, prior.temperature());
      assertEquals(3, prior.classes());
      assertFalse(prior.straightThrough());
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, prior.probs(), prior.mean(), prior.entropy());
        assertArrayEquals(new long[] {2, 6}, out.get(0).shape());
        for (int i = 0; i < 12; i++) {
          assertEquals(1.0 / 3, out.get(0).get(i), 1e-7);
          assertEquals(1.0 / 3, out.get(1).get(i), 1e-7);
        }
        assertEquals(2 * Math.log(3), out.get(2).get(0), 1e-6);
      }
    }
  }

  /** The model is the discrete Categorical: logProb, entropy, mean and sample are its. */
  @Test
  void logProbEntropyMeanAndSampleAreTheDiscreteCategoricals() {
    Random r = new Random(11);
    float[] logits = NormalTest.randomFloats(r, 2 * 6, -2, 2);
    float[] x = CategoricalTest.randomOneHot(r, 2, 6, 3);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(1));
      RelaxedOneHotCategorical relaxed =
          RelaxedOneHotCategorical.logits(0.5f, constant(tf, Shape.of(2, 6), logits), 3);
      Categorical discrete = relaxed.discrete();
      Operand<TFloat32> value = constant(tf, Shape.of(2, 6), x);
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, relaxed.logProb(value), discrete.logProb(value),
            relaxed.entropy(), discrete.entropy(), relaxed.mean(), discrete.probs(),
            relaxed.sample(rng), relaxed.shape());
        for (int j = 0; j < 2; j++) {
          assertEquals(CategoricalTest.expectedLogProb(logits, j, x, j, 6, 3), out.get(0).get(j),
              1e-5);
        }
        assertArrayEquals(out.get(1).values(), out.get(0).values(), 0f);
        assertArrayEquals(out.get(3).values(), out.get(2).values(), 0f);
        assertArrayEquals(out.get(5).values(), out.get(4).values(), 0f);
        float[] draw = out.get(6).values();
        for (int grp = 0; grp < 4; grp++) {
          float sum = 0;
          for (int c = 0; c < 3; c++) {
            float e = draw[grp * 3 + c];
            assertTrue(e == 0f || e == 1f, "hard draw " + e);
            sum += e;
          }
          assertEquals(1f, sum, 0f);
        }
        assertArrayEquals(new float[] {2, 6}, out.get(7).values());
      }
    }
  }

  /**
   * {@value #DRAWS} relaxed draws of two groups of 3 classes at temperature 0.5: each group is a
   * point of the simplex (entries in [0, 1] summing to 1 within float32 rounding), and the
   * frequency of each class being a group's argmax is its probability (the argmax of the
   * perturbed logits is a Gumbel-max draw at any temperature), within 4 standard errors.
   */
  @Test
  void rsampleLiesInTheSimplexWithArgmaxFrequenciesOfTheProbabilities() {
    int d = 6, classes = 3;
    float[] probs = {0.1f, 0.3f, 0.6f, 0.45f, 0.45f, 0.1f};
    float[] logits = new float[d];
    for (int i = 0; i < d; i++) {
      logits[i] = (float) Math.log(probs[i]);
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(16));
      Operand<TFloat32> y = RelaxedOneHotCategorical.logits(0.5f, tf.constant(logits), classes)
          .mapParameters(l -> tf.broadcastTo(l, tf.constant(new long[] {DRAWS, d})))
          .rsample(rng);
      assertEquals(Shape.of(DRAWS, d), y.shape());
      try (Session s = new Session(g)) {
        float[] v = fetchOne(s, y).values();
        int[] argmaxCounts = new int[d];
        for (int grp = 0; grp < DRAWS * d / classes; grp++) {
          double sum = 0;
          int best = 0;
          for (int c = 0; c < classes; c++) {
            float e = v[grp * classes + c];
            assertTrue(e >= 0f && e <= 1f, "relaxed entry " + e);
            sum += e;
            best = e > v[grp * classes + best] ? c : best;
          }
          assertEquals(1.0, sum, 1e-5, "group " + grp + " sums to 1");
          argmaxCounts[(grp % (d / classes)) * classes + best]++;
        }
        for (int i = 0; i < d; i++) {
          double freq = (double) argmaxCounts[i] / DRAWS;
          assertEquals(probs[i], freq, 4 * Math.sqrt(probs[i] * (1 - probs[i]) / DRAWS),
              "argmax frequency of entry " + i);
        }
      }
    }
  }

  /**
   * Draws of 3 classes with a group maximum above 0.99: over 95% of groups at temperature 0.01,
   * under 20% at temperature 1.
   */
  @Test
  void lowTemperaturesConcentrateOnTheVertices() {
    double[] nearlyOneHot = new double[2];
    float[] temperatures = {0.01f, 1f};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(17));
      Operand<TFloat32> logits =
          tf.broadcastTo(tf.constant(new float[] {0.2f, -0.4f, 0f}), tf.constant(new long[] {
              DRAWS, 3}));
      try (Session s = new Session(g)) {
        for (int i = 0; i < 2; i++) {
          float[] v = fetchOne(s,
              RelaxedOneHotCategorical.logits(temperatures[i], logits).rsample(rng)).values();
          int near = 0;
          for (int row = 0; row < DRAWS; row++) {
            float max = Math.max(v[3 * row], Math.max(v[3 * row + 1], v[3 * row + 2]));
            near += max > 0.99f ? 1 : 0;
          }
          nearlyOneHot[i] = (double) near / DRAWS;
        }
      }
    }
    assertTrue(nearlyOneHot[0] > 0.95, "temperature 0.01: " + nearlyOneHot[0]);
    assertTrue(nearlyOneHot[1] < 0.20, "temperature 1: " + nearlyOneHot[1]);
  }

  /**
   * With two classes the Concrete is the binary Concrete of the logit difference: the densities
   * agree, and the first coordinate of the draws has the binary Concrete CDF at five points
   * (within 4 standard errors), which checks where the sampler applies the temperature.
   */
  @Test
  void twoClassesAreTheBinaryConcreteOfTheLogitDifference() {
    float t = 0.6f;
    float[] logits = {0.9f, -0.3f};
    float[] ys = {0.02f, 0.25f, 0.5f, 0.75f, 0.97f};
    float[] pairs = new float[2 * ys.length];
    for (int j = 0; j < ys.length; j++) {
      pairs[2 * j] = ys[j];
      pairs[2 * j + 1] = 1 - ys[j];
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(18));
      RelaxedOneHotCategorical relaxed = RelaxedOneHotCategorical.logits(t, tf.constant(logits));
      RelaxedBernoulli binary =
          RelaxedBernoulli.logits(t, tf.constant(new float[] {logits[0] - logits[1]}));
      Operand<TFloat32> draws = relaxed
          .mapParameters(l -> tf.broadcastTo(l, tf.constant(new long[] {DRAWS, 2})))
          .rsample(rng);
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s,
            relaxed.relaxedLogProb(constant(tf, Shape.of(ys.length, 2), pairs)),
            binary.relaxedLogProb(constant(tf, Shape.of(ys.length, 1), ys)), draws);
        assertArrayEquals(out.get(1).values(), out.get(0).values(), 1e-4f);
        float[] first = TfTesting.column(out.get(2).values(), 2, 0);
        for (float y : ys) {
          double cdf = RelaxedBernoulliTest.binaryConcreteCdf(y, logits[0] - logits[1], t);
          int below = 0;
          for (float v : first) {
            below += v <= y ? 1 : 0;
          }
          assertEquals(cdf, (double) below / DRAWS, 4 * Math.sqrt(cdf * (1 - cdf) / DRAWS),
              "P(Y_1 <= " + y + ")");
        }
      }
    }
  }

  /**
   * relaxedLogProb of 3 classes against the closed form at a few points, and its density
   * integrated over the simplex: with y = softmax(s1, s2, 0) the Jacobian of (s1, s2) to (y1, y2)
   * is y1 y2 y3, and the 2-d trapezoid rule over s in [-30, 30]^2 gives 1 within 1e-4. (Each
   * s_i is logistic with scale 1 / T, so the mass outside is about 4 exp(-T (30 - 2)) < 1e-5.)
   */
  @Test
  void relaxedLogProbMatchesClosedFormAndNormalizesOverTheSimplex() {
    float[] logits = {0.8f, -0.5f, 0.1f};
    double[][] points = {{0.2, 0.3, 0.5}, {0.9, 0.05, 0.05}, {1e-4, 0.5, 0.5 - 1e-4}};
    int n = 501;
    double lim = 30;
    double h = 2 * lim / (n - 1);
    float[] grid = new float[n * n * 3];
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        double s1 = -lim + a * h;
        double s2 = -lim + b * h;
        double m = Math.max(0, Math.max(s1, s2));
        double z = Math.exp(s1 - m) + Math.exp(s2 - m) + Math.exp(-m);
        int i = (a * n + b) * 3;
        grid[i] = (float) (Math.exp(s1 - m) / z);
        grid[i + 1] = (float) (Math.exp(s2 - m) / z);
        grid[i + 2] = (float) (Math.exp(-m) / z);
      }
    }
    float[] flatPoints = new float[points.length * 3];
    for (int j = 0; j < points.length; j++) {
      for (int k = 0; k < 3; k++) {
        flatPoints[3 * j + k] = (float) points[j][k];
      }
    }
    for (float t : new float[] {0.5f, 2f}) {
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        RelaxedOneHotCategorical relaxed = RelaxedOneHotCategorical.logits(t, tf.constant(logits));
        try (Session s = new Session(g)) {
          List<Fetched> out = fetch(s,
              relaxed.relaxedLogProb(constant(tf, Shape.of(points.length, 3), flatPoints)),
              relaxed.relaxedLogProb(constant(tf, Shape.of(n * n, 3), grid)));
          for (int j = 0; j < points.length; j++) {
            double[] y = new double[3];
            for (int k = 0; k < 3; k++) {
              y[k] = flatPoints[3 * j + k];
            }
            double expected = concreteLogDensity(y, logits, 0, t);
            assertEquals(expected, out.get(0).get(j), 1e-4 * Math.max(1, Math.abs(expected)),
                "log density at point " + j + ", temperature " + t);
          }
          double integral = 0;
          for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
              int i = (a * n + b) * 3;
              double weight = (a == 0 || a == n - 1 ? 0.5 : 1) * (b == 0 || b == n - 1 ? 0.5 : 1);
              double jacobian = (double) grid[i] * grid[i + 1] * grid[i + 2];
              integral += weight * Math.exp(out.get(1).get(a * n + b)) * jacobian;
            }
          }
          integral *= h * h;
          assertEquals(1.0, integral, 1e-4, "temperature " + t);
        }
      }
    }
  }

  /** Grouped: the density sums the groups' densities, and y broadcasts against the logits. */
  @Test
  void relaxedLogProbSumsTheGroups() {
    float t = 0.8f;
    float[] logits = {0.3f, -1f, 0.2f, 1.5f, 0f, -0.5f};
    float[] y = {0.2f, 0.1f, 0.7f, 0.6f, 0.3f, 0.1f, 0.05f, 0.9f, 0.05f, 0.3f, 0.3f, 0.4f};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RelaxedOneHotCategorical relaxed =
          RelaxedOneHotCategorical.logits(t, tf.constant(logits), 3);
      try (Session s = new Session(g)) {
        Fetched out = fetchOne(s, relaxed.relaxedLogProb(constant(tf, Shape.of(2, 6), y)));
        assertArrayEquals(new long[] {2}, out.shape());
        for (int row = 0; row < 2; row++) {
          double expected = 0;
          for (int grp = 0; grp < 2; grp++) {
            double[] point = new double[3];
            for (int c = 0; c < 3; c++) {
              point[c] = y[row * 6 + grp * 3 + c];
            }
            expected += concreteLogDensity(point, logits, grp * 3, t);
          }
          assertEquals(expected, out.get(row), 1e-4 * Math.max(1, Math.abs(expected)));
        }
      }
    }
  }

  /**
   * Soft and straight-through draws from the same seed share their noise. The straight-through
   * forward value is exactly the one-hot argmax of each soft group; its gradient is the soft one,
   * d sum(w y) / d l_j = y_j (w_j - sum_i w_i y_i) / T within each group.
   */
  @Test
  void straightThroughIsOneHotForwardWithTheSoftGradient() {
    float t = 0.7f;
    float[] logits0 = {0.3f, -1f, 0.8f, 0.1f, 0.1f, -0.2f};
    float[] w = {1f, -2f, 0.5f, 3f, -1f, 2f};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> logits =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(6)));
      Operand<TFloat32> soft = RelaxedOneHotCategorical.logits(t, logits, 3)
          .rsample(new RandomSource(tf, Seed.of(19)));
      Operand<TFloat32> hard = RelaxedOneHotCategorical.logits(t, logits, 3, true)
          .rsample(new RandomSource(tf, Seed.of(19)));
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
        float[] oneHot = TfTesting.copy(result.get(1)).values();
        float[] gs = TfTesting.copy(result.get(2)).values();
        float[] gh = TfTesting.copy(result.get(3)).values();
        double norm = 0;
        for (int grp = 0; grp < 2; grp++) {
          int best = grp * 3;
          double weighted = 0;
          for (int c = 0; c < 3; c++) {
            int i = grp * 3 + c;
            best = y[i] > y[best] ? i : best;
            weighted += w[i] * y[i];
          }
          for (int c = 0; c < 3; c++) {
            int i = grp * 3 + c;
            assertEquals(i == best ? 1f : 0f, oneHot[i], 0f, "one-hot entry " + i);
            double expected = y[i] * (w[i] - weighted) / t;
            assertEquals(expected, gs[i], 1e-5 * Math.max(1, Math.abs(expected)),
                "soft grad " + i);
            assertEquals(gs[i], gh[i], 1e-6f, "straight-through grad " + i);
            norm += Math.abs(gh[i]);
          }
        }
        assertTrue(norm > 1e-3, "straight-through gradient is non-zero: " + norm);
      }
    }
  }

  /**
   * A relaxed objective differentiates relaxedLogProb of its own rsample in the logits (two
   * groups of 3), through the draw, the group reshapes and the parameters: tf.gradients against
   * central finite differences.
   */
  @Test
  void relaxedLogProbOfADrawHasFiniteDifferenceGradients() {
    RelaxedBernoulliTest.assertGradientMatchesFiniteDifferences(
        new float[] {0.3f, -1f, 0.8f, 0.1f, 0.6f, -0.2f},
        (tf, logits) -> {
          RelaxedOneHotCategorical q = RelaxedOneHotCategorical.logits(0.9f, logits, 3);
          RelaxedOneHotCategorical p =
              RelaxedOneHotCategorical.uniform(tf, tf.constant(new long[] {6}), 3);
          Operand<TFloat32> y = q.rsample(new RandomSource(tf, Seed.of(21)));
          return tf.math.sub(q.relaxedLogProb(y), p.relaxedLogProb(y));
        });
  }

  @Test
  void mapParametersKeepsTemperatureClassesAndStraightThrough() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RelaxedOneHotCategorical relaxed = RelaxedOneHotCategorical.logits(
          0.25f, tf.constant(new float[] {0.5f, -0.5f, 0f, 1f}), 2, true);
      RelaxedOneHotCategorical mapped =
          relaxed.mapParameters(l -> tf.broadcastTo(l, tf.constant(new long[] {3, 4})));
      assertEquals(0.25f, mapped.temperature());
      assertEquals(2, mapped.classes());
      assertTrue(mapped.straightThrough());
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, mapped.logits(), mapped.shape(), mapped.probs());
        assertArrayEquals(new long[] {3, 4}, out.get(0).shape());
        assertArrayEquals(new float[] {3, 4}, out.get(1).values());
        assertEquals(1.0, out.get(2).get(0) + out.get(2).get(1), 1e-6);
      }
    }
  }
}
