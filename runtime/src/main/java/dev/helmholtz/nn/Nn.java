package dev.helmholtz.nn;

import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Layer helper handed to a network method: one fresh instance per call of the network.
 *
 * <p>The i-th dense layer built through an instance for scope {@code s} owns the variables {@code
 * s/dense_i/kernel} ({@code [in, units]}, Glorot uniform) and {@code s/dense_i/bias} ({@code
 * [units]}, zeros). Since the layer counter starts at 0 in every instance, calling the same network
 * again with a fresh {@code Nn} reuses the same variables.
 */
public final class Nn {

  /** Negative-side slope of {@link Activation#LEAKY_RELU}. */
  public static final float LEAKY_RELU_ALPHA = 0.2f;

  private static final Pattern NAME_PART = Pattern.compile("[A-Za-z0-9.][A-Za-z0-9_.\\-]*");

  private final VariableStore store;
  private final String scope;
  private int denseCount;
  private final java.util.Map<String, Integer> layerCounts = new java.util.HashMap<>();

  public Nn(VariableStore store, String scope) {
    this.store = Objects.requireNonNull(store, "store");
    this.scope = Objects.requireNonNull(scope, "scope");
    for (String part : scope.split("/", -1)) {
      if (!NAME_PART.matcher(part).matches()) {
        throw new IllegalArgumentException(
            "invalid scope '" + scope + "': each '/'-separated part must match " + NAME_PART);
      }
    }
  }

  /** {@code Ops} whose ops are grouped under this network's scope name. */
  public Ops tf() {
    return store.scope(scope);
  }

  /** The store this helper creates its variables in. */
  public VariableStore store() {
    return store;
  }

  /** The network scope, e.g. {@code decode}. */
  public String scope() {
    return scope;
  }

  /**
   * The scope of this call's next layer of kind {@code kind}, {@code scope/kind_i} with i counted
   * per kind from 0 in every instance: what a layer that creates its own variables through {@link
   * #store()} (a normalizing flow) names them by, so that calling the network again with a fresh
   * {@code Nn} reuses them, as {@link #dense} does.
   *
   * @throws IllegalArgumentException if {@code kind} is not a valid name part
   */
  public String layerScope(String kind) {
    Objects.requireNonNull(kind, "kind");
    if (!NAME_PART.matcher(kind).matches()) {
      throw new IllegalArgumentException("invalid layer kind '" + kind + "': it must match " + NAME_PART);
    }
    int i = layerCounts.merge(kind, 1, Integer::sum) - 1;
    return scope + "/" + kind + "_" + i;
  }

  /**
   * The model's scalar hyperparameter {@code name}, {@code defaultValue} unless a training run
   * schedules it ({@code Training.schedule(name, ScalarSchedule)}): for a temperature to anneal,
   * {@code RelaxedOneHotCategorical.logits(nn.hyperparameter("temperature", 1f), logits, 10)}.
   * Every network of the model that asks for the same name gets the same value.
   *
   * @see VariableStore#hyperparameter(String, float)
   */
  public Operand<TFloat32> hyperparameter(String name, float defaultValue) {
    return store.hyperparameter(name, defaultValue);
  }

