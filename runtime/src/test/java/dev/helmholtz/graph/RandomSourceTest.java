package dev.helmholtz.graph;

import static dev.helmholtz.graph.TfTesting.fetch;
import static dev.helmholtz.graph.TfTesting.fetchOne;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class RandomSourceTest {

  /**
   * A replayed build takes the recorded build's run seeds in order (the same operands, so the
   * same run counters), and fails when it draws more, fewer or asks for new seeds.
   */
  @Test
  void aReplayedBuildTakesTheRecordedSeeds() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource random = new RandomSource(tf, Seed.of(7));
      random.nextRunSeed();
      random.startRecording();
      Operand<?> first = random.nextRunSeed();
      Operand<?> second = random.nextRunSeed();
      List<Operand<org.tensorflow.types.TInt64>> recorded = random.stopRecording();
      assertEquals(List.of(first, second), recorded);
      int counters = random.runCounters().size();
      List<Operand<?>> replayed = new java.util.ArrayList<>();
      random.replay(recorded, () -> {
        replayed.add(random.nextRunSeed());
        replayed.add(random.nextRunSeed());
      });
      assertEquals(List.of(first, second), replayed);
      assertEquals(counters, random.runCounters().size());
      org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
          () -> random.replay(recorded, random::nextRunSeed));
      org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> random.replay(recorded, () -> {
        random.nextRunSeed();
        random.nextRunSeed();
        random.nextRunSeed();
      }));
      org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
          () -> random.replay(recorded, random::nextSeeds));
      // Outside a replay, seeds are new again.
      assertFalse(recorded.contains(random.nextRunSeed()));
    }
  }

  @Test
  void nextSeedsIsDeterministicInCallOrder() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource a = new RandomSource(tf, Seed.of(7));
      RandomSource b = new RandomSource(tf, Seed.of(7));
      RandomSource c = new RandomSource(tf, Seed.of(8));
      assertSame(tf, a.tf());
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 1000; i++) {
        long[] sa = a.nextSeeds();
        long[] sb = b.nextSeeds();
        long[] sc = c.nextSeeds();
        assertArrayEquals(sa, sb);
        assertFalse(Arrays.equals(sa, sc));
        seen.add(Arrays.toString(sa));
      }
      assertEquals(1000, seen.size(), "pairs must not repeat");
    }
  }

  @Test
  void nextSeedsNeverYieldsZeroZero() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      for (long seed : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE}) {
        RandomSource rng = new RandomSource(tf, Seed.of(seed));
        for (int i = 0; i < 20_000; i++) {
          long[] s = rng.nextSeeds();
          assertEquals(2, s.length);
          assertFalse(s[0] == 0 && s[1] == 0, "(0, 0) means 'nondeterministic' to TensorFlow");
          assertTrue(s[0] >= 0 && s[1] >= 0);
        }
      }
    }
  }

  /** Draws [normal(3,4), uniform(3,4), normal(3,4)] in a fresh graph and session. */
  private static List<Fetched> drawInFreshGraph(Seed seed) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, seed);
      Operand<TFloat32> n1 = rng.standardNormal(tf.constant(new long[] {3, 4}));
      Operand<TFloat32> u = rng.uniform(tf.constant(new long[] {3, 4}));
      Operand<TFloat32> n2 = rng.standardNormal(tf.constant(new long[] {3, 4}));
      try (Session s = new Session(g)) {
        return fetch(s, n1, u, n2);
      }
    }
  }

  @Test
  void sameSeedGivesIdenticalDrawsInFreshGraphs() {
    List<Fetched> a = drawInFreshGraph(Seed.of(99));
    List<Fetched> b = drawInFreshGraph(Seed.of(99));
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(new long[] {3, 4}, a.get(i).shape());
      assertArrayEquals(a.get(i).values(), b.get(i).values(), 0f);
    }
  }

  @Test
  void differentSeedsAndDifferentOpsGiveDifferentDraws() {
    List<Fetched> a = drawInFreshGraph(Seed.of(99));
    List<Fetched> c = drawInFreshGraph(Seed.of(100));
    for (int i = 0; i < a.size(); i++) {
      assertFalse(Arrays.equals(a.get(i).values(), c.get(i).values()));
    }
    // two normal ops of one graph have their own seeds
    assertFalse(Arrays.equals(a.get(0).values(), a.get(2).values()));
  }

  @Test
  void opsAreStatefulAndStopGradient() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(1));
      Operand<TFloat32> n = rng.standardNormal(tf.constant(new long[] {1000}));
      Operand<TFloat32> u = rng.uniform(tf.constant(new long[] {1000}));
      // Reshape (restoring the static shape) of StopGradient of the random op.
      for (Operand<TFloat32> draw : List.of(n, u)) {
        assertEquals("Reshape", draw.op().type());
        assertEquals("StopGradient", ((org.tensorflow.GraphOperation) draw.op()).input(0).op().type());
      }
      // The width of a draw is known statically when the shape's is, so layers can size kernels.
      Operand<TFloat32> batch = rng.standardNormal(tf.dtypes.cast(
          tf.stack(List.of(tf.placeholder(org.tensorflow.types.TInt32.class), tf.constant(50))),
          org.tensorflow.types.TInt64.class));
      assertEquals(50, batch.shape().get(1));
      try (Session s = new Session(g)) {
        Fetched first = fetchOne(s, u);
        Fetched second = fetchOne(s, u);
        assertFalse(Arrays.equals(first.values(), second.values()), "fresh noise every run");
        for (float x : first.values()) {
          assertTrue(x >= 0f && x < 1f, "uniform in [0, 1): " + x);
        }
        Fetched normal = fetchOne(s, n);
        assertEquals(0.0, TfTesting.mean(normal.values()), 4 / Math.sqrt(1000));
        assertEquals(1.0, TfTesting.std(normal.values()), 4 / Math.sqrt(2 * 1000));
      }
    }
  }

  /**
   * Standard Gumbel: mean Euler's gamma, sd pi / sqrt(6), excess kurtosis 2.4. Standard logistic:
   * mean 0, sd pi / sqrt(3), excess kurtosis 1.2. Mean within 4 standard errors sd / sqrt(n); sd
   * within 4 of its standard error sd * sqrt((kurtosis - 1) / (4n)).
   */
  @Test
  void gumbelAndLogisticNoiseHaveTheirMoments() {
    int count = 20_000;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(12));
      Operand<TFloat32> gumbel = rng.gumbel(tf.constant(new long[] {count, 1}));
      Operand<TFloat32> logistic = rng.logistic(tf.constant(new long[] {count, 1}));
      for (Operand<TFloat32> noise : List.of(gumbel, logistic)) {
        assertEquals("StopGradient", noise.op().type());
        assertEquals(org.tensorflow.ndarray.Shape.of(count, 1), noise.shape());
      }
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, gumbel, logistic);
        double[][] moments = {
          {0.5772156649, Math.PI / Math.sqrt(6), 2.4}, {0, Math.PI / Math.sqrt(3), 1.2}
        };
        for (int i = 0; i < 2; i++) {
          float[] xs = out.get(i).values();
          for (float x : xs) {
            assertTrue(Float.isFinite(x), "finite noise: " + x);
          }
          double mean = moments[i][0];
          double sd = moments[i][1];
          double kurtosis = 3 + moments[i][2];
          assertEquals(mean, TfTesting.mean(xs), 4 * sd / Math.sqrt(count), "mean of noise " + i);
          assertEquals(sd, TfTesting.std(xs), 4 * sd * Math.sqrt((kurtosis - 1) / (4.0 * count)),
              "sd of noise " + i);
        }
      }
    }
  }

  /** Draws twice from one normal op; then, in a fresh graph, sets the run counter to 1 and draws. */
  @Test
  void theRunCounterIsTheWholeStateOfAStream() {
    float[] second;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(4));
      Operand<TFloat32> n = rng.standardNormal(tf.constant(new long[] {6}));
      assertEquals(1, rng.runCounters().size());
      assertEquals(RandomSource.STATE_SCOPE + "/runs_0", rng.runCounters().get(0).op().name());
      try (Session s = new Session(g)) {
        float[] first = fetchOne(s, n).values();
        second = fetchOne(s, n).values();
        assertFalse(Arrays.equals(first, second));
        assertEquals(2f, fetchOne(s, tf.identity(rng.runCounters().get(0))).get(0), "two runs counted");
      }
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(4));
      Operand<TFloat32> n = rng.standardNormal(tf.constant(new long[] {6}));
      try (Session s = new Session(g)) {
        s.runner().addTarget(tf.assign(rng.runCounters().get(0), tf.constant(1L))).run().close();
        assertArrayEquals(second, fetchOne(s, n).values(), 0f, "a restored counter resumes the stream");
      }
    }
  }
  /** P(1) of each column of a [rows, width] draw, and the draws themselves, flattened. */
  private static float[] bernoulli16Draws(Session s, Operand<TFloat32> draw) {
    return fetchOne(s, draw).values();
  }

  /**
   * bernoulli16: each column's rate is ceil(65536 p) / 65536 (exactly 0 and 1 at the ends), for a
   * width that fills whole 64-bit draws (8) and one that does not (7); MNIST's intensities k / 255
   * included.
   */
  @Test
  void bernoulli16DrawsAtTheIntensity() {
    float[] p = {0f, 1f / 255, 0.25f, 0.5f, 128f / 255, 0.7f, 1f, 3f / 65536};
    int rows = 20_000;
    for (int width : new int[] {8, 7}) {
      float[] probs = new float[rows * width];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < width; j++) {
          probs[i * width + j] = p[j];
        }
      }
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        RandomSource rng = new RandomSource(tf, Seed.of(11));
        Operand<TFloat32> draw = rng.bernoulli16(tf.constant(org.tensorflow.ndarray.Shape.of(rows, width),
            org.tensorflow.ndarray.buffer.DataBuffers.of(probs)));
        assertEquals(org.tensorflow.ndarray.Shape.of(rows, width), draw.shape());
        try (Session s = new Session(g)) {
          float[] x = bernoulli16Draws(s, draw);
          for (int j = 0; j < width; j++) {
            double exact = Math.ceil(p[j] * 65536.0) / 65536.0;
            double ones = 0;
            for (int i = 0; i < rows; i++) {
              float v = x[i * width + j];
              assertTrue(v == 0f || v == 1f, "a draw is 0 or 1, got " + v);
              ones += v;
            }
            double rate = ones / rows;
            if (p[j] == 0f || p[j] == 1f) {
              assertEquals(p[j], rate, 0.0, "column " + j + " of width " + width);
            } else {
              assertEquals(exact, rate, 4.5 * Math.sqrt(exact * (1 - exact) / rows) + 1e-9,
                  "column " + j + " of width " + width + " (p = " + p[j] + ")");
            }
          }
        }
      }
    }
  }

  /**
   * bernoulli16 at p = 1/2: the four elements that share a 64-bit draw, elements of neighbouring
   * draws, and the same element in consecutive runs are uncorrelated (|r| below 5 standard errors
   * of a zero correlation), and each run draws anew.
   */
  @Test
  void bernoulli16DrawsAreFreshPerElementAndPerRun() {
    int rows = 20_000;
    int width = 8;
    float[] half = new float[rows * width];
    Arrays.fill(half, 0.5f);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(12));
      Operand<TFloat32> draw = rng.bernoulli16(tf.constant(org.tensorflow.ndarray.Shape.of(rows, width),
          org.tensorflow.ndarray.buffer.DataBuffers.of(half)));
      try (Session s = new Session(g)) {
        float[] first = bernoulli16Draws(s, draw);
        float[] second = bernoulli16Draws(s, draw);
        assertFalse(Arrays.equals(first, second), "each run draws anew");
        double bound = 5 / Math.sqrt(rows);
        // Columns 0-3 share each row's first 64-bit draw, 4-7 its second.
        int[][] pairs = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {2, 3}, {3, 4}, {0, 4}, {0, 7}};
        for (int[] pair : pairs) {
          double r = correlation(column(first, width, pair[0]), column(first, width, pair[1]));
          assertTrue(Math.abs(r) < bound, "columns " + pair[0] + " and " + pair[1] + ": r = " + r);
        }
        for (int j = 0; j < width; j++) {
          double r = correlation(column(first, width, j), column(second, width, j));
          assertTrue(Math.abs(r) < bound, "column " + j + " in two runs: r = " + r);
        }
        double rowsR = correlation(Arrays.copyOfRange(first, 0, (rows - 1) * width),
            Arrays.copyOfRange(first, width, rows * width));
        assertTrue(Math.abs(rowsR) < 5 / Math.sqrt((rows - 1) * width), "neighbouring rows: r = " + rowsR);
      }
    }
  }

  @Test
  void bernoulli16NeedsAStaticWidth() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(1));
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> rng.bernoulli16(tf.constant(new float[] {0.5f, 0.5f})));
      assertTrue(e.getMessage().contains("[n, width]") && e.getMessage().contains("[2]"), e.getMessage());
    }
  }

  private static float[] column(float[] x, int width, int j) {
    float[] c = new float[x.length / width];
    for (int i = 0; i < c.length; i++) {
      c[i] = x[i * width + j];
    }
    return c;
  }

  private static double correlation(float[] a, float[] b) {
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < a.length; i++) {
      ma += a[i];
      mb += b[i];
    }
    ma /= a.length;
    mb /= b.length;
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / Math.sqrt(saa * sbb);
  }
}
