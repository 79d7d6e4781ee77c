package dev.helmholtz.dist;

import static dev.helmholtz.graph.TfTesting.column;
import static dev.helmholtz.graph.TfTesting.fetch;
import static dev.helmholtz.graph.TfTesting.fetchOne;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting;
import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.Arrays;
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

class NormalTest {

  private static final double LOG_2PI = Math.log(2 * Math.PI);

  static float[] randomFloats(Random r, int n, double lo, double hi) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (lo + (hi - lo) * r.nextDouble());
    }
    return out;
  }

  static Operand<TFloat32> constant(Ops tf, Shape shape, float[] values) {
    return tf.reshape(tf.constant(values), tf.constant(shape.asArray()));
  }

  static double normalLogPdf(double x, double mu, double sigma) {
    double z = (x - mu) / sigma;
    return -0.5 * z * z - Math.log(sigma) - 0.5 * LOG_2PI;
  }

  @Test
  void logProbMatchesClosedFormWithBroadcasting() {
    int k = 4, b = 2, d = 3;
    Random r = new Random(1);
    float[] mu = randomFloats(r, b * d, -2, 2);
    float[] logStd = randomFloats(r, b * d, -1.5, 1.0);
    float[] x = randomFloats(r, k * b * d, -4, 4);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Normal n =
          Normal.meanLogStd(
              constant(tf, Shape.of(b, d), mu), constant(tf, Shape.of(b, d), logStd));
      Operand<TFloat32> lp3 = n.logProb(constant(tf, Shape.of(k, b, d), x));
      float[] x2 = Arrays.copyOf(x, b * d);
      Operand<TFloat32> lp2 = n.logProb(constant(tf, Shape.of(b, d), x2));
      assertEquals(Shape.of(k, b), lp3.shape());
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, lp3, lp2);
        assertArrayEquals(new long[] {k, b}, out.get(0).shape());
        assertArrayEquals(new long[] {b}, out.get(1).shape());
        for (int i = 0; i < k; i++) {
          for (int j = 0; j < b; j++) {
            double expected = 0;
            for (int e = 0; e < d; e++) {
              expected +=
                  normalLogPdf(
                      x[(i * b + j) * d + e], mu[j * d + e], Math.exp(logStd[j * d + e]));
            }
            assertEquals(expected, out.get(0).get(i * b + j), 1e-4 * Math.max(1, Math.abs(expected)));
            if (i == 0) {
              assertEquals(expected, out.get(1).get(j), 1e-4 * Math.max(1, Math.abs(expected)));
            }
          }
        }
      }
    }
  }

  @Test
  void meanScaleAgreesWithMeanLogStdAndAccessors() {
    float[] mu = {0.5f, -1f, 2f};
    float[] sigma = {0.3f, 1f, 2.5f};
    float[] logSigma = new float[3];
    for (int i = 0; i < 3; i++) {
      logSigma[i] = (float) Math.log(sigma[i]);
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> locOp = tf.constant(mu);
      Normal a = Normal.meanScale(locOp, tf.constant(sigma));
      Normal b = Normal.meanLogStd(tf.constant(mu), tf.constant(logSigma));
      assertSame(locOp, a.loc());
      Operand<TFloat32> v = tf.constant(new float[] {0.1f, 0.2f, 0.3f});
      try (Session s = new Session(g)) {
        List<Fetched> out =
            fetch(s, a.logProb(v), b.logProb(v), a.logScale(), b.scale(), a.entropy(), b.entropy());
        assertArrayEquals(new long[0], out.get(0).shape());
        assertEquals(out.get(0).get(0), out.get(1).get(0), 1e-5);
        assertArrayEquals(logSigma, out.get(2).values(), 1e-6f);
        assertArrayEquals(sigma, out.get(3).values(), 1e-6f);
        assertEquals(out.get(4).get(0), out.get(5).get(0), 1e-5);
      }
    }
  }

  @Test
  void entropyMatchesClosedFormAndBroadcastsParameters() {
    float[] mu = {0f, 1f, 2f, 3f, 4f, 5f}; // [2, 3]
    float[] sigma = {0.5f, 1f, 3f}; // [3], broadcast over the batch
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Normal n = Normal.meanScale(constant(tf, Shape.of(2, 3), mu), tf.constant(sigma));
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, n.entropy(), n.shape(), n.mean());
        double expected = 0;
        for (float sg : sigma) {
          expected += 0.5 + 0.5 * LOG_2PI + Math.log(sg);
        }
        assertArrayEquals(new long[] {2}, out.get(0).shape());
        assertEquals(expected, out.get(0).get(0), 1e-5);
        assertEquals(expected, out.get(0).get(1), 1e-5);
        assertArrayEquals(new float[] {2, 3}, out.get(1).values());
        assertArrayEquals(mu, out.get(2).values());
      }
    }
  }

  @Test
  void standardNormalHasZeroLocUnitScale() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Normal n = Normal.standard(tf, tf.constant(new long[] {2, 3}));
      Operand<TFloat32> v = tf.constant(new float[][] {{0f, 1f, -1f}, {2f, 0f, 0f}});
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, n.mean(), n.shape(), n.logProb(v), n.entropy());
        assertArrayEquals(new float[6], out.get(0).values());
        assertArrayEquals(new long[] {2, 3}, out.get(0).shape());
        assertEquals(-1.0 - 1.5 * LOG_2PI, out.get(2).get(0), 1e-5);
        assertEquals(-2.0 - 1.5 * LOG_2PI, out.get(2).get(1), 1e-5);
        assertEquals(1.5 * (1 + LOG_2PI), out.get(3).get(0), 1e-5);
      }
    }
  }

  @Test
  void rsampleMomentsMatchParameters() {
    int count = 20_000;
    float[] mu = {1.5f, -2f, 0f};
    float[] sigma = {0.5f, 2f, 1f};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(5));
      Normal n =
          Normal.meanScale(tf.constant(mu), tf.constant(sigma))
              .mapParameters(p -> tf.broadcastTo(p, tf.constant(new long[] {count, 3})));
      assertEquals(Reparameterization.REPARAMETERIZED, n.reparameterization());
      try (Session s = new Session(g)) {
        Fetched z = fetchOne(s, n.rsample(rng));
        assertArrayEquals(new long[] {count, 3}, z.shape());
        for (int j = 0; j < 3; j++) {
          float[] col = column(z.values(), 3, j);
          // within 4 standard errors: SE(mean) = sigma/sqrt(n), SE(std) ~ sigma/sqrt(2n)
          assertEquals(mu[j], TfTesting.mean(col), 4 * sigma[j] / Math.sqrt(count));
          assertEquals(sigma[j], TfTesting.std(col), 4 * sigma[j] / Math.sqrt(2.0 * count));
        }
      }
    }
  }

  @Test
  void sampleBroadcastsParametersAndSameSeedReproduces() {
    float[][] first = new float[2][];
    for (int run = 0; run < 2; run++) {
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        RandomSource rng = new RandomSource(tf, Seed.of(11));
        Normal n =
            Normal.meanScale(
                tf.constant(new float[][] {{0f, 0f}, {10f, 10f}}), tf.constant(new float[] {1f, 2f}));
        try (Session s = new Session(g)) {
          Fetched z = fetchOne(s, n.sample(rng));
          assertArrayEquals(new long[] {2, 2}, z.shape());
          first[run] = z.values();
        }
      }
    }
    assertArrayEquals(first[0], first[1], 0f);
  }

  /**
   * f(loc, logStd) = sum(tanh(z) * z) with z = loc + exp(logStd) * eps. tf.gradients of f versus
   * central finite differences; each evaluation runs in a fresh session, so the seeded noise op
   * produces the same eps every time.
   */
  @Test
  void reparameterizedGradientsMatchFiniteDifferences() {
    float[] loc0 = {0.3f, -0.7f, 1.1f};
    float[] logStd0 = {-0.2f, 0.4f, 0.1f};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> loc = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(3)));
      Placeholder<TFloat32> logStd =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(3)));
      RandomSource rng = new RandomSource(tf, Seed.of(21));
      Operand<TFloat32> z = Normal.meanLogStd(loc, logStd).rsample(rng);
      Operand<TFloat32> f = tf.reduceSum(tf.math.mul(tf.math.tanh(z), z), tf.constant(0));
      Output<?>[] grads = g.addGradients(f.asOutput(), new Output<?>[] {loc.output(), logStd.output()});
      float[] gLoc;
      float[] gLogStd;
      try (Session s = new Session(g);
          TFloat32 l = TfTesting.tensor(Shape.of(3), loc0);
          TFloat32 ls = TfTesting.tensor(Shape.of(3), logStd0)) {
        Session.Runner runner = s.runner().feed(loc, l).feed(logStd, ls);
        runner.fetch(grads[0]).fetch(grads[1]);
        try (var result = runner.run()) {
          gLoc = TfTesting.copy(result.get(0)).values();
          gLogStd = TfTesting.copy(result.get(1)).values();
        }
      }
      float h = 1e-2f;
      for (int i = 0; i < 3; i++) {
        double fdLoc =
            (evaluate(g, f, loc, logStd, bump(loc0, i, h), logStd0)
                    - evaluate(g, f, loc, logStd, bump(loc0, i, -h), logStd0))
                / (2 * h);
        double fdLogStd =
            (evaluate(g, f, loc, logStd, loc0, bump(logStd0, i, h))
                    - evaluate(g, f, loc, logStd, loc0, bump(logStd0, i, -h)))
                / (2 * h);
        assertEquals(fdLoc, gLoc[i], 2e-3 * Math.max(1, Math.abs(fdLoc)), "d f / d loc[" + i + "]");
        assertEquals(
            fdLogStd, gLogStd[i], 2e-3 * Math.max(1, Math.abs(fdLogStd)), "d f / d logStd[" + i + "]");
      }
      assertTrue(Math.abs(gLogStd[0]) + Math.abs(gLogStd[1]) + Math.abs(gLogStd[2]) > 1e-3);
    }
  }

  /** d/dloc of sum(draw + loc): 2 for rsample (flows through the draw), 1 for sample (does not). */
  @Test
  void sampleBlocksGradientsAndRsamplePassesThem() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(4));
      Placeholder<TFloat32> loc = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(2)));
      Normal n = Normal.meanScale(loc, tf.constant(new float[] {1f, 2f}));
      Operand<TFloat32> viaSample = tf.reduceSum(tf.math.add(n.sample(rng), loc), tf.constant(0));
      Operand<TFloat32> viaRsample = tf.reduceSum(tf.math.add(n.rsample(rng), loc), tf.constant(0));
      Output<?> gSample = g.addGradients(viaSample.asOutput(), new Output<?>[] {loc.output()})[0];
      Output<?> gRsample = g.addGradients(viaRsample.asOutput(), new Output<?>[] {loc.output()})[0];
      try (Session s = new Session(g);
          TFloat32 l = TfTesting.tensor(Shape.of(2), 0.5f, -0.5f);
          var result = s.runner().feed(loc, l).fetch(gSample).fetch(gRsample).run()) {
        assertArrayEquals(new float[] {1f, 1f}, TfTesting.copy(result.get(0)).values(), 0f);
        assertArrayEquals(new float[] {2f, 2f}, TfTesting.copy(result.get(1)).values(), 0f);
      }
    }
  }

  private static float[] bump(float[] v, int i, float h) {
    float[] out = v.clone();
    out[i] += h;
    return out;
  }

  private static double evaluate(
      Graph g,
      Operand<TFloat32> f,
      Operand<TFloat32> loc,
      Operand<TFloat32> logStd,
      float[] locValue,
      float[] logStdValue) {
    try (Session s = new Session(g);
        TFloat32 l = TfTesting.tensor(Shape.of(3), locValue);
        TFloat32 ls = TfTesting.tensor(Shape.of(3), logStdValue);
        var result = s.runner().feed(loc, l).feed(logStd, ls).fetch(f).run()) {
      return TfTesting.copy(result.get(0)).get(0);
    }
  }

  @Test
  void mapParametersReshapesSamplesAxis() {
    int k = 3, b = 2, d = 4;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Random r = new Random(3);
      Normal flat =
          Normal.meanLogStd(
              constant(tf, Shape.of(k * b, d), randomFloats(r, k * b * d, -1, 1)),
              constant(tf, Shape.of(k * b, d), randomFloats(r, k * b * d, -1, 1)));
      Normal shaped = flat.mapParameters(p -> tf.reshape(p, tf.constant(new long[] {k, b, d})));
      Operand<TFloat32> x = constant(tf, Shape.of(k, b, d), randomFloats(r, k * b * d, -1, 1));
      Operand<TFloat32> xFlat = tf.reshape(x, tf.constant(new long[] {k * b, d}));
      try (Session s = new Session(g)) {
        List<Fetched> out =
            fetch(s, shaped.logProb(x), flat.logProb(xFlat), shaped.shape(), shaped.entropy());
        assertArrayEquals(new long[] {k, b}, out.get(0).shape());
        assertArrayEquals(out.get(1).values(), out.get(0).values(), 1e-5f);
        assertArrayEquals(new float[] {k, b, d}, out.get(2).values());
        assertArrayEquals(new long[] {k, b}, out.get(3).shape());
      }
    }
  }

  @Test
  void differentSeedsGiveDifferentSamples() {
    float[][] draws = new float[2][];
    for (int run = 0; run < 2; run++) {
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        Normal n = Normal.standard(tf, tf.constant(new long[] {8}));
        try (Session s = new Session(g)) {
          draws[run] = fetchOne(s, n.sample(new RandomSource(tf, Seed.of(run)))).values();
        }
      }
    }
    assertFalse(Arrays.equals(draws[0], draws[1]));
  }
  /**
   * The entropy and mean of a Normal whose scale has no batch axis, broadcast to a batch unknown
   * when the graph is built (as in every model), differentiate: BroadcastTo's gradient needs an
   * int32 target shape.
   */
  @Test
  void entropyBroadcastOverAnUnknownBatchDifferentiates() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> mean = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
      Placeholder<TFloat32> logStd = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(3)));
      Normal q = Normal.meanLogStd(mean, logStd);
      Operand<TFloat32> total = tf.math.add(tf.reduceSum(q.entropy(), tf.constant(0)),
          tf.reduceSum(q.mean(), tf.constant(new int[] {0, 1})));
      Output<?>[] grads = g.addGradients(total.asOutput(), new Output<?>[] {logStd.asOutput(), mean.asOutput()});
      try (TFloat32 m = TfTesting.tensor(Shape.of(2, 3), new float[] {0, 1, 2, 3, 4, 5});
          TFloat32 l = TfTesting.tensor(Shape.of(3), new float[] {0.1f, -0.2f, 0.3f});
          org.tensorflow.Result r = s.runner().feed(mean, m).feed(logStd, l).fetch(grads[0]).fetch(total).run()) {
        // d/d logStd of the summed entropy over 2 rows: 2 per coordinate.
        assertArrayEquals(new float[] {2, 2, 2}, TfTesting.copy(r.get(0)).values(), 1e-6f);
      }
    }
  }
}
