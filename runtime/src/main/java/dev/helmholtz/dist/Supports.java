package dev.helmholtz.dist;

import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * The support check of observed data: a value outside a family's support has log density minus
 * infinity, and a model trained on it diverges without saying why (a Gamma likelihood of a zero,
 * a Beta likelihood of a 1). Where the family can check its support ({@link
 * Distribution#inSupport}), the data a node observes is asserted to lie in it on every run that
 * uses it, and the failure names the node.
 */
public final class Supports {

  private Supports() {}

  /**
   * {@code value}, asserted when the graph runs to lie in {@code likelihood}'s support, or {@code
   * value} itself when the family checks nothing. The assertion fails with "observed node x: values
   * must lie in the support of Gamma (x > 0), got [...]".
   */
  public static Operand<TFloat32> checked(Distribution likelihood, String node, Operand<TFloat32> value) {
    Objects.requireNonNull(likelihood, "likelihood");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(value, "value");
    Operand<TBool> inSupport = likelihood.inSupport(value);
    if (inSupport == null) {
      return value;
    }
    Ops tf = likelihood.tf();
    Operand<TBool> all = tf.reduceAll(inSupport, tf.range(tf.constant(0), tf.rank(inSupport), tf.constant(1)));
    // No quotes around the name: TensorFlow escapes them in the failure's text.
    var check = tf.assertThat(all, List.of(tf.constant("observed node " + node + ": values must lie in the"
        + " support of " + likelihood.familyName() + " (" + likelihood.supportDescription() + "), got"), value));
    return tf.withControlDependencies(List.of(check)).identity(value);
  }
}
