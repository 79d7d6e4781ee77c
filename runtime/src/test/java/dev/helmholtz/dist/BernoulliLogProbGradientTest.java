package dev.helmholtz.dist;

import static dev.helmholtz.dist.NormalTest.constant;
import static dev.helmholtz.graph.TfTesting.fetch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@link Bernoulli#logProb} computes {@code sum(x l - softplus(l))} in another form, with its
 * gradient written out (issue 24): its values, first and second derivatives must be those of the
 * textbook form under TensorFlow's own gradients, for every way the value and the logits
 * broadcast, with shapes known or not, and at logits where softplus saturates.
 */
class BernoulliLogProbGradientTest {

  /** The textbook form, differentiated by TensorFlow. */
  private static Operand<TFloat32> reference(Ops tf, Operand<TFloat32> value, Operand<TFloat32> logits) {
    return tf.reduceSum(tf.math.sub(tf.math.mul(value, logits), tf.math.softplus(logits)), tf.constant(-1));
  }

  /**
   * The textbook form with softplus written as {@code relu(l) + log1p(exp(-|l|))}, which TensorFlow
   * differentiates twice (its SoftplusGrad has no gradient); wrong at exactly l = 0 (relu and abs
   * have no slope there for TensorFlow), which the logits below avoid.
   */
  private static Operand<TFloat32> twiceDifferentiableReference(Ops tf, Operand<TFloat32> value,
      Operand<TFloat32> logits) {
    Operand<TFloat32> softplus = tf.math.add(tf.nn.relu(logits),
        tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(logits)))));
    return tf.reduceSum(tf.math.sub(tf.math.mul(value, logits), softplus), tf.constant(-1));
  }

  /** Logits across softplus's linear, curved and saturated ranges, and random ones. */
  private static float[] logits(Random r, int n) {
    float[] fixed = {-200f, -90f, -30f, -17f, -5f, -0.5f, -1e-3f, 1e-3f, 0.5f, 5f, 17f, 30f, 90f, 200f};
    float[] l = new float[n];
    for (int i = 0; i < n; i++) {
      l[i] = i < fixed.length && r.nextInt(3) == 0 ? fixed[i] : (float) (r.nextGaussian() * 4);
    }
    return l;
  }

  /** Binary and fractional values in [0, 1]. */
  private static float[] values(Random r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextInt(4) == 0 ? r.nextFloat() : r.nextBoolean() ? 1f : 0f;
    }
    return x;
  }

  /**
   * Builds both forms on the given value and logits (each optionally behind a placeholder of
   * unknown shape), weights each output element by a random weight, and compares the log-densities,
   * their gradients with respect to the value and the logits, and the logits' Hessian applied to a
   * random direction.
   */
  private static void check(Shape valueShape, Shape logitsShape, boolean unknownShapes, long seed) {
    Random r = new Random(seed);
    float[] x = values(r, (int) valueShape.size());
    float[] l = logits(r, (int) logitsShape.size());
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> value = constant(tf, valueShape, x);
      Operand<TFloat32> logit = constant(tf, logitsShape, l);
      if (unknownShapes) {
        value = tf.placeholderWithDefault(value, Shape.unknown());
        logit = tf.placeholderWithDefault(logit, Shape.unknown());
      }
      Operand<TFloat32> fast = Bernoulli.logits(logit).logProb(value);
      Operand<TFloat32> slow = reference(tf, value, logit);
      Operand<TFloat32> weights = tf.stopGradient(tf.math.add(tf.math.mul(tf.onesLike(slow), tf.constant(0.5f)),
          tf.random.statelessRandomUniform(tf.shape(slow), tf.constant(new long[] {seed, 7}))));
      Operand<TFloat32> direction = tf.stopGradient(
          tf.random.statelessRandomNormal(tf.shape(logit), tf.constant(new long[] {seed, 8})));
      Operand<TFloat32> twice = twiceDifferentiableReference(tf, value, logit);
      List<Operand<?>> fetched = new ArrayList<>(List.of(fast, slow));
      for (int form = 0; form < 2; form++) {
        Operand<TFloat32> y = form == 0 ? fast : slow;
        Operand<TFloat32> loss = tf.reduceSum(tf.math.mul(weights, y), tf.constant(new int[] {0}));
        loss = tf.reduceSum(loss, tf.range(tf.constant(0), tf.rank(loss), tf.constant(1)));
        List<Output<?>> grads = tf.gradients(loss, List.of(value, logit)).dy();
        @SuppressWarnings("unchecked")
        Operand<TFloat32> dl = (Operand<TFloat32>) grads.get(1);
        Operand<TFloat32> dlDotDirection = tf.reduceSum(tf.math.mul(dl, direction),
            tf.range(tf.constant(0), tf.rank(dl), tf.constant(1)));
        fetched.add(grads.get(0));
        fetched.add(dl);
        if (form == 0) {
          fetched.add(tf.gradients(dlDotDirection, List.of(logit)).dy().get(0));
        } else {
          Operand<TFloat32> twiceLoss = tf.reduceSum(tf.math.mul(weights, twice),
              tf.range(tf.constant(0), tf.rank(twice), tf.constant(1)));
          @SuppressWarnings("unchecked")
          Operand<TFloat32> dlTwice = (Operand<TFloat32>) tf.gradients(twiceLoss, List.of(logit)).dy().get(0);
          fetched.add(tf.gradients(tf.reduceSum(tf.math.mul(dlTwice, direction),
              tf.range(tf.constant(0), tf.rank(dlTwice), tf.constant(1))), List.of(logit)).dy().get(0));
        }
      }
      List<Fetched> out = fetch(s, fetched.toArray(Operand<?>[]::new));
      String where = "value " + valueShape + ", logits " + logitsShape + (unknownShapes ? " (shapes unknown)" : "");
      compare(out.get(1), out.get(0), 1e-6, 1e-6, "log-density, " + where);
      compare(out.get(5), out.get(2), 1e-6, 1e-6, "d/dvalue, " + where);
      compare(out.get(6), out.get(3), 1e-6, 1e-6, "d/dlogits, " + where);
      compare(out.get(7), out.get(4), 1e-5, 1e-6, "Hessian-vector product in the logits, " + where);
      assertArrayEquals(valueShape.asArray(), out.get(2).shape(), "d/dvalue's shape, " + where);
      assertArrayEquals(logitsShape.asArray(), out.get(3).shape(), "d/dlogits's shape, " + where);
      double sumAbs = 0;
      for (int i = 0; i < out.get(3).size(); i++) {
        sumAbs += Math.abs(out.get(3).get(i));
      }
      assertTrue(sumAbs > 1e-3, "the logits' gradient is not zero, " + where);
    }
  }

  private static void compare(Fetched expected, Fetched actual, double rel, double abs, String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    for (int i = 0; i < expected.size(); i++) {
      double e = expected.get(i);
      assertTrue(Double.isFinite(actual.get(i)), what + ": element " + i + " is " + actual.get(i));
      assertEquals(e, actual.get(i), abs + rel * Math.abs(e), what + ": element " + i);
    }
  }

  @Test
  void sameShapes() {
    check(Shape.of(4, 13), Shape.of(4, 13), false, 1);
    check(Shape.of(4, 13), Shape.of(4, 13), true, 2);
  }

  @Test
  void logitsBroadcastOverTheBatch() {
    check(Shape.of(5, 13), Shape.of(13), false, 3);
    check(Shape.of(5, 13), Shape.of(1, 13), true, 4);
  }

  @Test
  void valueBroadcastOverSamples() {
    // IWAE's shape: k samples of logits for one batch of values.
    check(Shape.of(3, 13), Shape.of(2, 3, 13), false, 5);
    check(Shape.of(3, 13), Shape.of(2, 3, 13), true, 6);
  }

  @Test
  void valueBroadcastOverTheBatch() {
    check(Shape.of(1, 13), Shape.of(5, 13), false, 7);
    check(Shape.of(13), Shape.of(5, 13), true, 8);
  }
}
