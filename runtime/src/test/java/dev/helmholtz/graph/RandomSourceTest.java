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
}
