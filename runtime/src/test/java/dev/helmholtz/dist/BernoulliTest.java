package dev.helmholtz.dist;

import static dev.helmholtz.dist.NormalTest.constant;
import static dev.helmholtz.graph.TfTesting.column;
import static dev.helmholtz.graph.TfTesting.fetch;
import static dev.helmholtz.graph.TfTesting.fetchOne;
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
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class BernoulliTest {

  static double sigmoid(double l) {
    return 1 / (1 + Math.exp(-l));
  }

  @Test
  void logProbMatchesClosedFormWithBroadcasting() {
    int k = 4, b = 2, d = 3;
    Random r = new Random(2);
    float[] logits = NormalTest.randomFloats(r, b * d, -3, 3);
    float[] x = new float[k * b * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextBoolean() ? 1f : 0f;
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Bernoulli bern = Bernoulli.logits(constant(tf, Shape.of(b, d), logits));
      Operand<TFloat32> lp = bern.logProb(constant(tf, Shape.of(k, b, d), x));
      try (Session s = new Session(g)) {
        Fetched out = fetchOne(s, lp);
        assertArrayEquals(new long[] {k, b}, out.shape());
        for (int i = 0; i < k; i++) {
          for (int j = 0; j < b; j++) {
            double expected = 0;
            for (int e = 0; e < d; e++) {
              double p = sigmoid(logits[j * d + e]);
              expected += x[(i * b + j) * d + e] == 1f ? Math.log(p) : Math.log(1 - p);
            }
            assertEquals(expected, out.get(i * b + j), 1e-5 * Math.max(1, Math.abs(expected)));
          }
        }
      }
    }
  }

  @Test
  void uniformPriorHasProbabilityOneHalfEverywhere() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Bernoulli prior = Bernoulli.uniform(tf, tf.constant(new long[] {2, 3}));
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, prior.mean(), prior.logProb(tf.constant(new float[][] {{1, 0, 1}, {0, 0, 0}})));
        assertArrayEquals(new long[] {2, 3}, out.get(0).shape());
        for (int i = 0; i < 6; i++) {
          assertEquals(0.5, out.get(0).get(i), 1e-7);
        }
        assertEquals(3 * Math.log(0.5), out.get(1).get(0), 1e-6);
      }
    }
  }

  @Test
  void logProbIsStableForExtremeLogits() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Bernoulli bern = Bernoulli.logits(tf.constant(new float[] {80f, -80f}));
      try (Session s = new Session(g)) {
        List<Fetched> out =
            fetch(
                s,
                bern.logProb(tf.constant(new float[] {1f, 0f})),
                bern.logProb(tf.constant(new float[] {0f, 1f})));
        assertEquals(0.0, out.get(0).get(0), 1e-6);
        assertEquals(-160.0, out.get(1).get(0), 1e-3);
      }
    }
  }

  @Test
  void logProbItsEvaluationAndReferenceFormsAgreeForBinaryAndFractionalValuesAndExtremeLogits() {
    // Logits across softplus's linear, curved and saturated ranges, broadcast over 2 samples.
    float[] logits = {-200f, -90f, -30f, -5f, -0.5f, 0f, 0.5f, 5f, 30f, 90f, 200f, 17f};
    int d = logits.length;
    float[] x = new float[2 * d];
    for (int i = 0; i < d; i++) {
      x[i] = i % 2;                   // binary
      x[d + i] = (i % 5) / 4f;        // in [0, 1], as a fractional Bernoulli value
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Bernoulli bern = Bernoulli.logits(constant(tf, Shape.of(1, d), logits));
      Operand<TFloat32> value = constant(tf, Shape.of(2, d), x);
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, bern.logProb(value), bern.evaluationLogProb(value), bern.referenceLogProb(value));
        for (int row = 0; row < 2; row++) {
          double expected = 0;
          for (int i = 0; i < d; i++) {
            double l = logits[i];
            double softplus = Math.max(l, 0) + Math.log1p(Math.exp(-Math.abs(l)));
            expected += x[row * d + i] * l - softplus;
          }
          assertEquals(expected, out.get(1).get(row), 1e-4 * Math.max(1, Math.abs(expected)), "row " + row);
          assertEquals(out.get(0).get(row), out.get(1).get(row), 1e-4 * Math.max(1, Math.abs(expected)), "row " + row);
          assertEquals(expected, out.get(2).get(row), 1e-4 * Math.max(1, Math.abs(expected)), "reference, row " + row);
          assertEquals(expected, out.get(0).get(row), 1e-4 * Math.max(1, Math.abs(expected)), "logProb, row " + row);
        }
      }
    }
  }

  @Test
  void probsConstructorStoresClippedLogits() {
    float[] p = {0.2f, 0.5f, 0.9f, 0f, 1f};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Bernoulli bern = Bernoulli.probs(tf.constant(p));
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, bern.logits(), bern.probs(), bern.mean());
        for (int i = 0; i < 3; i++) {
          assertEquals(Math.log(p[i] / (1 - p[i])), out.get(0).get(i), 1e-4);
          assertEquals(p[i], out.get(1).get(i), 1e-6);
          assertEquals(p[i], out.get(2).get(i), 1e-6);
        }
        // p = 0 and p = 1 are clipped: finite logits, probabilities within 1e-5 of the ends
        assertTrue(Float.isFinite(out.get(0).get(3)) && out.get(0).get(3) < -10);
        assertTrue(Float.isFinite(out.get(0).get(4)) && out.get(0).get(4) > 10);
        assertEquals(0.0, out.get(1).get(3), 1e-5);
        assertEquals(1.0, out.get(1).get(4), 1e-5);
      }
    }
  }

  @Test
  void entropyMatchesClosedForm() {
    float[] logits = {-2f, 0f, 0.5f, 3f, -0.1f, 10f}; // [2, 3]
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Bernoulli bern = Bernoulli.logits(constant(tf, Shape.of(2, 3), logits));
      try (Session s = new Session(g)) {
        Fetched h = fetchOne(s, bern.entropy());
        assertArrayEquals(new long[] {2}, h.shape());
        for (int j = 0; j < 2; j++) {
          double expected = 0;
          for (int e = 0; e < 3; e++) {
            double p = sigmoid(logits[j * 3 + e]);
            expected -= p * Math.log(p) + (1 - p) * Math.log(1 - p);
          }
          assertEquals(expected, h.get(j), 1e-5);
        }
      }
    }
  }

  @Test
  void sampleFrequenciesMatchProbabilities() {
    int count = 20_000;
    float[] p = {0.1f, 0.5f, 0.9f};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(3));
      Bernoulli bern =
          Bernoulli.probs(tf.constant(p))
              .mapParameters(l -> tf.broadcastTo(l, tf.constant(new long[] {count, 3})));
      try (Session s = new Session(g)) {
        Fetched x = fetchOne(s, bern.sample(rng));
        assertArrayEquals(new long[] {count, 3}, x.shape());
        for (float v : x.values()) {
          assertTrue(v == 0f || v == 1f);
        }
        for (int j = 0; j < 3; j++) {
          double freq = TfTesting.mean(column(x.values(), 3, j));
          // within 4 standard errors sqrt(p (1 - p) / n)
          assertEquals(p[j], freq, 4 * Math.sqrt(p[j] * (1 - p[j]) / count));
        }
      }
    }
  }

  @Test
  void rsampleThrowsNamingTheFamily() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Bernoulli bern = Bernoulli.logits(tf.constant(new float[] {0f}));
      assertEquals(Reparameterization.NOT_REPARAMETERIZED, bern.reparameterization());
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class, () -> bern.rsample(new RandomSource(tf, Seed.of(1))));
      assertTrue(e.getMessage().contains("Bernoulli"), e.getMessage());
    }
  }

  @Test
  void sameSeedReproducesSamples() {
    float[][] draws = new float[2][];
    for (int run = 0; run < 2; run++) {
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        Bernoulli bern = Bernoulli.probs(tf.constant(new float[][] {{0.3f, 0.6f, 0.5f}, {0.5f, 0.5f, 0.5f}}));
        try (Session s = new Session(g)) {
          draws[run] = fetchOne(s, bern.sample(new RandomSource(tf, Seed.of(77)))).values();
        }
      }
    }
    assertArrayEquals(draws[0], draws[1], 0f);
  }
}
