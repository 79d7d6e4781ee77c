package dev.helmholtz.objective;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.SecondOrderGradients;
import java.util.List;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The gradient penalty of WGAN-GP (Gulrajani et al. 2017):
 * {@code E (|grad_x D(x^)|_2 - 1)^2} at interpolates {@code x^ = e x + (1 - e) G(z)}, with one
 * {@code e ~ U(0, 1)} per example. Its gradient with respect to the critic's weights passes
 * through the critic's own gradient; {@link SecondOrderGradients} supplies the second-order
 * gradients TensorFlow Java lacks for that.
 */
public final class GradientPenalty {
  /** Keeps the norm's gradient finite where the critic's gradient vanishes. */
  private static final float NORM_EPSILON = 1e-12f;

  private GradientPenalty() {}

  /**
   * Random interpolates of real and generated examples, both {@code [n, event...]} with a static
   * event shape (a vector or an image), one uniform weight per example; no gradient flows back
   * into either (the generator is not trained by the penalty).
   */
  public static Operand<TFloat32> interpolates(Ops tf, RandomSource random, Operand<TFloat32> real,
      Operand<TFloat32> fake) {
    Shape shape = real.shape();
    if (shape.isUnknown() || shape.numDimensions() < 2) {
      throw new IllegalArgumentException("interpolates need [n, event...] examples with a static event shape, got "
          + shape);
    }
    long[] dims = shape.asArray().clone();
    long[] weightShape = new long[dims.length];
    java.util.Arrays.fill(weightShape, 1);
    for (int i = 1; i < dims.length; i++) {
      if (dims[i] == Shape.UNKNOWN_SIZE) {
        throw new IllegalArgumentException("interpolates need [n, event...] examples with a static event shape, got "
            + shape);
      }
    }
    dims[0] = -1;
    Operand<TInt64> rows = tf.slice(tf.shape(real, TInt64.class), tf.constant(new long[] {0}), tf.constant(new long[] {1}));
    long[] ones = java.util.Arrays.copyOfRange(weightShape, 1, weightShape.length);
    Operand<TFloat32> e = random.uniform(tf.concat(List.of(rows, tf.constant(ones)), tf.constant(0)));
    Operand<TFloat32> r = tf.stopGradient(real);
    Operand<TFloat32> f = tf.stopGradient(fake);
    // A reshape, not EnsureShape (which has no gradient), keeps the static event shape layers need.
    return tf.reshape(tf.math.add(f, tf.math.mul(e, tf.math.sub(r, f))), tf.constant(dims));
  }

  /**
   * {@code mean over examples of (|d critic(x)_i / d x_i|_2 - 1)^2} for {@code x} of shape
   * {@code [n, event...]} (the norm over all of an example's elements); {@code critic} maps {@code x} to one score per example, {@code [n]}, each
   * depending on its own row only (no batch statistics).
   */
  public static Operand<TFloat32> penalty(Ops tf, UnaryOperator<Operand<TFloat32>> critic, Operand<TFloat32> x) {
    SecondOrderGradients.register();
    Operand<TFloat32> scores = critic.apply(x);
    // Summing first makes row i of the gradient d score_i / d x_i.
    Operand<TInt32> all = tf.constant(0);
    Gradients gradients = tf.gradients(tf.reduceSum(scores, all), List.of(x));
    Output<?> dx = gradients.dy().get(0);
    if (dx == null || dx.isClosed()) {
      throw new IllegalArgumentException("the critic's output does not depend on its input");
    }
    @SuppressWarnings("unchecked")
    Operand<TFloat32> g = (Operand<TFloat32>) dx;
    Operand<TFloat32> norm = tf.math.sqrt(tf.math.add(
        tf.reduceSum(tf.math.square(g), eventAxes(tf, x.shape().numDimensions())), tf.constant(NORM_EPSILON)));
    return tf.math.mean(tf.math.square(tf.math.sub(norm, tf.constant(1f))), all);
  }

  private static Operand<TInt32> eventAxes(Ops tf, int rank) {
    int[] axes = new int[Math.max(1, rank - 1)];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = i + 1;
    }
    return tf.constant(axes);
  }
}
