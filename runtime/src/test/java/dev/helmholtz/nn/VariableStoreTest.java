package dev.helmholtz.nn;

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
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

class VariableStoreTest {

  private static VariableStore store(Graph g, long seed) {
    Ops tf = Ops.create(g);
    return new VariableStore(tf, new RandomSource(tf, Seed.of(seed)));
  }

  private static void runInitializers(Session s, VariableStore store) {
    Session.Runner runner = s.runner();
    for (Op op : store.initializers()) {
      runner.addTarget(op);
    }
    runner.run().close();
  }

  @Test
  void sameNameReusesTheVariable() {
    try (Graph g = new Graph()) {
      VariableStore store = store(g, 1);
      Operand<TFloat32> a = store.variable("net/w", Shape.of(2, 3), VariableStore.glorotUniform());
      Operand<TFloat32> b = store.variable("net/w", Shape.of(2, 3), VariableStore.glorotUniform());
      store.variable("net/b", Shape.of(3), VariableStore.zeros());
      List<Variable<TFloat32>> vars = store.trainableVariables();
      assertEquals(2, vars.size());
      assertEquals("net/w", vars.get(0).op().name());
      assertEquals("VariableV2", vars.get(0).op().type());
      assertEquals("net/b", vars.get(1).op().name());
      assertEquals(2, store.initializers().size());
      // reads go through Identity, never the ref variable itself
      assertEquals("Identity", a.op().type());
      assertEquals("Identity", b.op().type());
      assertEquals(Shape.of(2, 3), a.shape());
      try (Session s = new Session(g)) {
        runInitializers(s, store);
        List<Fetched> out = fetch(s, a, b);
        assertArrayEquals(out.get(0).values(), out.get(1).values(), 0f);
      }
    }
  }