  /**
   * The learned parameter {@code name} of this network, {@code scope/name}, of shape {@code
   * shape}, zeros at first: what a network of no node is made of, such as a learned prior's
   * mean, {@code @Generator("z") Normal prior(Nn nn)}. A distribution built from it has no batch
   * axis; the passes broadcast it over their rows, so every row gets it.
   *
   * @throws IllegalArgumentException if {@code name} is not a valid variable name part or a size
   *     is not positive
   */
  public Operand<TFloat32> variable(String name, int... shape) {
    Objects.requireNonNull(name, "name");
    if (!NAME_PART.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid variable name '" + name + "' in '" + scope + "': it must match "
          + NAME_PART);
    }
    long[] dims = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 1) {
        throw new IllegalArgumentException("variable '" + scope + "/" + name + "' needs sizes of at least 1, got "
            + Arrays.toString(shape));
      }
      dims[i] = shape[i];
    }
    return store.variable(scope + "/" + name, Shape.of(dims), VariableStore.zeros());
  }

  public Operand<TFloat32> dense(Operand<TFloat32> x, int units) {
    return dense(x, units, Activation.LINEAR);
  }

  /**
   * {@code activation(x @ kernel + bias)}. {@code x} is {@code [n, in]} with a static {@code in};
   * inputs of higher rank {@code [..., in]} are flattened to {@code [-1, in]} for the product and
   * reshaped back to {@code [..., units]}.
   *
   * @throws IllegalArgumentException if the last dimension of {@code x} is not statically known,
   *     {@code x} has rank below 2, or {@code units} is not positive
   */
  public Operand<TFloat32> dense(Operand<TFloat32> x, int units, Activation activation) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(activation, "activation");
    if (units <= 0) {
      throw new IllegalArgumentException("dense layer needs units > 0, got " + units);
    }
    Shape shape = x.shape();
    String layer = scope + "/dense_" + denseCount++;
    if (shape.isUnknown() || shape.numDimensions() < 2) {
      throw new IllegalArgumentException(
          "dense layer '"
              + layer
              + "' needs an input of rank >= 2 ([n, in]) with a static last dimension; got shape "
              + shape);
    }
    long in = shape.get(shape.numDimensions() - 1);
    if (in == Shape.UNKNOWN_SIZE) {
      throw new IllegalArgumentException(
          "dense layer '"
              + layer
              + "' needs the last dimension of its input to be statically known (it sizes the"
              + " kernel); got shape "
              + shape
              + ". Reshape the input to a known width first.");
    }
    Operand<TFloat32> kernel =
        store.variable(layer + "/kernel", Shape.of(in, units), VariableStore.glorotUniform());
    Operand<TFloat32> bias =
        store.variable(layer + "/bias", Shape.of(units), VariableStore.zeros());
    Ops tf = store.scope(layer);
    Operand<TFloat32> y;
    if (shape.numDimensions() == 2) {
      y = tf.nn.biasAdd(tf.linalg.matMul(x, kernel), bias);
    } else {
      Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {-1, in}));
      Operand<TFloat32> flatOut = tf.nn.biasAdd(tf.linalg.matMul(flat, kernel), bias);
      y = tf.reshape(flatOut, outputShape(tf, x, shape, units));
    }
    return activate(tf, y, activation);
  }

  /** Applies {@code activation} elementwise ({@code LINEAR} returns {@code x} itself). */
  public Operand<TFloat32> activate(Operand<TFloat32> x, Activation activation) {
    return activate(tf(), x, activation);
  }

  private static Operand<TFloat32> activate(Ops tf, Operand<TFloat32> x, Activation activation) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(activation, "activation");
    return switch (activation) {
      case LINEAR -> x;
      case RELU -> tf.nn.relu(x);
      case TANH -> tf.math.tanh(x);
      case SIGMOID -> tf.math.sigmoid(x);
      case SOFTPLUS -> tf.math.softplus(x);
      case ELU -> tf.nn.elu(x);
      case LEAKY_RELU -> tf.nn.leakyRelu(x, LeakyRelu.alpha(LEAKY_RELU_ALPHA));
    };
  }

  /** {@code [..., units]}: static when the leading dimensions are, else built at run time. */
  private static Operand<TInt64> outputShape(
      Ops tf, Operand<TFloat32> x, Shape shape, int units) {
    if (!shape.hasUnknownDimension()) {
      long[] dims = Arrays.copyOf(shape.asArray(), shape.numDimensions());
      dims[dims.length - 1] = units;
      return tf.constant(dims);
    }
    Operand<TInt64> lead =
        tf.slice(
            tf.shape(x, TInt64.class),
            tf.constant(new long[] {0}),
            tf.constant(new long[] {shape.numDimensions() - 1}));
    return tf.concat(java.util.List.of(lead, tf.constant(new long[] {units})), tf.constant(0));
  }
}
