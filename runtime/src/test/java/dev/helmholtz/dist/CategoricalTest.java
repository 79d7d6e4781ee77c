package dev.helmholtz.dist;

import static dev.helmholtz.dist.NormalTest.constant;
import static dev.helmholtz.graph.TfTesting.fetch;
import static dev.helmholtz.graph.TfTesting.fetchOne;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

class CategoricalTest {

  /** Log-softmax of {@code classes} entries of {@code logits} from {@code offset}, in double. */
  static double[] logSoftmax(float[] logits, int offset, int classes) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < classes; c++) {
      max = Math.max(max, logits[offset + c]);
    }
    double sum = 0;
    for (int c = 0; c < classes; c++) {
      sum += Math.exp(logits[offset + c] - max);
    }
    double[] out = new double[classes];
    for (int c = 0; c < classes; c++) {
      out[c] = logits[offset + c] - max - Math.log(sum);
    }
    return out;
  }

  /** {@code rows} rows of width d, each group of {@code classes} entries one-hot at random. */
  static float[] randomOneHot(Random r, int rows, int d, int classes) {
    float[] out = new float[rows * d];
    for (int g = 0; g < rows * d / classes; g++) {
      out[g * classes + r.nextInt(classes)] = 1f;
    }
    return out;
  }

  /** Sum over groups of the chosen classes' log-probabilities, for one row of width d. */
  static double expectedLogProb(float[] logits, int logitsRow, float[] x, int xRow, int d,
      int classes) {
    double sum = 0;
    for (int g = 0; g < d / classes; g++) {
      double[] lp = logSoftmax(logits, logitsRow * d + g * classes, classes);
      for (int c = 0; c < classes; c++) {
        sum += x[xRow * d + g * classes + c] * lp[c];
      }
    }
    return sum;
  }

  @Test
  void logProbMatchesClosedFormPerGroupWithBroadcasting() {
    int k = 3, b = 2, d = 6;
    Random r = new Random(4);
    float[] logits = NormalTest.randomFloats(r, b * d, -3, 3);
    for (int classes : new int[] {2, 3, 6}) {
      float[] x = randomOneHot(r, k * b, d, classes);
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        Categorical cat = Categorical.logits(constant(tf, Shape.of(b, d), logits), classes);
        assertEquals(classes, cat.classes());
        Operand<TFloat32> lp = cat.logProb(constant(tf, Shape.of(k, b, d), x));
        assertEquals(Shape.of(k, b), lp.shape());
        try (Session s = new Session(g)) {
          Fetched out = fetchOne(s, lp);
          assertArrayEquals(new long[] {k, b}, out.shape());
          for (int i = 0; i < k; i++) {
            for (int j = 0; j < b; j++) {
              double expected = expectedLogProb(logits, j, x, i * b + j, d, classes);
              assertEquals(expected, out.get(i * b + j), 1e-5 * Math.max(1, Math.abs(expected)),
                  "classes " + classes + ", sample " + i + ", row " + j);
            }
          }
        }
      }
    }
  }

  @Test
  void singleVariableTakesItsClassesFromTheStaticWidth() {
    float[] logits = {0.5f, -1f, 2f, 0f};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> l = tf.constant(logits);
      Categorical cat = Categorical.logits(l);
      assertEquals(4, cat.classes());
      assertSame(l, cat.logits());
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, cat.logProb(tf.constant(new float[] {0, 0, 1, 0})),
            cat.probs());
        double[] lp = logSoftmax(logits, 0, 4);
        assertArrayEquals(new long[0], out.get(0).shape());
        assertEquals(lp[2], out.get(0).get(0), 1e-6);
        for (int c = 0; c < 4; c++) {
          assertEquals(Math.exp(lp[c]), out.get(1).get(c), 1e-6);
        }
      }
    }
  }

  @Test
  void probsEntropyAndMeanMatchClosedFormPerGroup() {
    int b = 2, d = 6, classes = 2;
    float[] logits = {-2f, 0f, 0.5f, 3f, -0.1f, 10f, 1f, 1f, -4f, 0f, 2f, -2f};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Categorical cat = Categorical.logits(constant(tf, Shape.of(b, d), logits), classes);
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, cat.probs(), cat.entropy(), cat.mean(), cat.shape());
        assertArrayEquals(new long[] {b, d}, out.get(0).shape());
        assertArrayEquals(new long[] {b}, out.get(1).shape());
        assertArrayEquals(new float[] {b, d}, out.get(3).values());
        for (int j = 0; j < b; j++) {
          double entropy = 0;
          for (int grp = 0; grp < d / classes; grp++) {
            double[] lp = logSoftmax(logits, j * d + grp * classes, classes);
            for (int c = 0; c < classes; c++) {
              int i = j * d + grp * classes + c;
              assertEquals(Math.exp(lp[c]), out.get(0).get(i), 1e-6, "probs[" + i + "]");
              assertEquals(out.get(0).get(i), out.get(2).get(i), 0f, "mean is probs");
              entropy -= Math.exp(lp[c]) * lp[c];
            }
          }
          assertEquals(entropy, out.get(1).get(j), 1e-5, "entropy of row " + j);
        }
      }
    }
  }

  @Test
  void uniformPriorHasEqualProbabilitiesInEveryGroup() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Categorical prior = Categorical.uniform(tf, tf.constant(new long[] {2, 6}), 3);
      assertEquals(3, prior.classes());
      Operand<TFloat32> x = tf.constant(new float[][] {{1, 0, 0, 0, 0, 1}, {0, 1, 0, 0, 1, 0}});
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, prior.probs(), prior.logProb(x), prior.entropy());
        for (float p : out.get(0).values()) {
          assertEquals(1.0 / 3, p, 1e-7);
        }
        for (int j = 0; j < 2; j++) {
          assertEquals(2 * Math.log(1.0 / 3), out.get(1).get(j), 1e-6);
          assertEquals(2 * Math.log(3), out.get(2).get(j), 1e-6);
        }
      }
    }
  }

  /**
   * Gumbel-max draws, two groups of 3 classes broadcast to {@code count} rows: every group is
   * one-hot, and each class's frequency is within 4 standard errors sqrt(p (1 - p) / n) of p.
   */
  @Test
  void sampleIsOneHotPerGroupWithTheClassFrequencies() {
    int count = 20_000, d = 6, classes = 3;
    float[] probs = {0.2f, 0.3f, 0.5f, 0.7f, 0.25f, 0.05f};
    float[] logits = new float[d];
    for (int i = 0; i < d; i++) {
      logits[i] = (float) Math.log(probs[i]) + (i < 3 ? 1.5f : -0.7f); // shift-invariant
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(6));
      Categorical cat = Categorical.logits(tf.constant(logits), classes)
          .mapParameters(l -> tf.broadcastTo(l, tf.constant(new long[] {count, d})));
      Operand<TFloat32> x = cat.sample(rng);
      assertEquals(Shape.of(count, d), x.shape());
      try (Session s = new Session(g)) {
        Fetched out = fetchOne(s, x);
        assertArrayEquals(new long[] {count, d}, out.shape());
        float[] v = out.values();
        for (int grp = 0; grp < count * d / classes; grp++) {
          float sum = 0;
          for (int c = 0; c < classes; c++) {
            float e = v[grp * classes + c];
            assertTrue(e == 0f || e == 1f, "one-hot entry " + e);
            sum += e;
          }
          assertEquals(1f, sum, 0f, "group " + grp + " has exactly one class");
        }
        for (int i = 0; i < d; i++) {
          double freq = TfTesting.mean(TfTesting.column(v, d, i));
          assertEquals(probs[i], freq, 4 * Math.sqrt(probs[i] * (1 - probs[i]) / count),
              "frequency of entry " + i);
        }
      }
    }
  }

  @Test
  void sampleKeepsTheStaticWidthAndSameSeedReproduces() {
    float[][] draws = new float[2][];
    for (int run = 0; run < 2; run++) {
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        Placeholder<TFloat32> logits =
            tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 6)));
        Operand<TFloat32> x =
            Categorical.logits(logits, 3).sample(new RandomSource(tf, Seed.of(3)));
        // a dense layer downstream sizes its kernel by the static width
        assertArrayEquals(new long[] {-1, 6}, x.shape().asArray());
        try (Session s = new Session(g);
            TFloat32 l = TfTesting.tensor(Shape.of(4, 6), new float[24]);
            var result = s.runner().feed(logits, l).fetch(x).run()) {
          draws[run] = TfTesting.copy(result.get(0)).values();
        }
      }
    }
    assertArrayEquals(draws[0], draws[1], 0f);
  }

  /** With an unknown width the groups are formed at run time, with the same values. */
  @Test
  void unknownStaticWidthIsGroupedAtRunTime() {
    Random r = new Random(8);
    float[] logits = NormalTest.randomFloats(r, 2 * 6, -2, 2);
    float[] x = randomOneHot(r, 2, 6, 3);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> l = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.unknown()));
      Categorical cat = Categorical.logits(l, 3);
      Operand<TFloat32> lp = cat.logProb(constant(tf, Shape.of(2, 6), x));
      try (Session s = new Session(g);
          TFloat32 lt = TfTesting.tensor(Shape.of(2, 6), logits);
          var result = s.runner().feed(l, lt).fetch(lp).run()) {
        Fetched out = TfTesting.copy(result.get(0));
        for (int j = 0; j < 2; j++) {
          assertEquals(expectedLogProb(logits, j, x, j, 6, 3), out.get(j), 1e-5);
        }
      }
    }
  }

  /**
   * The score-function objectives differentiate logProb in the logits: for a one-hot value the
   * gradient is value - probs within each group, through the group reshape and LogSoftmax.
   */
  @Test
  void logProbGradientIsValueMinusProbs() {
    float[] logits = {0.3f, -1f, 2f, 0f, 0.5f, 0.5f};
    float[] x = {0, 0, 1, 1, 0, 0};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> l = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(6)));
      Operand<TFloat32> lp = Categorical.logits(l, 3).logProb(tf.constant(x));
      Output<?> grad = g.addGradients(lp.asOutput(), new Output<?>[] {l.output()})[0];
      try (Session s = new Session(g);
          TFloat32 lt = TfTesting.tensor(Shape.of(6), logits);
          var result = s.runner().feed(l, lt).fetch(grad).run()) {
        float[] got = TfTesting.copy(result.get(0)).values();
        for (int grp = 0; grp < 2; grp++) {
          double[] lsm = logSoftmax(logits, grp * 3, 3);
          for (int c = 0; c < 3; c++) {
            int i = grp * 3 + c;
            assertEquals(x[i] - Math.exp(lsm[c]), got[i], 1e-6, "d logProb / d logits[" + i + "]");
          }
        }
      }
    }
  }

  @Test
  void rsampleThrowsPointingToTheRelaxationAndScoreFunctions() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Categorical cat = Categorical.logits(tf.constant(new float[] {0f, 1f}));
      assertEquals(Reparameterization.NOT_REPARAMETERIZED, cat.reparameterization());
      IllegalStateException e = assertThrows(
          IllegalStateException.class, () -> cat.rsample(new RandomSource(tf, Seed.of(1))));
      assertTrue(e.getMessage().contains("Categorical is not reparameterizable"), e.getMessage());
      assertTrue(e.getMessage().contains("RelaxedOneHotCategorical"), e.getMessage());
      assertTrue(e.getMessage().contains("score-function"), e.getMessage());
    }
  }

  @Test
  void badClassCountsAreRejectedNamingTheShapeAndTheCount() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> width5 = tf.zeros(tf.constant(new long[] {2, 5}), TFloat32.class);
      IllegalArgumentException notMultiple =
          assertThrows(IllegalArgumentException.class, () -> Categorical.logits(width5, 2));
      assertTrue(notMultiple.getMessage().contains("width 5"), notMultiple.getMessage());
      assertTrue(notMultiple.getMessage().contains("classes = 2"), notMultiple.getMessage());
      assertTrue(notMultiple.getMessage().contains("[2, 5]"), notMultiple.getMessage());
      for (int classes : new int[] {1, 0, -3}) {
        IllegalArgumentException tooFew = assertThrows(
            IllegalArgumentException.class, () -> Categorical.logits(width5, classes));
        assertTrue(tooFew.getMessage().contains("at least 2 classes, got classes = " + classes),
            tooFew.getMessage());
      }
      assertThrows(IllegalArgumentException.class,
          () -> Categorical.uniform(tf, tf.constant(new long[] {4, 5}), 3));
      Placeholder<TFloat32> unknownWidth =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1)));
      IllegalArgumentException noWidth =
          assertThrows(IllegalArgumentException.class, () -> Categorical.logits(unknownWidth));
      assertTrue(noWidth.getMessage().contains("Categorical.logits(logits, classes)"),
          noWidth.getMessage());
      IllegalArgumentException scalar = assertThrows(
          IllegalArgumentException.class, () -> Categorical.logits(tf.constant(1f), 2));
      assertTrue(scalar.getMessage().contains("event"), scalar.getMessage());
      IllegalArgumentException scalarWhole = assertThrows(
          IllegalArgumentException.class, () -> Categorical.logits(tf.constant(1f)));
      assertEquals("Categorical.logits(logits): logits must have an event (last) axis, got a"
          + " scalar", scalarWhole.getMessage());
      IllegalArgumentException oneClass = assertThrows(IllegalArgumentException.class,
          () -> Categorical.logits(tf.constant(new float[] {0f})));
      assertTrue(oneClass.getMessage().contains("at least 2"), oneClass.getMessage());
    }
  }

  @Test
  void mapParametersKeepsTheClassesAndReshapesTheSampleAxis() {
    int k = 3, b = 2, d = 6;
    Random r = new Random(5);
    float[] logits = NormalTest.randomFloats(r, k * b * d, -2, 2);
    float[] x = randomOneHot(r, k * b, d, 2);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Categorical flat = Categorical.logits(constant(tf, Shape.of(k * b, d), logits), 2);
      Categorical shaped =
          flat.mapParameters(p -> tf.reshape(p, tf.constant(new long[] {k, b, d})));
      assertEquals(2, shaped.classes());
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, shaped.logProb(constant(tf, Shape.of(k, b, d), x)),
            flat.logProb(constant(tf, Shape.of(k * b, d), x)), shaped.shape());
        assertArrayEquals(new long[] {k, b}, out.get(0).shape());
        assertArrayEquals(out.get(1).values(), out.get(0).values(), 1e-6f);
        assertArrayEquals(new float[] {k, b, d}, out.get(2).values());
      }
    }
  }

  /**
   * The gradient of log p(value) with respect to the logits is value - softmax(logits) for every
   * group, at any rank: TensorFlow's C++ LogSoftmax gradient sums over axis 1 whatever the rank,
   * so on [k, B, classes] logits (k samples) or grouped logits it was wrong before the groups
   * were viewed as a matrix.
   */
  @Test
  void logProbGradientIsValueMinusSoftmaxAtRankThreeAndInGroups() {
    Random r = new Random(11);
    int k = 2;
    int b = 3;
    int d = 6;
    for (int classes : new int[] {6, 3}) {
      float[] logits = new float[k * b * d];
      for (int i = 0; i < logits.length; i++) {
        logits[i] = (float) r.nextGaussian();
      }
      float[] value = randomOneHot(r, k * b, d, classes);
      try (Graph g = new Graph(); Session s = new Session(g)) {
        Ops tf = Ops.create(g);
        Operand<TFloat32> l = constant(tf, Shape.of(k, b, d), logits);
        Operand<TFloat32> logProb = Categorical.logits(l, classes).logProb(constant(tf, Shape.of(k, b, d), value));
        Operand<TFloat32> gradient = tf.gradients(tf.reduceSum(logProb, tf.constant(new int[] {0, 1})),
            List.of(l)).dy(0);
        float[] actual = fetchOne(s, gradient).values();
        for (int group = 0; group < k * b * d / classes; group++) {
          double[] logQ = logSoftmax(logits, group * classes, classes);
          for (int c = 0; c < classes; c++) {
            int i = group * classes + c;
            assertEquals(value[i] - Math.exp(logQ[c]), actual[i], 1e-5, "classes " + classes + ", entry " + i);
          }
        }
      }
    }
  }
}
