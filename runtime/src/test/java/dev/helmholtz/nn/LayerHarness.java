package dev.helmholtz.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting;
import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.function.BiFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * One layer on a fed input: its output, its variables' values, and its input gradient checked
 * against central finite differences of a fixed weighted sum of the output.
 */
final class LayerHarness implements AutoCloseable {
  final Graph graph = new Graph();
  final Ops tf = Ops.create(graph);
  final VariableStore store = new VariableStore(tf, new RandomSource(tf, Seed.of(7)));
  final Placeholder<TFloat32> x;
  final Operand<TFloat32> y;
  private final Operand<TFloat32> loss;
  private final Output<?> gradient;
  final Session session;
  final long[] inputShape;

  LayerHarness(long[] inputShape, Mode mode, BiFunction<Nn, Operand<TFloat32>, Operand<TFloat32>> layer) {
    this.inputShape = inputShape;
    x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(inputShape)));
    y = layer.apply(new Nn(store, "net", mode), x);
    // A weighted sum, so that the gradient is not the same for every output element.
    Operand<TFloat32> weights = tf.math.sin(tf.math.add(tf.dtypes.cast(
        tf.range(tf.constant(0), tf.size(y), tf.constant(1)), TFloat32.class), tf.constant(0.5f)));
    loss = tf.reduceSum(tf.math.mul(tf.reshape(y, tf.constant(new long[] {-1})), weights), tf.constant(0));
    gradient = graph.addGradients(loss.asOutput(), new Output<?>[] {x.asOutput()})[0];
    session = new Session(graph);
    Session.Runner init = session.runner();
    for (Op op : store.initializers()) {
      init.addTarget(op);
    }
    if (!store.initializers().isEmpty()) {
      init.run().close();
    }
  }

  static float[] ramp(long[] shape) {
    int n = (int) Shape.of(shape).size();
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) Math.sin(1.3 * i + 0.7);
    }
    return v;
  }

  Fetched run(Operand<?> what, float[] input) {
    try (TFloat32 in = TfTesting.tensor(Shape.of(inputShape), input);
        Result r = session.runner().feed(x, in).fetch(what).run()) {
      return TfTesting.copy(r.get(0));
    }
  }

  Fetched output(float[] input) {
    return run(y, input);
  }

  Fetched variable(String name) {
    try (Result r = session.runner().fetch(name).run()) {
      return TfTesting.copy(r.get(0));
    }
  }

  /** Asserts the analytic input gradient matches central differences at {@code input}. */
  void checkInputGradient(float[] input, double tolerance) {
    float[] analytic = run(gradient, input).values();
    double eps = 1e-2;
    for (int i = 0; i < input.length; i++) {
      float[] plus = input.clone();
      float[] minus = input.clone();
      plus[i] += (float) eps;
      minus[i] -= (float) eps;
      double numeric = (run(loss, plus).get(0) - run(loss, minus).get(0)) / (2 * eps);
      assertEquals(numeric, analytic[i], tolerance * Math.max(1, Math.abs(numeric)), "d loss / d x[" + i + "]");
    }
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
