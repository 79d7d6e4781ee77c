package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.List;
import java.util.function.BiFunction;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * What the count families (Poisson, Binomial, Geometric, Multinomial) share: their support and
 * their draws.
 */
final class Counts {

  private Counts() {}

  /** What {@code rsample} of a count family throws: its draws are integers, with no pathwise gradient. */
  static IllegalStateException notReparameterized(String family) {
    return new IllegalStateException(family + " is not reparameterizable: rsample is unavailable (use sample"
        + " with a score-function estimator)");
  }

  /** What {@code entropy} of a count family without a closed form throws, saying {@code why}. */
  static IllegalStateException noClosedFormEntropy(String family, String why) {
    return new IllegalStateException(family + " has no closed-form entropy (" + why + "): estimate it as the"
        + " mean of -logProb(sample)");
  }


  /**
   * {@code value}, asserted on every run that uses it to hold counts: non-negative whole numbers,
   * at most {@code upper} when it is not null. A float of a non-integer would otherwise be scored
   * by the continuous extension of the mass function (lgamma) without a word.
   */
  static Operand<TFloat32> checked(
      Ops tf, String family, Operand<TFloat32> value, Operand<TFloat32> upper) {
    Operand<TBool> whole = tf.math.logicalAnd(
        tf.math.greaterEqual(value, tf.constant(0f)),
        tf.math.equal(value, tf.math.floor(value)));
    String expected = "non-negative whole numbers";
    if (upper != null) {
      whole = tf.math.logicalAnd(whole, tf.math.lessEqual(value, upper));
      expected += " no larger than the total count";
    }
    Operand<TBool> all = tf.reduceAll(whole, allAxes(tf, value));
    var check = tf.assertThat(all, List.of(
        tf.constant(family + ".logProb: values must be counts (" + expected + "), got"), value));
    return tf.withControlDependencies(List.of(check)).identity(value);
  }

  private static Operand<TInt32> allAxes(Ops tf, Operand<TFloat32> x) {
    return tf.range(tf.constant(0), tf.rank(x), tf.constant(1));
  }

  /** {@code log(n!) = lgamma(n + 1)}, elementwise. */
  static Operand<TFloat32> logFactorial(Ops tf, Operand<TFloat32> n) {
    return tf.math.lgamma(tf.math.add(n, tf.constant(1f)));
  }

  /**
   * A draw of {@code shape} from a stateless random op with the next run seed of {@code rng},
   * made by {@code op} from the seed; nothing it was built from receives a gradient. The Reshape
   * restores the static shape that the StopGradient around the shape hides (as {@link
   * RandomSource} does for its draws).
   */
  static Operand<TFloat32> draw(Ops tf, RandomSource rng, Operand<TInt64> shape,
      BiFunction<Operand<TInt64>, Operand<TInt64>, Operand<TFloat32>> op) {
    Operand<TInt64> frozenShape = tf.stopGradient(shape);
    return tf.reshape(tf.stopGradient(op.apply(frozenShape, rng.nextRunSeed())), shape);
  }

  /**
   * Uniform noise in (0, 1): {@link RandomSource#uniform} draws 0 with probability 2^-23, whose
   * logarithm is infinite, so it is raised to the smallest positive normal float.
   */
  static Operand<TFloat32> openUniform(Ops tf, RandomSource rng, Operand<TInt64> shape) {
    return tf.math.maximum(rng.uniform(shape), tf.constant(Float.MIN_NORMAL));
  }
}
