package dev.helmholtz.dist;

import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * The temperature of a relaxed family: a number fixed when the graph is built, or a scalar graph
 * value (a hyperparameter a training run schedules, {@code Nn.hyperparameter}), checked finite and
 * positive by an assertion on every run that uses it.
 */
final class Temperature {
  private final String family;
  private final float value; // NaN when the temperature is a graph value
  private final Operand<TFloat32> input; // null when it is a number

  private Temperature(String family, float value, Operand<TFloat32> input) {
    this.family = family;
    this.value = value;
    this.input = input;
  }

  /** A fixed temperature, finite and positive. */
  static Temperature fixed(String family, float value) {
    return new Temperature(family, DistOps.requireTemperature(family, value), null);
  }

  /**
   * A temperature computed by the graph: a scalar, asserted finite and positive before any op
   * uses it (a run that feeds 0 fails naming the family and the value).
   *
   * @throws IllegalArgumentException for an operand whose static shape is not a scalar's
   */
  static Temperature ofGraph(String family, Ops tf, Operand<TFloat32> temperature) {
    Objects.requireNonNull(temperature, "temperature");
    if (!temperature.shape().isUnknown() && temperature.shape().numDimensions() != 0) {
      throw new IllegalArgumentException(family + ": the temperature must be a scalar, got shape " + temperature.shape());
    }
    Operand<TBool> positive = tf.math.logicalAnd(tf.math.isFinite(temperature),
        tf.math.greater(temperature, tf.constant(0f)));
    var check = tf.assertThat(positive, List.of(tf.constant(family + ": temperature must be finite and > 0, got"),
        temperature));
    return new Temperature(family, Float.NaN, tf.withControlDependencies(List.of(check)).identity(temperature));
  }

  boolean isFixed() {
    return input == null;
  }

  /**
   * The fixed temperature.
   *
   * @throws IllegalStateException when it is a graph value
   */
  float value() {
    if (input != null) {
      throw new IllegalStateException(family + ": the temperature is a graph value ("
          + input.op().name() + "), not a number: use temperatureOperand()");
    }
    return value;
  }

  Operand<TFloat32> operand(Ops tf) {
    return input != null ? input : tf.constant(value);
  }

  /** log T as a scalar. */
  Operand<TFloat32> log(Ops tf) {
    return input != null ? tf.math.log(input) : tf.constant((float) Math.log(value));
  }

  @Override
  public String toString() {
    return input != null ? input.op().name() : Float.toString(value);
  }
}
