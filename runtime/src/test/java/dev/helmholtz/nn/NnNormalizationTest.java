package dev.helmholtz.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting;
import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Batch and layer normalization, dropout, embeddings, residual blocks, weight decay, spectral normalization. */
class NnNormalizationTest {

  /** Per-channel (last axis) mean and biased variance of rows {@code [from, to)} of a [rows, ..., c] array. */
  private static double[][] moments(float[] x, int rowSize, int channels, int from, int to) {
    double[] mean = new double[channels];
    double[] var = new double[channels];
    int count = (to - from) * rowSize / channels;
    for (int i = from * rowSize; i < to * rowSize; i++) {
      mean[i % channels] += x[i] / count;
    }
    for (int i = from * rowSize; i < to * rowSize; i++) {
      double d = x[i] - mean[i % channels];
      var[i % channels] += d * d / count;
    }
    return new double[][] {mean, var};
  }

  private static void init(Session s, VariableStore store) {
    Session.Runner init = s.runner();
    store.initializers().forEach(init::addTarget);
    init.run().close();
  }

  @Test
  void batchNormTrainsOnBatchStatisticsMovesItsAveragesAndEvaluatesWithThem() {
    long[] xs = {4, 2, 3, 2};
    float[] in = LayerHarness.ramp(xs);
    for (int i = 0; i < in.length; i++) {
      in[i] = 3 * in[i] + (i % 2 == 0 ? 1 : -2);
    }
    try (LayerHarness h = new LayerHarness(xs, Mode.TRAINING, (nn, x) -> nn.batchNorm(x, 0.9f, 1e-3f))) {
      Fetched y = h.output(in);
      double[][] m = moments(in, 12, 2, 0, 4);
      for (int i = 0; i < in.length; i++) {
        int c = i % 2;
        assertEquals((in[i] - m[0][c]) / Math.sqrt(m[1][c] + 1e-3), y.get(i), 1e-4, "element " + i);
      }
      assertEquals(List.of("net/batch_norm_0/gamma", "net/batch_norm_0/beta"),
          h.store.trainableVariables().stream().map(v -> v.op().name()).toList());
      assertEquals(2, h.store.updates().size());
      h.checkInputGradient(in, 3e-2);

      // One training step's updates: moving = 0.9 moving + 0.1 batch.
      try (TFloat32 t = TfTesting.tensor(Shape.of(xs), in)) {
        Session.Runner r = h.session.runner().feed(h.x, t);
        h.store.updates().forEach(r::addTarget);
        r.run().close();
      }
      float[] movingMean = h.variable("net/batch_norm_0/moving_mean").values();
      float[] movingVariance = h.variable("net/batch_norm_0/moving_variance").values();
      for (int c = 0; c < 2; c++) {
        assertEquals(0.1 * m[0][c], movingMean[c], 1e-5);
        assertEquals(0.9 + 0.1 * m[1][c], movingVariance[c], 1e-5);
      }

      // The same layer in evaluation mode (same store, same variables) uses the moving averages.
      Operand<TFloat32> evaluated = new Nn(h.store, "net", Mode.EVALUATION).batchNorm(h.x, 0.9f, 1e-3f);
      assertEquals(2, h.store.updates().size(), "evaluation registers no update");
      Fetched e = h.run(evaluated, in);
      for (int i = 0; i < in.length; i++) {
        int c = i % 2;
        assertEquals((in[i] - movingMean[c]) / Math.sqrt(movingVariance[c] + 1e-3), e.get(i), 1e-4);
      }
    }
  }

