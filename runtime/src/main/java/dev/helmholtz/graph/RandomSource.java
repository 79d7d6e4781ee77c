package dev.helmholtz.graph;

import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Deterministic dispenser of op-level seeds for one graph.
 *
 * <p>TensorFlow Java has no graph-level seed: a random op is reproducible only when its own
 * {@code seed}/{@code seed2} attributes are set, and {@code (0, 0)} means "seed from the OS". This
 * class hands every random op its own pair, taken from a deterministic sequence in call order, so
 * the same graph built with the same {@link Seed} draws the same numbers in a fresh session.
 *
 * <p>The random ops it builds are stateful: each {@code Session.run} draws fresh values, which is
 * what training noise needs. Random ops have no gradient in TF Java, so each op and the shape it is
 * built from are wrapped in {@code stopGradient}.
 */
public final class RandomSource {

  private final Ops tf;
  private final Seed seed;
  private long counter;

  public RandomSource(Ops tf, Seed seed) {
    this.tf = Objects.requireNonNull(tf, "tf");
    this.seed = Objects.requireNonNull(seed, "seed");
  }

  public Ops tf() {
    return tf;
  }

  /** The seed this source was created with. */
  public Seed seed() {
    return seed;
  }

  /**
   * The next {@code {seed, seed2}} pair. Deterministic in call order; both values are
   * non-negative and never both zero.
   */
  public synchronized long[] nextSeeds() {
    long base = Seed.mix64(seed.value() ^ 0x243F6A8885A308D3L);
    while (true) {
      long n = counter++;
      long s1 = Seed.mix64(base + 0x9E3779B97F4A7C15L * (2 * n + 1)) & Long.MAX_VALUE;
      long s2 = Seed.mix64(base + 0x9E3779B97F4A7C15L * (2 * n + 2)) & Long.MAX_VALUE;
      if (s1 != 0 || s2 != 0) {
        return new long[] {s1, s2};
      }
    }
  }

  /** Standard normal noise of the given shape; no gradient flows through it. */
  public Operand<TFloat32> standardNormal(Operand<TInt64> shape) {
    long[] s = nextSeeds();
    return withStaticShape(tf.stopGradient(
        tf.random.randomStandardNormal(
            tf.stopGradient(shape),
            TFloat32.class,
            RandomStandardNormal.seed(s[0]),
            RandomStandardNormal.seed2(s[1]))), shape);
  }

  /**
   * The StopGradient around the shape hides it from TensorFlow's shape inference, so the draw's
   * static shape is unknown, and a dense layer downstream cannot size its kernel. A Reshape to
   * the same shape restores what is known statically (say [?, 50]); it copies nothing, and its
   * gradient never flows into its shape input.
   */
  private Operand<TFloat32> withStaticShape(Operand<TFloat32> draw, Operand<TInt64> shape) {
    return tf.reshape(draw, shape);
  }

  /** Uniform noise in [0, 1) of the given shape; no gradient flows through it. */
  public Operand<TFloat32> uniform(Operand<TInt64> shape) {
    long[] s = nextSeeds();
    return withStaticShape(tf.stopGradient(
        tf.random.randomUniform(
            tf.stopGradient(shape),
            TFloat32.class,
            RandomUniform.seed(s[0]),
            RandomUniform.seed2(s[1]))), shape);
  }

  /**
   * Standard Gumbel noise {@code -log(-log u)} of the given shape (the Gumbel-max and
   * Gumbel-softmax noise); no gradient flows through it.
   */
  public Operand<TFloat32> gumbel(Operand<TInt64> shape) {
    Operand<TFloat32> u = openUniform(shape);
    return tf.stopGradient(tf.math.neg(tf.math.log(tf.math.neg(tf.math.log(u)))));
  }

  /**
   * Standard logistic noise {@code log u - log(1 - u)} of the given shape (the difference of two
   * Gumbels: the binary Concrete noise); no gradient flows through it.
   */
  public Operand<TFloat32> logistic(Operand<TInt64> shape) {
    Operand<TFloat32> u = openUniform(shape);
    return tf.stopGradient(tf.math.sub(tf.math.log(u), tf.math.log1p(tf.math.neg(u))));
  }

  /**
   * Uniform noise in (0, 1): {@link #uniform} draws 0 with probability 2^-23, where the logarithms
   * above would be infinite, so it is raised to the smallest positive normal float, as TensorFlow
   * Probability does. The upper end needs nothing: the largest draw is 1 - 2^-23.
   */
  private Operand<TFloat32> openUniform(Operand<TInt64> shape) {
    return tf.math.maximum(uniform(shape), tf.constant(Float.MIN_NORMAL));
  }
}
