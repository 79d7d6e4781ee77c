package dev.helmholtz.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;


import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting;
import dev.helmholtz.nn.Activation;
import dev.helmholtz.nn.Padding;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.nn.VariableStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
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

  /**
   * A convolutional critic (WGAN-GP's): convolutions with leaky ReLU, layer normalization and a
   * dense score, on rows of 16 reshaped to 4x4 images.
   */
  private static Operand<TFloat32> convolutionalCritic(VariableStore store, Operand<TFloat32> x) {
    Nn nn = new Nn(store, "critic");
    Operand<TFloat32> h = nn.conv2d(nn.reshape(x, 4, 4, 1), 3, 3, 2, Padding.SAME, Activation.LEAKY_RELU);
    h = nn.activate(nn.layerNorm(h), Activation.LEAKY_RELU);
    h = nn.conv2d(h, 2, 2, 1, Padding.VALID, Activation.LEAKY_RELU);
    return nn.tf().reshape(nn.dense(nn.flatten(h), 1), nn.tf().constant(new long[] {-1}));
  }

  @Test
  void penaltyGradientMatchesFiniteDifferences() {
    checkPenaltyGradient(GradientPenaltyTest::critic, X, 4, 3);
  }

  @Test
  void convolutionalCriticPenaltyGradientMatchesFiniteDifferences() {
    float[] x = new float[4 * 16];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(0.9 * i + 0.3);
    }
    checkPenaltyGradient(GradientPenaltyTest::convolutionalCritic, x, 4, 16);
  }

  private static void checkPenaltyGradient(BiFunction<VariableStore, Operand<TFloat32>, Operand<TFloat32>> critic,
      float[] inputs, int n, int width) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VariableStore store = new VariableStore(tf, new RandomSource(tf, Seed.of(11)));
      Operand<TFloat32> x = tf.constant(inputs);
      Operand<TFloat32> rows = tf.reshape(x, tf.constant(new long[] {n, width}));
      Operand<TFloat32> penalty = GradientPenalty.penalty(tf, in -> critic.apply(store, in), rows);
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
        int kinks = 0;
        for (int v = 0; v < variables.size(); v++) {
          Variable<TFloat32> variable = variables.get(v);
          float[] original = TfTesting.fetchOne(s, tf.identity(variable)).values();
          Op assign = tf.assign(variable, value);
          for (int i = 0; i < original.length; i += 2) {
            double numeric = centralDifference(s, assign, value, variable, original, i, 1e-3, penalty);
            // A step that crosses a ReLU kink moves the input gradient, and so the penalty, by a
            // jump: two step sizes then disagree, and the entry is no test of the gradient.
            double finer = centralDifference(s, assign, value, variable, original, i, 2.5e-4, penalty);
            if (Math.abs(numeric - finer) > 2e-3 + 0.03 * Math.abs(numeric)) {
              kinks++;
              continue;
            }
            double exact = analytic.get(v).get(i);
            assertEquals(numeric, exact, 3e-3 + 0.03 * Math.abs(numeric),
                variable.op().name() + "[" + i + "]");
            checked++;
          }
        }
        assertTrue(kinks * 4 < checked, kinks + " kinks among " + checked + " entries");
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

  private static double centralDifference(Session s, Op assign, Placeholder<TFloat32> value,
      Variable<TFloat32> variable, float[] original, int i, double h, Operand<TFloat32> penalty) {
    double up = penaltyAt(s, assign, value, variable.shape(), original, i, h, penalty);
    double down = penaltyAt(s, assign, value, variable.shape(), original, i, -h, penalty);
    penaltyAt(s, assign, value, variable.shape(), original, i, 0, penalty);
    return (up - down) / (2 * h);
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

  /**
   * The penalty's value against (|grad_x D| - 1)^2 computed here, in Java, for a critic whose
   * input gradient has a closed form: D(x) = tanh(w.x + b), grad_x D = (1 - D^2) w. Catches a
   * penalty without the "- 1", with the squared norm, or summed instead of averaged.
   */
  @Test
  void penaltyValueIsTheMeanSquaredDistanceOfTheGradientNormFromOne() {
    float[] w = {0.9f, -1.7f, 0.4f};
    float b = 0.2f;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> rows = tf.reshape(tf.constant(X), tf.constant(new long[] {4, 3}));
      Operand<TFloat32> penalty = GradientPenalty.penalty(tf, in -> tf.reshape(tf.math.tanh(tf.math.add(
          tf.linalg.matMul(in, tf.constant(new float[][] {{w[0]}, {w[1]}, {w[2]}})), tf.constant(b))),
          tf.constant(new long[] {-1})), rows);
      double wNorm = Math.sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
      double expected = 0;
      for (int r = 0; r < 4; r++) {
        double d = Math.tanh(w[0] * X[3 * r] + w[1] * X[3 * r + 1] + w[2] * X[3 * r + 2] + b);
        double norm = (1 - d * d) * wNorm;
        expected += (norm - 1) * (norm - 1) / 4;
      }
      try (Session s = new Session(g)) {
        assertEquals(expected, TfTesting.fetchOne(s, penalty).get(0), 1e-5 * Math.max(1, expected));
      }
    }
  }

  /**
   * Interpolates lie on the segment from the generated row to the real row, with one e ~ U(0, 1)
   * per row (the same for every column of the row), e spread as a uniform (mean 1/2, variance
   * 1/12, within 5 standard errors over 4000 rows), and no gradient reaches real or generated
   * examples. Catches an e per element, an e outside [0, 1], and a gradient into the generator.
   */
  @Test
  void interpolatesLieOnTheSegmentWithOneUniformWeightPerRow() {
    int n = 4000;
    float[][] real = new float[n][];
    float[][] fake = new float[n][];
    for (int i = 0; i < n; i++) {
      real[i] = new float[] {1f + i % 7, -2f, 0.5f * (i % 3)};
      fake[i] = new float[] {-1f, 3f + i % 5, 4f};
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> r = tf.constant(real);
      Operand<TFloat32> f = tf.constant(fake);
      Operand<TFloat32> x = GradientPenalty.interpolates(tf, new RandomSource(tf, Seed.of(5)), r, f);
      assertEquals(3, x.shape().get(1), "the static width is kept");
      List<Output<?>> back = tf.gradients(tf.reduceSum(x, tf.constant(new int[] {0, 1})), List.of(r, f)).dy();
      for (Output<?> o : back) {
        assertTrue(o == null || o.isClosed() || allZero(g, o), "a gradient flows into the real or generated examples");
      }
      try (Session s = new Session(g)) {
        float[] values = TfTesting.fetchOne(s, x).values();
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < n; i++) {
          double e = Double.NaN;
          for (int j = 0; j < 3; j++) {
            double span = real[i][j] - fake[i][j];
            if (Math.abs(span) > 0.5) {
              double ej = (values[3 * i + j] - fake[i][j]) / span;
              if (Double.isNaN(e)) {
                e = ej;
              } else {
                assertEquals(e, ej, 1e-5, "row " + i + " column " + j + ": one e per row");
              }
            }
          }
          assertTrue(e >= 0 && e <= 1, "row " + i + ": e = " + e);
          sum += e;
          sumSquares += e * e;
        }
        double mean = sum / n;
        double variance = sumSquares / n - mean * mean;
        assertEquals(0.5, mean, 5 * Math.sqrt(1.0 / 12 / n), "mean of e");
        // var of a U(0,1) sample variance: (1/80 - 1/144)/n; 5 standard errors
        assertEquals(1.0 / 12, variance, 5 * Math.sqrt((1.0 / 80 - 1.0 / 144) / n), "variance of e");
      }
    }
  }

  private static boolean allZero(Graph g, Output<?> o) {
    try (Session s = new Session(g)) {
      for (float v : TfTesting.fetchOne(s, (Operand<?>) o).values()) {
        if (v != 0) {
          return false;
        }
      }
      return true;
    }
  }
}