  @Test
  void batchNormTakesStatisticsPerSampleCopy() {
    // Rows [k * B, 3] with k = 2 copies of B = 3 rows: each copy normalized by its own statistics.
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VariableStore store = new VariableStore(tf, new RandomSource(tf, Seed.of(1)));
      float[] in = LayerHarness.ramp(new long[] {6, 3});
      for (int i = 9; i < 18; i++) {
        in[i] = 10 * in[i] + 5; // the second copy lives on another scale
      }
      Operand<TFloat32> x = tf.constant(Shape.of(6, 3), org.tensorflow.ndarray.buffer.DataBuffers.of(in));
      Operand<TFloat32> y = new Nn(store, "net", Mode.TRAINING, tf.constant(3)).batchNorm(x);
      try (Session s = new Session(g)) {
        init(s, store);
        float[] out = TfTesting.fetchOne(s, y).values();
        for (int copy = 0; copy < 2; copy++) {
          double[][] m = moments(in, 3, 3, 3 * copy, 3 * copy + 3);
          for (int i = 9 * copy; i < 9 * copy + 9; i++) {
            assertEquals((in[i] - m[0][i % 3]) / Math.sqrt(m[1][i % 3] + 1e-3), out[i], 1e-4, "element " + i);
          }
        }
        Session.Runner r = s.runner();
        store.updates().forEach(r::addTarget);
        r.run().close();
        float[] movingMean = TfTesting.fetchOne(s, store.allVariables().get(2)).values();
        double[][] m0 = moments(in, 3, 3, 0, 3);
        double[][] m1 = moments(in, 3, 3, 3, 6);
        for (int c = 0; c < 3; c++) {
          assertEquals(0.01 * (m0[0][c] + m1[0][c]) / 2, movingMean[c], 1e-5, "mean of the copies' means");
        }
      }
    }
  }

  @Test
  void layerNormNormalizesEachRowOverAllItsElements() {
    long[] xs = {3, 2, 2, 2};
    float[] in = LayerHarness.ramp(xs);
    try (LayerHarness h = new LayerHarness(xs, Mode.EVALUATION, (nn, x) -> nn.layerNorm(x))) {
      Fetched y = h.output(in);
      for (int row = 0; row < 3; row++) {
        double[][] m = moments(in, 8, 1, row, row + 1);
        for (int i = 8 * row; i < 8 * row + 8; i++) {
          assertEquals((in[i] - m[0][0]) / Math.sqrt(m[1][0] + 1e-3), y.get(i), 1e-4);
        }
      }
      h.checkInputGradient(in, 3e-2);
    }
  }

  @Test
  void dropoutIsOffInEvaluationAndDropsAtItsRateInTraining() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VariableStore store = new VariableStore(tf, new RandomSource(tf, Seed.of(2)));
      Operand<TFloat32> x = tf.fill(tf.constant(new long[] {200, 50}), tf.constant(2f));
      assertSame(x, new Nn(store, "net", Mode.EVALUATION).dropout(x, 0.3f));
      Operand<TFloat32> y = new Nn(store, "net", Mode.TRAINING).dropout(x, 0.3f);
      try (Session s = new Session(g)) {
        float[] first = TfTesting.fetchOne(s, y).values();
        float[] second = TfTesting.fetchOne(s, y).values();
        int dropped = 0;
        int differ = 0;
        for (int i = 0; i < first.length; i++) {
          assertTrue(first[i] == 0f || Math.abs(first[i] - 2f / 0.7f) < 1e-5, "kept values are scaled by 1/(1-rate)");
          dropped += first[i] == 0f ? 1 : 0;
          differ += first[i] != second[i] ? 1 : 0;
        }
        // 10000 Bernoulli(0.3) draws: 3000 +- 46; 5 sigma.
        assertEquals(3000, dropped, 230);
        assertTrue(differ > 2000, "a fresh mask on every run");
      }
    }
  }

  @Test
  void embeddingPicksRowsAndItsGradientReachesThem() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VariableStore store = new VariableStore(tf, new RandomSource(tf, Seed.of(3)));
      Operand<TFloat32> ids = tf.constant(new float[] {2, 0, 2});
      Operand<TFloat32> e = new Nn(store, "net").embedding(ids, 4, 3);
      assertEquals(Shape.of(3, 3), e.shape());
      Output<?> grad = g.addGradients(tf.reduceSum(e, tf.constant(new int[] {0, 1})).asOutput(),
          new Output<?>[] {store.trainableVariables().get(0).asOutput()})[0];
      try (Session s = new Session(g)) {
        init(s, store);
        List<Fetched> f = TfTesting.fetch(s, e, store.trainableVariables().get(0));
        float[] table = f.get(1).values();
        int[] picked = {2, 0, 2};
        for (int r = 0; r < 3; r++) {
          for (int d = 0; d < 3; d++) {
            assertEquals(table[picked[r] * 3 + d], f.get(0).get(r * 3 + d));
            assertTrue(Math.abs(table[picked[r] * 3 + d]) <= 0.05f);
          }
        }
        try (Result r = s.runner().fetch(grad).run()) {
          // d sum / d table: row 2 was picked twice, row 0 once, rows 1 and 3 never.
          float[] gr = TfTesting.copy(r.get(0)).values();
          assertArrayEquals(new float[] {1, 1, 1, 0, 0, 0, 2, 2, 2, 0, 0, 0}, gr);
        }
      }
    }
  }

  @Test
  void residualBlockIsTheCompositionOfItsLayers() {
    long[] xs = {2, 4, 4, 3};
    float[] in = LayerHarness.ramp(xs);
    try (LayerHarness h = new LayerHarness(xs, Mode.EVALUATION,
        (nn, x) -> nn.residualBlock(x, 5, 3, 2, Activation.RELU))) {
      assertEquals(Shape.of(2, 2, 2, 5), h.y.shape());
      // By hand from the same variables: a second helper of the same scope reuses them in order.
      Nn nn = new Nn(h.store, "net");
      Operand<TFloat32> a = nn.conv2d(h.x, 5, 3, 2, Padding.SAME, Activation.RELU);
      Operand<TFloat32> b = nn.conv2d(a, 5, 3, 1, Padding.SAME);
      Operand<TFloat32> shortcut = nn.conv2d(h.x, 5, 1, 2, Padding.SAME);
      Operand<TFloat32> manual = h.tf.nn.relu(h.tf.math.add(b, shortcut));
      assertEquals(6, h.store.trainableVariables().size());
      assertArrayEquals(h.run(manual, in).values(), h.output(in).values(), 1e-6f);
      // Same shape: the identity shortcut, two convolutions.
      Nn identity = new Nn(h.store, "identity");
      Operand<TFloat32> same = identity.residualBlock(h.x, 3, 3, 1, Activation.LINEAR);
      Nn byHand = new Nn(h.store, "identity");
      Operand<TFloat32> sameManual = h.tf.math.add(byHand.conv2d(byHand.conv2d(h.x, 3, 3, 1, Padding.SAME), 3, 3, 1,
          Padding.SAME), h.x);
      assertEquals(10, h.store.trainableVariables().size());
      Session.Runner init = h.session.runner();
      h.store.initializers().forEach(init::addTarget);
      init.run().close();
      assertArrayEquals(h.run(sameManual, in).values(), h.run(same, in).values(), 1e-6f);
    }
  }

  @Test
  void weightDecayAddsHalfLambdaTimesTheSquaredKernelsWithGradientLambdaW() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VariableStore store = new VariableStore(tf, new RandomSource(tf, Seed.of(4)));
      Nn nn = new Nn(store, "critic").weightDecay(0.1f);
      Operand<TFloat32> x = tf.constant(new float[][] {{1, 2}, {3, 4}});
      nn.dense(nn.dense(x, 3, Activation.RELU), 1);
      List<org.tensorflow.op.core.Variable<TFloat32>> vars = store.trainableVariables();
      Operand<TFloat32> penalty = store.penalty(vars).orElseThrow();
      // Biases are not decayed: they are unreachable from the penalty, so only the kernel is asked for.
      Output<?>[] grads = g.addGradients(penalty.asOutput(), new Output<?>[] {vars.get(0).asOutput()});
      try (Session s = new Session(g)) {
        init(s, store);
        float[] k0 = TfTesting.fetchOne(s, vars.get(0)).values();
        float[] k1 = TfTesting.fetchOne(s, vars.get(2)).values();
        double expected = 0;
        for (float w : k0) {
          expected += 0.05 * w * w;
        }
        for (float w : k1) {
          expected += 0.05 * w * w;
        }
        assertEquals(expected, TfTesting.fetchOne(s, penalty).get(0), 1e-6);
        float[] g0 = TfTesting.fetchOne(s, grads[0]).values();
        for (int i = 0; i < k0.length; i++) {
          assertEquals(0.1 * k0[i], g0[i], 1e-6);
        }
      }
    }
  }

  /** Largest singular value of a row-major [rows, cols] matrix, by many power iterations in double. */
  private static double topSingularValue(float[] w, int rows, int cols) {
    double[] u = new double[cols];
    java.util.Arrays.fill(u, 1);
    double sigma = 0;
    for (int it = 0; it < 500; it++) {
      double[] v = new double[rows];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          v[i] += w[i * cols + j] * u[j];
        }
      }
      double[] next = new double[cols];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          next[j] += w[i * cols + j] * v[i];
        }
      }
      double norm = 0;
      for (double d : next) {
        norm += d * d;
      }
      norm = Math.sqrt(norm);
      sigma = Math.sqrt(norm);
      for (int j = 0; j < cols; j++) {
        u[j] = next[j] / norm;
      }
    }
    return sigma;
  }

  @Test
  void spectralNormalizationDividesByTheLargestSingularValueOnceItsIterationConverges() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VariableStore store = new VariableStore(tf, new RandomSource(tf, Seed.of(5)));
      Operand<TFloat32> x = tf.constant(new float[][] {{1, 0, 0, 0, 0, 0}, {0, 1, 0, 0, 0, 0}, {0, 0, 1, 0, 0, 0},
          {0, 0, 0, 1, 0, 0}, {0, 0, 0, 0, 1, 0}, {0, 0, 0, 0, 0, 1}});
      // dense on the identity returns kernel / sigma + bias (bias 0): the normalized kernel itself.
      Operand<TFloat32> normalized = new Nn(store, "critic", Mode.TRAINING).spectralNormalization().dense(x, 4);
      assertEquals(List.of("critic/dense_0/kernel", "critic/dense_0/bias"),
          store.trainableVariables().stream().map(v -> v.op().name()).toList());
      assertEquals(1, store.updates().size());
      try (Session s = new Session(g)) {
        init(s, store);
        for (int i = 0; i < 30; i++) {
          Session.Runner r = s.runner();
          store.updates().forEach(r::addTarget);
          r.run().close();
        }
        float[] kernel = TfTesting.fetchOne(s, store.trainableVariables().get(0)).values();
        float[] out = TfTesting.fetchOne(s, normalized).values();
        double sigma = topSingularValue(kernel, 6, 4);
        for (int i = 0; i < kernel.length; i++) {
          assertEquals(kernel[i] / sigma, out[i], 1e-4, "element " + i);
        }
        assertEquals(1.0, topSingularValue(out, 6, 4), 1e-4);
      }
    }
  }

  @Test
  void userVariablesTakeTheirInitializers() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VariableStore store = new VariableStore(tf, new RandomSource(tf, Seed.of(6)));
      Nn nn = new Nn(store, "net");
      Operand<TFloat32> ones = nn.variable("scale", new int[] {3}, Initializer.ones());
      Operand<TFloat32> c = nn.variable("shift", new int[] {2}, Initializer.constant(0.25f));
      Operand<TFloat32> normal = nn.variable("noise", new int[] {100, 100}, Initializer.normal(1f, 0.5f));
      Operand<TFloat32> he = nn.variable("he", new int[] {3, 3, 50, 20}, Initializer.he());
      Operand<TFloat32> glorot = nn.variable("glorot", new int[] {200, 300}, Initializer.glorot());
      assertEquals("net/scale", store.trainableVariables().get(0).op().name());
      try (Session s = new Session(g)) {
        init(s, store);
        assertArrayEquals(new float[] {1, 1, 1}, TfTesting.fetchOne(s, ones).values());
        assertArrayEquals(new float[] {0.25f, 0.25f}, TfTesting.fetchOne(s, c).values());
        float[] n = TfTesting.fetchOne(s, normal).values();
        assertEquals(1.0, TfTesting.mean(n), 0.02);
        assertEquals(0.5, TfTesting.std(n), 0.02);
        // He: std sqrt(2 / fanIn), fanIn = 3 * 3 * 50.
        assertEquals(Math.sqrt(2.0 / 450), TfTesting.std(TfTesting.fetchOne(s, he).values()), 0.003);
        // Glorot uniform: std = limit / sqrt(3), limit = sqrt(6 / 500).
        assertEquals(Math.sqrt(6.0 / 500) / Math.sqrt(3), TfTesting.std(TfTesting.fetchOne(s, glorot).values()), 0.002);
      }
    }
  }
}
