package dev.helmholtz.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting;
import dev.helmholtz.nn.Activation;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.nn.VariableStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

class GradientPenaltyTest {
  private static final float[] X = {
    0.3f, -1.2f, 0.8f, 1.5f, 0.1f, -0.4f, -0.7f, 0.9f, 2.0f, 0.05f, -1.6f, 0.6f};

  /** A critic through every activation whose second-order gradient is registered. */
  private static Operand<TFloat32> critic(VariableStore store, Operand<TFloat32> x) {
    Nn nn = new Nn(store, "critic");
    Operand<TFloat32> h = nn.dense(x, 5, Activation.TANH);
    h = nn.dense(h, 4, Activation.LEAKY_RELU);
    h = nn.dense(h, 4, Activation.RELU);
    h = nn.dense(h, 3, Activation.SIGMOID);
    return nn.tf().reshape(nn.dense(h, 1), nn.tf().constant(new long[] {-1}));
  }

  @Test
  void penaltyGradientMatchesFiniteDifferences() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VariableStore store = new VariableStore(tf, new RandomSource(tf, Seed.of(11)));
      Operand<TFloat32> x = tf.constant(X);
      Operand<TFloat32> rows = tf.reshape(x, tf.constant(new long[] {4, 3}));
      Operand<TFloat32> penalty = GradientPenalty.penalty(tf, in -> critic(store, in), rows);
      List<Variable<TFloat32>> variables = store.trainableVariables();
      List<Output<?>> gradients = tf.gradients(penalty, variables).dy();
      Placeholder<TFloat32> value = tf.placeholder(TFloat32.class);
      try (Session s = new Session(g)) {
        Session.Runner init = s.runner();
        store.initializers().forEach(init::addTarget);
        init.run().close();
        List<Operand<?>> fetches = new ArrayList<>();
        gradients.forEach(o -> fetches.add((Operand<?>) o));
        List<TfTesting.Fetched> analytic = TfTesting.fetch(s, fetches.toArray(Operand<?>[]::new));
        int checked = 0;
        for (int v = 0; v < variables.size(); v++) {
          Variable<TFloat32> variable = variables.get(v);
          float[] original = TfTesting.fetchOne(s, tf.identity(variable)).values();
          Op assign = tf.assign(variable, value);
          for (int i = 0; i < original.length; i += 3) {
            double h = 1e-3;
            double up = penaltyAt(s, assign, value, variable.shape(), original, i, h, penalty);
            double down = penaltyAt(s, assign, value, variable.shape(), original, i, -h, penalty);
            penaltyAt(s, assign, value, variable.shape(), original, i, 0, penalty);
            double numeric = (up - down) / (2 * h);
            double exact = analytic.get(v).get(i);
            assertEquals(numeric, exact, 3e-3 + 0.03 * Math.abs(numeric),
                variable.op().name() + "[" + i + "]");
            checked++;
          }
        }
        assertTrue(checked > 20, "checked " + checked + " entries");
        double nonZero = 0;
        for (TfTesting.Fetched f : analytic) {
          for (float gradient : f.values()) {
            nonZero = Math.max(nonZero, Math.abs(gradient));
          }
        }
        assertTrue(nonZero > 1e-3, "the penalty's gradient vanishes everywhere: " + nonZero);
      }
    }
  }

  private static double penaltyAt(Session s, Op assign, Placeholder<TFloat32> value, Shape shape,
      float[] original, int index, double delta, Operand<TFloat32> penalty) {
    float[] moved = original.clone();
    moved[index] = (float) (moved[index] + delta);
    try (TFloat32 t = TFloat32.tensorOf(shape, DataBuffers.of(moved, true, false))) {
      s.runner().feed(value, t).addTarget(assign).run().close();
    }
    try (Result r = s.runner().fetch(penalty).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }
}
