package dev.helmholtz.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting;
import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A dense layer on rows the pass repeated once per sample, alone or joined by {@link Nn#concat},
 * against the same layer (the same variables, by name) on the same rows unannounced: the same
 * values and gradients to float tolerance, at a width (300 inputs) where the split's partial sums
 * round differently from the one product.
 */
class RepeatedRowsTest {
  private static final int B = 6;
  private static final int K = 4;
  private static final int WIDTH = 300;

  @Test
  void denseOnRepeatedRowsMatchesTheTiledProductInValueAndGradient() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VariableStore store = new VariableStore(tf, new RandomSource(tf, Seed.of(2)));
      Operand<TFloat32> x = tf.constant(rows(B, WIDTH, 1));
      Operand<TFloat32> y = tf.constant(rows(K * B, 3, 2));
      UnaryOperator<Operand<TFloat32>> tile = v -> tf.tile(v, tf.constant(new int[] {K, 1}));
      RepeatedRows repeats = new RepeatedRows();
      Operand<TFloat32> xTiled = repeats.register(tile.apply(x), x, tile);
      Operand<TFloat32> xTiledUnannounced = tile.apply(x);

      Operand<TFloat32> sharedJoined = network(new Nn(store, "enc", Mode.EVALUATION, null, repeats), xTiled, y);
      Operand<TFloat32> tiledJoined = network(new Nn(store, "enc", Mode.EVALUATION, null, new RepeatedRows()),
          xTiledUnannounced, y);
      Operand<TFloat32> sharedAlone = new Nn(store, "alone", Mode.EVALUATION, null, repeats)
          .dense(xTiled, 5, Activation.TANH);
      Operand<TFloat32> tiledAlone = new Nn(store, "alone").dense(xTiledUnannounced, 5, Activation.TANH);

      List<Variable<TFloat32>> variables = store.trainableVariables();
      assertEquals(6, variables.size(), "both sides use the same variables: " + variables);
      List<Operand<?>> fetches = new ArrayList<>(List.of(sharedJoined, tiledJoined, sharedAlone, tiledAlone));
      Operand<TFloat32> sharedLoss = loss(tf, sharedJoined, sharedAlone);
      Operand<TFloat32> tiledLoss = loss(tf, tiledJoined, tiledAlone);
      tf.gradients(sharedLoss, variables).dy().forEach(fetches::add);
      tf.gradients(tiledLoss, variables).dy().forEach(fetches::add);
      try (Session s = new Session(g)) {
        Session.Runner init = s.runner();
        for (Op op : store.initializers()) {
          init.addTarget(op);
        }
        init.run().close();
        List<Fetched> f = TfTesting.fetch(s, fetches.toArray(Operand<?>[]::new));
        assertClose(f.get(1), f.get(0), "joined layer's output");
        assertClose(f.get(3), f.get(2), "repeated layer's output");
        for (int v = 0; v < variables.size(); v++) {
          assertClose(f.get(4 + variables.size() + v), f.get(4 + v), "gradient of " + variables.get(v).op().name());
        }
      }
    }
  }

  private static Operand<TFloat32> network(Nn nn, Operand<TFloat32> x, Operand<TFloat32> y) {
    return nn.dense(nn.dense(nn.concat(x, y), 7, Activation.SOFTPLUS), 2);
  }

  private static Operand<TFloat32> loss(Ops tf, Operand<TFloat32> a, Operand<TFloat32> b) {
    return tf.math.add(tf.reduceSum(tf.math.square(a), tf.constant(new int[] {0, 1})),
        tf.reduceSum(tf.math.sin(b), tf.constant(new int[] {0, 1})));
  }

  private static void assertClose(Fetched expected, Fetched actual, String what) {
    assertEquals(expected.values().length, actual.values().length, what);
    double largest = 0;
    for (int i = 0; i < expected.values().length; i++) {
      largest = Math.max(largest, Math.abs(expected.values()[i]));
    }
    for (int i = 0; i < expected.values().length; i++) {
      assertEquals(expected.values()[i], actual.values()[i], 1e-5 * Math.max(1, largest), what + " [" + i + "]");
    }
    assertTrue(largest > 1e-4, what + " is not all zero");
  }

  private static float[][] rows(int n, int width, int salt) {
    float[][] r = new float[n][width];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < width; j++) {
        r[i][j] = (float) Math.sin(salt + 0.37 * i * width + 1.3 * j);
      }
    }
    return r;
  }
}
