package dev.helmholtz.dist;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The graph half of the support check of observed data. A family's fixed support ({@link
 * Distribution#support()}) is checked once over each data column in Java when the data are fed,
 * by variational and Bayesian models alike; a support that the family's parameters bound (a
 * Uniform's [low, high], {@link Distribution#supportCheck}) is known only in the graph, and is
 * asserted here on every run that scores the data, naming the node.
 */
public final class Supports {

  private Supports() {}

  /**
   * {@code value}, asserted when the graph runs to lie in the support {@code likelihood}'s
   * parameters bound, or {@code value} itself when its support is fixed. The assertion fails with
   * "observed node x of M: data outside the support of its Uniform (bounds given by its
   * parameters), in column x: [...]".
   */
  public static Operand<TFloat32> checked(Distribution likelihood, String modelName, String node,
      Operand<TFloat32> value) {
    Objects.requireNonNull(likelihood, "likelihood");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(value, "value");
    Optional<Operand<TBool>> inSupport = likelihood.supportCheck(value);
    if (inSupport.isEmpty()) {
      return value;
    }
    Ops tf = likelihood.tf();
    Operand<TInt32> axes = tf.range(tf.constant(0), tf.rank(inSupport.get()), tf.constant(1));
    // No quotes around the names: TensorFlow escapes them in the failure's text.
    var check = tf.assertThat(tf.reduceAll(inSupport.get(), axes), List.of(tf.constant("observed node " + node
        + " of " + modelName + ": data outside the support of its " + likelihood.familyName()
        + " (bounds given by its parameters), in column " + node + ":"), value));
    return tf.withControlDependencies(List.of(check)).identity(value);
  }
}
