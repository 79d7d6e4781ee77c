package dev.helmholtz.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat64;

class GradientDispatchTest {

  /** d/dx digamma(x) = polygamma(1, x), a gradient TF Java lacks. */
  private static final GradientDispatch.Gradient DIGAMMA = (tf, inputs, outputs, grads) -> {
    @SuppressWarnings("unchecked")
    Operand<TFloat64> x = (Operand<TFloat64>) inputs.get(0);
    @SuppressWarnings("unchecked")
    Operand<TFloat64> g = (Operand<TFloat64>) grads.get(0);
    return List.of(tf.math.mul(g, tf.math.polygamma(tf.onesLike(x), x)));
  };

  /** y1 = a * b, y2 = a + b: the gradient of a two-input, two-output computation. */
  private static final GradientDispatch.Gradient PRODUCT_AND_SUM = (tf, inputs, outputs, grads) -> {
    Operand<TFloat64> a = doubles(inputs.get(0));
    Operand<TFloat64> b = doubles(inputs.get(1));
    Operand<TFloat64> g1 = doubles(grads.get(0));
    Operand<TFloat64> g2 = doubles(grads.get(1));
    return List.of(tf.math.add(tf.math.mul(g1, b), g2), tf.math.add(tf.math.mul(g1, a), g2));
  };

  @SuppressWarnings("unchecked")
  private static Operand<TFloat64> doubles(Operand<?> o) {
    return (Operand<TFloat64>) o;
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat64> dispatchedDigamma(Ops tf, Operand<TFloat64> x) {
    GradientDispatch.define("test-digamma", DIGAMMA);
    return (Operand<TFloat64>) GradientDispatch.attach(tf, "test-digamma", List.of(tf.math.digamma(x)), List.of(x))
        .get(0);
  }

  @Test
  void digammaGradientMatchesCentralFiniteDifferences() {
    double[] at = {0.3, 1.0, 2.5, 7.0};
    double[] gradient;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat64> x = tf.placeholder(TFloat64.class);
      Operand<TFloat64> y = tf.reduceSum(dispatchedDigamma(tf, x), tf.constant(0));
      Operand<?> dx = tf.gradients(y, List.of(x)).dy().get(0);
      gradient = run(s, x, at, dx);
      double h = 1e-5;
      for (int i = 0; i < at.length; i++) {
        double[] plus = at.clone();
        double[] minus = at.clone();
        plus[i] += h;
        minus[i] -= h;
        double fd = (run(s, x, plus, y)[0] - run(s, x, minus, y)[0]) / (2 * h);
        assertEquals(fd, gradient[i], 1e-6 * Math.max(1, Math.abs(fd)), "d digamma / dx at " + at[i]);
      }
    }
  }

  @Test
  void aGradientWithSeveralInputsAndOutputsGetsZerosForAnUnusedOutput() {
    GradientDispatch.define("test-product-and-sum", PRODUCT_AND_SUM);
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat64> a = tf.constant(new double[] {2, -1});
      Operand<TFloat64> b = tf.constant(new double[] {3, 4});
      List<Operand<?>> ys = GradientDispatch.attach(tf, "test-product-and-sum",
          List.of(tf.math.mul(a, b), tf.math.add(a, b)), List.of(a, b));
      Operand<TFloat64> both = tf.reduceSum(tf.math.add(tf.math.mul(tf.constant(3.0), doubles(ys.get(0))),
          tf.math.mul(tf.constant(5.0), doubles(ys.get(1)))), tf.constant(0));
      // dL/da = 3b + 5, dL/db = 3a + 5
      List<Operand<?>> grads = List.of(tf.gradients(both, List.of(a, b)).dy().toArray(new Operand<?>[0]));
      assertArrayEquals(new double[] {14, 17}, run(s, null, null, grads.get(0)), 1e-12);
      assertArrayEquals(new double[] {11, 2}, run(s, null, null, grads.get(1)), 1e-12);
      // Only y1 used: y2's gradient arrives as nothing and counts as zero.
      Operand<TFloat64> productOnly = tf.reduceSum(doubles(ys.get(0)), tf.constant(0));
      Operand<?> da = tf.gradients(productOnly, List.of(a)).dy().get(0);
      assertArrayEquals(new double[] {3, 4}, run(s, null, null, da), 1e-12);
    }
  }

  @Test
  void aPlainIdentityNKeepsTheIdentitysGradient() {
    SecondOrderGradients.register();
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat64> x = tf.constant(new double[] {1.5, -2});
      Operand<TFloat64> copy = doubles(tf.identityN(List.of(x)).output().get(0));
      Operand<TFloat64> y = tf.reduceSum(tf.math.square(copy), tf.constant(0));
      Operand<?> dx = tf.gradients(y, List.of(x)).dy().get(0);
      assertArrayEquals(new double[] {3, -4}, run(s, null, null, dx), 1e-12);
    }
  }

  @Test
  void definitionsAndAttachmentsAreChecked() {
    GradientDispatch.define("test-twice", DIGAMMA);
    GradientDispatch.define("test-twice", DIGAMMA);
    IllegalStateException twice = assertThrows(IllegalStateException.class,
        () -> GradientDispatch.define("test-twice", PRODUCT_AND_SUM));
    assertEquals("a gradient named 'test-twice' is already defined", twice.getMessage());
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat64> x = tf.constant(1.0);
      IllegalArgumentException undefined = assertThrows(IllegalArgumentException.class,
          () -> GradientDispatch.attach(tf, "test-never-defined", List.of(x), List.of(x)));
      assertEquals("no gradient is defined under 'test-never-defined': call GradientDispatch.define first",
          undefined.getMessage());
    }
  }

  private static double[] run(Session s, Placeholder<TFloat64> x, double[] value, Operand<?> fetch) {
    Session.Runner runner = s.runner();
    TFloat64 feed = null;
    try {
      if (x != null) {
        feed = TFloat64.tensorOf(Shape.of(value.length), DataBuffers.of(value, true, false));
        runner.feed(x, feed);
      }
      try (Result r = runner.fetch(fetch).run()) {
        TFloat64 t = (TFloat64) r.get(0);
        double[] out = new double[(int) t.shape().size()];
        t.copyTo(DataBuffers.of(out, false, false));
        return out;
      }
    } finally {
      if (feed != null) {
        feed.close();
      }
    }
  }
}
