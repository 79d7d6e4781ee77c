package dev.helmholtz.nn;

import dev.helmholtz.graph.RandomSource;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The initial value of a variable, for {@link Nn#variable(String, int[], Initializer)}. Random
 * initializers draw from stateless ops seeded by the graph's {@link RandomSource}, so a rebuilt
 * graph with the same seed starts from the same values. Fans are counted as Keras counts them: a
 * kernel {@code [kh, kw, in, out]} has fan-in {@code kh kw in} and fan-out {@code kh kw out}.
 */
@FunctionalInterface
public interface Initializer extends VariableStore.Initializer {

  /** Zeros. */
  static Initializer zeros() {
    return constant(0f);
  }

  /** Ones. */
  static Initializer ones() {
    return constant(1f);
  }

  /** Every element {@code value}. */
  static Initializer constant(float value) {
    return (tf, shape, rng) -> tf.fill(tf.constant(shape), tf.constant(value));
  }

  /** Glorot (Xavier) uniform: U(-l, l) with l = sqrt(6 / (fanIn + fanOut)); {@code Nn}'s kernels' default. */
  static Initializer glorot() {
    return (tf, shape, rng) -> {
      long[] fans = VariableStore.fans(shape);
      return uniform(tf, shape, rng, Math.sqrt(6.0 / Math.max(1L, fans[0] + fans[1])));
    };
  }

  /** Uniform in {@code [-limit, limit)}. */
  static Initializer uniform(float limit) {
    if (!(limit >= 0f) || !Float.isFinite(limit)) {
      throw new IllegalArgumentException("uniform initializer needs a finite limit >= 0, got " + limit);
    }
    return (tf, shape, rng) -> uniform(tf, shape, rng, limit);
  }

  /** He (Kaiming) normal for ReLU layers: N(0, 2 / fanIn). */
  static Initializer he() {
    return (tf, shape, rng) -> {
      long[] fans = VariableStore.fans(shape);
      return normal(tf, shape, rng, 0f, (float) Math.sqrt(2.0 / Math.max(1L, fans[0])));
    };
  }

  /** Normal N(mean, stddev^2), as DCGAN initializes its weights (mean 0, stddev 0.02). */
  static Initializer normal(float mean, float stddev) {
    if (!(stddev >= 0f) || !Float.isFinite(mean) || !Float.isFinite(stddev)) {
      throw new IllegalArgumentException("normal initializer needs a finite mean and stddev >= 0, got "
          + mean + ", " + stddev);
    }
    return (tf, shape, rng) -> normal(tf, shape, rng, mean, stddev);
  }

  private static Operand<TFloat32> uniform(Ops tf, Shape shape, RandomSource rng, double limit) {
    Operand<TFloat32> u = tf.random.statelessRandomUniform(tf.constant(shape), tf.constant(rng.nextSeeds()),
        TFloat32.class);
    return tf.math.mul(tf.math.sub(tf.math.mul(u, tf.constant(2f)), tf.constant(1f)), tf.constant((float) limit));
  }

  private static Operand<TFloat32> normal(Ops tf, Shape shape, RandomSource rng, float mean, float stddev) {
    Operand<TFloat32> z = tf.random.statelessRandomNormal(tf.constant(shape), tf.constant(rng.nextSeeds()),
        TFloat32.class);
    return tf.math.add(tf.math.mul(z, tf.constant(stddev)), tf.constant(mean));
  }
}
