package dev.helmholtz.nn;

import static dev.helmholtz.graph.TfTesting.fetch;
import static dev.helmholtz.graph.TfTesting.fetchOne;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting;
import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

class NnTest {

  private static VariableStore store(Graph g, long seed) {
    Ops tf = Ops.create(g);
    return new VariableStore(tf, new RandomSource(tf, Seed.of(seed)));
  }

  private static void init(Session s, VariableStore store) {
    Session.Runner runner = s.runner();
    for (Op op : store.initializers()) {
      runner.addTarget(op);
    }
    runner.run().close();
  }

  private static float[][] input(int n, int in) {
    float[][] x = new float[n][in];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < in; j++) {
        x[i][j] = (float) Math.sin(1 + i * in + j);
      }
    }
    return x;
  }

  /** A two-layer "network method": a fresh Nn per call. */
  private static Operand<TFloat32> decode(VariableStore store, Operand<TFloat32> z) {
    Nn nn = new Nn(store, "decode");
    Operand<TFloat32> h = nn.dense(z, 5, Activation.TANH);
    return nn.dense(h, 3);
  }

  @Test
  void denseShapesAndVariableNames() {
    try (Graph g = new Graph()) {
      VariableStore store = store(g, 1);
      Operand<TFloat32> y = decode(store, store.tf().constant(input(6, 4)));
      assertEquals(Shape.of(6, 3), y.shape());
      List<Variable<TFloat32>> vars = store.trainableVariables();
      assertEquals(
          List.of("decode/dense_0/kernel", "decode/dense_0/bias", "decode/dense_1/kernel", "decode/dense_1/bias"),
          vars.stream().map(v -> v.op().name()).toList());
      assertEquals(Shape.of(4, 5), vars.get(0).shape());
      assertEquals(Shape.of(5), vars.get(1).shape());
      assertEquals(Shape.of(5, 3), vars.get(2).shape());
      assertEquals(Shape.of(3), vars.get(3).shape());
      assertNotNull(g.operation("decode/dense_0/kernel"));
      try (Session s = new Session(g)) {
        init(s, store);
        assertArrayEquals(new long[] {6, 3}, fetchOne(s, y).shape());
      }
    }
  }

  @Test
  void secondCallReusesVariables() {
    try (Graph g = new Graph()) {
      VariableStore store = store(g, 2);
      Operand<TFloat32> z = store.tf().constant(input(4, 2));
      Operand<TFloat32> first = decode(store, z);
      int count = store.trainableVariables().size();
      Operand<TFloat32> second = decode(store, z);
      assertEquals(count, store.trainableVariables().size());
      assertEquals(4, store.initializers().size());
      try (Session s = new Session(g)) {
        init(s, store);
        List<Fetched> out = fetch(s, first, second);
        assertArrayEquals(out.get(0).values(), out.get(1).values(), 0f);
      }
    }
  }

  @Test
  void denseComputesAffineMapThenActivation() {
    int n = 3, in = 4, units = 2;
    float[][] x = input(n, in);
    try (Graph g = new Graph()) {
      VariableStore store = store(g, 3);
      Ops tf = store.tf();
      Nn nn = new Nn(store, "net");
      Operand<TFloat32> y = nn.dense(tf.constant(x), units, Activation.RELU);
      Operand<TFloat32> kernel = store.variable("net/dense_0/kernel", Shape.of(in, units), VariableStore.glorotUniform());
      // a non-zero bias, to check it is added
      Variable<TFloat32> biasVar = store.trainableVariables().get(1);
      Op setBias = tf.assign(biasVar, tf.constant(new float[] {0.25f, -0.1f}));
      try (Session s = new Session(g)) {
        init(s, store);
        s.run(setBias);
        List<Fetched> out = fetch(s, y, kernel);
        float[] w = out.get(1).values();
        for (int i = 0; i < n; i++) {
          for (int u = 0; u < units; u++) {
            double acc = u == 0 ? 0.25 : -0.1;
            for (int j = 0; j < in; j++) {
              acc += x[i][j] * w[j * units + u];
            }
            assertEquals(Math.max(0, acc), out.get(0).get(i * units + u), 1e-5);
          }
        }
      }
    }
  }

  @Test
  void activationsMatchJava() {
    float[] x = {-3f, -0.5f, 0f, 0.7f, 2.5f};
    DoubleUnaryOperator[] expected = {
      v -> v,
      v -> Math.max(0, v),
      Math::tanh,
      v -> 1 / (1 + Math.exp(-v)),
      v -> Math.log1p(Math.exp(v)),
      v -> v > 0 ? v : Math.expm1(v),
      v -> v > 0 ? v : 0.2 * v,
    };
    Activation[] all = Activation.values();
    assertEquals(expected.length, all.length);
    try (Graph g = new Graph()) {
      VariableStore store = store(g, 4);
      Nn nn = new Nn(store, "act");
      Operand<TFloat32> xs = store.tf().constant(x);
      assertSame(xs, nn.activate(xs, Activation.LINEAR));
      Operand<?>[] ys = new Operand<?>[all.length];
      for (int i = 0; i < all.length; i++) {
        ys[i] = nn.activate(xs, all[i]);
      }
      try (Session s = new Session(g)) {
        List<Fetched> out = fetch(s, ys);
        for (int i = 0; i < all.length; i++) {
          for (int j = 0; j < x.length; j++) {
            assertEquals(expected[i].applyAsDouble(x[j]), out.get(i).get(j), 1e-5, all[i] + " at " + x[j]);
          }
        }
      }
    }
  }

  @Test
  void unknownLastDimensionIsRejectedClearly() {
    try (Graph g = new Graph()) {
      VariableStore store = store(g, 5);
      Ops tf = store.tf();
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1)));
      Nn nn = new Nn(store, "net");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> nn.dense(x, 3));
      assertTrue(e.getMessage().contains("last dimension"), e.getMessage());
      assertTrue(e.getMessage().contains("net/dense_0"), e.getMessage());
      Placeholder<TFloat32> unknownRank = tf.placeholder(TFloat32.class);
      assertThrows(IllegalArgumentException.class, () -> new Nn(store, "n2").dense(unknownRank, 3));
      assertThrows(IllegalArgumentException.class, () -> new Nn(store, "n3").dense(tf.constant(new float[] {1f}), 3));
      assertThrows(IllegalArgumentException.class, () -> new Nn(store, "bad name"));
    }
  }

  @Test
  void unknownBatchAndHigherRankInputsWork() {
    try (Graph g = new Graph()) {
      VariableStore store = store(g, 6);
      Ops tf = store.tf();
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 4)));
      Operand<TFloat32> y2 = new Nn(store, "net").dense(x, 3, Activation.ELU);
      // Shape.equals is false whenever a dimension is unknown: compare the arrays
      assertArrayEquals(new long[] {-1, 3}, y2.shape().asArray());
      // [k, B, in] with unknown leading dims: flattened internally, same weights, last dim static
      Placeholder<TFloat32> x3 = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, 4)));
      Operand<TFloat32> y3 = new Nn(store, "net").dense(x3, 3, Activation.ELU);
      assertEquals(3, y3.shape().numDimensions());
      assertEquals(3, y3.shape().get(2));
      Operand<TFloat32> y4 = new Nn(store, "net2").dense(y3, 2); // stacking works
      assertEquals(2, y4.shape().get(2));
      assertEquals(4, store.trainableVariables().size());
      float[][] rows = input(6, 4);
      float[] flat = new float[24];
      for (int i = 0; i < 6; i++) {
        System.arraycopy(rows[i], 0, flat, i * 4, 4);
      }
      try (Session s = new Session(g);
          TFloat32 t2 = TfTesting.tensor(Shape.of(6, 4), flat);
          TFloat32 t3 = TfTesting.tensor(Shape.of(2, 3, 4), flat)) {
        init(s, store);
        try (var result = s.runner().feed(x, t2).feed(x3, t3).fetch(y2).fetch(y3).fetch(y4).run()) {
          Fetched a = TfTesting.copy(result.get(0));
          Fetched b = TfTesting.copy(result.get(1));
          assertArrayEquals(new long[] {2, 3, 3}, b.shape());
          assertArrayEquals(new long[] {2, 3, 2}, TfTesting.copy(result.get(2)).shape());
          assertArrayEquals(a.values(), b.values(), 1e-6f);
        }
      }
    }
  }

  @Test
  void gradientsReachEveryVariable() {
    try (Graph g = new Graph()) {
      VariableStore store = store(g, 7);
      Ops tf = store.tf();
      Operand<TFloat32> y = decode(store, tf.constant(input(8, 2)));
      Operand<TFloat32> loss = tf.reduceSum(tf.math.square(y), tf.constant(new int[] {0, 1}));
      List<Variable<TFloat32>> vars = store.trainableVariables();
      Output<?>[] xs = vars.stream().map(Variable::asOutput).toArray(Output<?>[]::new);
      Output<?>[] grads = g.addGradients(loss.asOutput(), xs);
      try (Session s = new Session(g)) {
        init(s, store);
        Session.Runner runner = s.runner();
        for (Output<?> grad : grads) {
          runner.fetch(grad);
        }
        try (var result = runner.run()) {
          for (int i = 0; i < grads.length; i++) {
            Fetched grad = TfTesting.copy(result.get(i));
            assertArrayEquals(vars.get(i).shape().asArray(), grad.shape());
            double norm = 0;
            for (float v : grad.values()) {
              norm += v * v;
            }
            assertTrue(norm > 0, "zero gradient for " + vars.get(i).op().name());
          }
        }
      }
    }
  }

  @Test
  void layerCounterIsPerInstanceAndScopesAreSeparate() {
    try (Graph g = new Graph()) {
      VariableStore store = store(g, 8);
      Operand<TFloat32> x = store.tf().constant(input(2, 3));
      Nn enc = new Nn(store, "encode");
      enc.dense(x, 4);
      enc.dense(x, 4);
      new Nn(store, "encode/mu").dense(x, 2);
      assertEquals(
          List.of(
              "encode/dense_0/kernel", "encode/dense_0/bias",
              "encode/dense_1/kernel", "encode/dense_1/bias",
              "encode/mu/dense_0/kernel", "encode/mu/dense_0/bias"),
          store.trainableVariables().stream().map(v -> v.op().name()).toList());
      assertEquals("encode", enc.scope());
      assertSame(store, enc.store());
    }
  }
}