  @Test
  void shapeMismatchNamesVariableAndBothShapes() {
    try (Graph g = new Graph()) {
      VariableStore store = store(g, 1);
      store.variable("enc/dense_0/kernel", Shape.of(4, 5), VariableStore.glorotUniform());
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> store.variable("enc/dense_0/kernel", Shape.of(4, 6), VariableStore.glorotUniform()));
      assertTrue(e.getMessage().contains("enc/dense_0/kernel"), e.getMessage());
      assertTrue(e.getMessage().contains("[4, 5]") && e.getMessage().contains("[4, 6]"), e.getMessage());
    }
  }

  @Test
  void invalidNamesAndTakenNamesAreRejected() {
    try (Graph g = new Graph()) {
      VariableStore store = store(g, 1);
      assertThrows(IllegalArgumentException.class, () -> store.variable("", Shape.of(1), VariableStore.zeros()));
      assertThrows(IllegalArgumentException.class, () -> store.variable("a//b", Shape.of(1), VariableStore.zeros()));
      assertThrows(IllegalArgumentException.class, () -> store.variable("a b", Shape.of(1), VariableStore.zeros()));
      assertThrows(
          IllegalArgumentException.class, () -> store.variable("v", Shape.of(-1, 2), VariableStore.zeros()));
      store.tf().withName("taken").constant(1f);
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> store.variable("taken", Shape.of(1), VariableStore.zeros()));
      assertTrue(e.getMessage().contains("taken"));
    }
  }

  @Test
  void glorotUniformStaysWithinBoundsAndFillsThem() {
    int fanIn = 50, fanOut = 30;
    double limit = Math.sqrt(6.0 / (fanIn + fanOut));
    try (Graph g = new Graph()) {
      VariableStore store = store(g, 3);
      Operand<TFloat32> w = store.variable("w", Shape.of(fanIn, fanOut), VariableStore.glorotUniform());
      Operand<TFloat32> z = store.variable("z", Shape.of(7), VariableStore.zeros());
      try (Session s = new Session(g)) {
        runInitializers(s, store);
        List<Fetched> out = fetch(s, w, z);
        float[] values = out.get(0).values();
        double max = 0;
        for (float v : values) {
          assertTrue(Math.abs(v) <= limit, v + " outside +-" + limit);
          max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0.95 * limit);
        int n = values.length;
        // U(-l, l): mean 0, variance l^2 / 3; 4 standard errors
        assertEquals(0.0, TfTesting.mean(values), 4 * limit / Math.sqrt(3.0 * n));
        assertEquals(limit / Math.sqrt(3), TfTesting.std(values), 0.05 * limit);
        assertArrayEquals(new float[7], out.get(1).values(), 0f);
      }
    }
  }

  @Test
  void sessionInitializeAndExplicitInitializersAgree() {
    try (Graph g = new Graph()) {
      VariableStore store = store(g, 4);
      Operand<TFloat32> w = store.variable("w", Shape.of(3, 3), VariableStore.glorotUniform());
      float[] viaInitialize;
      try (Session s = new Session(g)) {
        s.initialize();
        viaInitialize = fetchOne(s, w).values();
      }
      float[] viaAutoInit;
      try (Session s = new Session(g)) {
        viaAutoInit = fetchOne(s, w).values(); // first run initializes automatically
      }
      try (Session s = new Session(g)) {
        runInitializers(s, store);
        runInitializers(s, store); // initial values come from stateless ops: idempotent
        assertArrayEquals(viaInitialize, fetchOne(s, w).values(), 0f);
      }
      assertArrayEquals(viaInitialize, viaAutoInit, 0f);
    }
  }

  private static float[] initialValues(long seed) {
    try (Graph g = new Graph()) {
      VariableStore store = store(g, seed);
      store.variable("a", Shape.of(4, 4), VariableStore.glorotUniform());
      Operand<TFloat32> b = store.variable("b", Shape.of(4, 4), VariableStore.glorotUniform());
      try (Session s = new Session(g)) {
        runInitializers(s, store);
        return fetchOne(s, b).values();
      }
    }
  }

  @Test
  void initializationIsDeterministicUnderASeed() {
    assertArrayEquals(initialValues(10), initialValues(10), 0f);
    assertFalse(Arrays.equals(initialValues(10), initialValues(11)));
  }

  @Test
  void gradientsFlowThroughReads() {
    try (Graph g = new Graph()) {
      VariableStore store = store(g, 5);
      Ops tf = store.tf();
      Operand<TFloat32> w = store.variable("w", Shape.of(2, 2), VariableStore.glorotUniform());
      // Square and Log1p directly on a ref variable crash the JVM under gradients; on a read they
      // must work.
      Operand<TFloat32> loss =
          tf.reduceSum(
              tf.math.add(tf.math.square(w), tf.math.log1p(tf.math.square(w))),
              tf.constant(new int[] {0, 1}));
      Variable<TFloat32> v = store.trainableVariables().get(0);
      Output<?>[] grads = g.addGradients(loss.asOutput(), new Output<?>[] {v.asOutput()});
      try (Session s = new Session(g)) {
        runInitializers(s, store);
        Session.Runner runner = s.runner().fetch(w).fetch(grads[0]);
        try (var result = runner.run()) {
          float[] values = TfTesting.copy(result.get(0)).values();
          float[] grad = TfTesting.copy(result.get(1)).values();
          for (int i = 0; i < 4; i++) {
            double x = values[i];
            assertEquals(2 * x + 2 * x / (1 + x * x), grad[i], 1e-5);
          }
        }
      }
    }
  }

  @Test
  void saveAndRestoreAcrossRebuiltGraphs(@TempDir Path dir) {
    String prefix = dir.resolve("ckpt").toString();
    float[] saved;
    try (Graph g = new Graph()) {
      VariableStore store = store(g, 20);
      Nn nn = new Nn(store, "decode");
      nn.dense(store.tf().constant(new float[][] {{1f, 2f}}), 3);
      try (Session s = new Session(g)) {
        runInitializers(s, store);
        saved = fetchOne(s, store.variable("decode/dense_0/kernel", Shape.of(2, 3), VariableStore.glorotUniform())).values();
        s.save(prefix);
      }
    }
    try (Graph g = new Graph()) {
      VariableStore store = store(g, 21); // a different seed: different initial values
      Nn nn = new Nn(store, "decode");
      nn.dense(store.tf().constant(new float[][] {{1f, 2f}}), 3);
      Operand<TFloat32> kernel =
          store.variable("decode/dense_0/kernel", Shape.of(2, 3), VariableStore.glorotUniform());
      try (Session s = new Session(g)) {
        s.restore(prefix);
        assertArrayEquals(saved, fetchOne(s, kernel).values(), 0f);
      }
    }
  }

  @Test
  void accessors() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource rng = new RandomSource(tf, Seed.of(1));
      VariableStore store = new VariableStore(tf, rng);
      assertSame(tf, store.tf());
      assertSame(rng, store.random());
      assertTrue(store.trainableVariables().isEmpty());
      assertThrows(UnsupportedOperationException.class, () -> store.initializers().add(null));
    }
  }
}
