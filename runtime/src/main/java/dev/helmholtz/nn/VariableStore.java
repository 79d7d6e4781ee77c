package dev.helmholtz.nn;

import dev.helmholtz.graph.RandomSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * The variables of one graph, created once and reused by name.
 *
 * <p>A network method is called several times in one graph (training pass, sampling pass,
 * reconstruction pass); every call asks for its variables by name and gets the same weights.
 *
 * <p>Variables are {@code VariableV2} (reference) ops whose graph op name is exactly the requested
 * name (for example {@code decode/dense_0/kernel}), so {@code Session.save}/{@code restore} match
 * them across rebuilt graphs. Each variable's initial value and assign op are built in TensorFlow
 * Java's init scope: {@code Session.initialize()} (and the automatic initialization on a session's
 * first run) assign them, and {@link #initializers()} returns the same assign ops for explicit use.
 * Initial values are built from stateless random ops, so they are the same however often the
 * initializers run.
 *
 * <p>Every {@link #variable} call returns a fresh read {@code identity(v)}: ops applied directly to
 * a reference variable can crash the JVM when gradients are requested.
 *
 * <p>Not meant for concurrent graph building, but its methods are synchronized.
 */
public final class VariableStore {

  /** Builds the initial value of a variable; {@code tf} is an init-scope {@code Ops}. */
  public interface Initializer {
    Operand<TFloat32> create(Ops tf, Shape shape, RandomSource rng);
  }

  private static final Pattern NAME_PART = Pattern.compile("[A-Za-z0-9.][A-Za-z0-9_.\\-]*");

  private record Entry(Variable<TFloat32> variable, Shape shape, Op initializer, boolean trainable) {}

  private record Hyperparameter(Operand<TFloat32> input, float defaultValue) {}

  private final Ops tf;
  private final RandomSource rng;
  private final Graph graph;
  private final Map<String, Entry> variables = new LinkedHashMap<>();
  private final Map<String, Ops> scopes = new HashMap<>();
  private final Map<String, Hyperparameter> hyperparameters = new LinkedHashMap<>();
  private final Map<String, Op> updates = new LinkedHashMap<>();
  private final Map<String, Operand<TFloat32>> penalties = new LinkedHashMap<>();

  public VariableStore(Ops tf, RandomSource rng) {
    this.tf = Objects.requireNonNull(tf, "tf");
    this.rng = Objects.requireNonNull(rng, "rng");
    ExecutionEnvironment env = tf.scope().env();
    if (!(env instanceof Graph g)) {
      throw new IllegalArgumentException("VariableStore needs a Graph environment, got " + env);
    }
    this.graph = g;
  }

  public Ops tf() {
    return tf;
  }

  public RandomSource random() {
    return rng;
  }

  /**
   * The model's scalar hyperparameter {@code name} (a temperature, a loss weight): {@code
   * defaultValue} unless a run feeds it, as a training run does from {@code
   * Training.schedule(name, ...)}. Every call with the same name returns the same input, so the
   * training, sampling and evaluation passes share it.
   *
   * @throws IllegalArgumentException for a name that is not letters, digits, '_', '.' and '-'
   *     (starting with a letter, digit or '.'), or a default that is not finite or differs from
   *     the one the name was first declared with
   */
  public synchronized Operand<TFloat32> hyperparameter(String name, float defaultValue) {
    Objects.requireNonNull(name, "hyperparameter name");
    if (!NAME_PART.matcher(name).matches()) {
      throw new IllegalArgumentException("hyperparameter name '" + name + "' must be letters, digits, '_', '.'"
          + " and '-', starting with a letter, a digit or '.'");
    }
    if (!Float.isFinite(defaultValue)) {
      throw new IllegalArgumentException("hyperparameter " + name + ": the default must be finite, was " + defaultValue);
    }
    Hyperparameter h = hyperparameters.get(name);
    if (h == null) {
      h = new Hyperparameter(tf.withSubScope("hyperparameter").withName(name)
          .placeholderWithDefault(tf.constant(defaultValue), Shape.scalar()), defaultValue);
      hyperparameters.put(name, h);
    } else if (Float.compare(h.defaultValue(), defaultValue) != 0) {
      throw new IllegalArgumentException("hyperparameter " + name + " was declared with the default "
          + h.defaultValue() + ", now with " + defaultValue + ": give every use the same default");
    }
    return h.input();
  }

  /** The hyperparameters declared so far, by name: the inputs a run feeds to override their defaults. */
  public synchronized Map<String, Operand<TFloat32>> hyperparameters() {
    Map<String, Operand<TFloat32>> m = new LinkedHashMap<>();
    hyperparameters.forEach((name, h) -> m.put(name, h.input()));
    return Collections.unmodifiableMap(m);
  }

  /** The hyperparameters declared so far, by name, with their defaults. */
  public synchronized Map<String, Float> hyperparameterDefaults() {
    Map<String, Float> m = new LinkedHashMap<>();
    hyperparameters.forEach((name, h) -> m.put(name, h.defaultValue()));
    return Collections.unmodifiableMap(m);
  }

  /**
   * The variable {@code name} (for example {@code decode/dense_0/kernel}), created with {@code
   * init} on the first call, and read through a fresh {@code identity} on every call.
   *
   * @throws IllegalStateException if {@code name} exists with another shape, or names an op this
   *     store did not create
   * @throws IllegalArgumentException if the name or shape is invalid
   */
  public synchronized Operand<TFloat32> variable(String name, Shape shape, Initializer init) {
    return variable(name, shape, init, true);
  }

  /**
   * Like {@link #variable(String, Shape, Initializer)}; a variable that is not {@code trainable}
   * (batch normalization's moving averages, spectral normalization's power-iteration vector) is
   * left out of {@link #trainableVariables()}, so no optimizer differentiates or moves it: only
   * its {@link #update} changes it. Checkpoints and exports carry it like any other.
   *
   * @throws IllegalStateException if {@code name} exists with another shape or trainability
   */
  public synchronized Operand<TFloat32> variable(String name, Shape shape, Initializer init, boolean trainable) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(init, "init");
    Entry entry = variables.get(name);
    if (entry == null) {
      entry = create(name, shape, init, trainable);
      variables.put(name, entry);
    } else if (!entry.shape().equals(shape)) {
      throw new IllegalStateException(
          "variable '"
              + name
              + "' already exists with shape "
              + entry.shape()
              + " but was requested with shape "
              + shape);
    } else if (entry.trainable() != trainable) {
      throw new IllegalStateException("variable '" + name + "' already exists as "
          + (entry.trainable() ? "trainable" : "not trainable") + "; it was requested otherwise");
    }
    return scope(name).withName("read").identity(entry.variable());
  }

  /**
   * Sets the non-trainable variable {@code name} to {@code value} whenever a training step runs
   * (batch normalization's moving averages): the step's train op depends on every update
   * registered, through {@link #updates()}. Only the first update of a variable counts, so a
   * network built twice in training mode (two towers, real and generated batches) moves its
   * statistics once per step, by the first build's batch.
   *
   * @return whether this call registered the update (false if the variable already has one)
   * @throws IllegalArgumentException if {@code name} is not a non-trainable variable of this store
   */
  public synchronized boolean update(String name, Operand<TFloat32> value) {
    Entry entry = variables.get(name);
    if (entry == null || entry.trainable()) {
      throw new IllegalArgumentException("'" + name + "' is not a non-trainable variable of this store");
    }
    if (updates.containsKey(name)) {
      return false;
    }
    updates.put(name, scope(name).withName("update").assign(entry.variable(), value));
    return true;
  }

  /** The updates registered so far, in registration order: what a training step runs with its optimizer. */
  public synchronized List<Op> updates() {
    return List.copyOf(updates.values());
  }

  /**
   * Adds {@code penalty} (a scalar) to the loss of whichever training step trains the variable
   * {@code name}, as weight decay does; only the first penalty of a variable counts.
   */
  public synchronized void penalize(String name, Operand<TFloat32> penalty) {
    if (!variables.containsKey(name)) {
      throw new IllegalArgumentException("'" + name + "' is not a variable of this store");
    }
    penalties.putIfAbsent(name, penalty);
  }

  /**
   * The sum of the penalties ({@link #penalize}) of {@code trained}, a scalar, or empty if none
   * of them has one: what a training step adds to the loss it minimizes over those variables.
   */
  public synchronized java.util.Optional<Operand<TFloat32>> penalty(List<Variable<TFloat32>> trained) {
    List<Operand<TFloat32>> terms = new ArrayList<>();
    for (Variable<TFloat32> v : trained) {
      Operand<TFloat32> term = penalties.get(v.op().name());
      if (term != null) {
        terms.add(term);
      }
    }
    return terms.isEmpty() ? java.util.Optional.empty()
        : java.util.Optional.of(terms.size() == 1 ? terms.get(0) : tf.math.addN(terms));
  }

  /** The trainable variables this store created, in creation order: what an optimizer moves. */
  public synchronized List<Variable<TFloat32>> trainableVariables() {
    List<Variable<TFloat32>> out = new ArrayList<>(variables.size());
    for (Entry e : variables.values()) {
      if (e.trainable()) {
        out.add(e.variable());
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** Every variable this store created, trainable or not, in creation order. */
  public synchronized List<Variable<TFloat32>> allVariables() {
    List<Variable<TFloat32>> out = new ArrayList<>(variables.size());
    for (Entry e : variables.values()) {
      out.add(e.variable());
    }
    return Collections.unmodifiableList(out);
  }

  /** The assign op of every variable, in creation order; running them all initializes all. */
  public synchronized List<Op> initializers() {
    List<Op> out = new ArrayList<>(variables.size());
    for (Entry e : variables.values()) {
      out.add(e.initializer());
    }
    return Collections.unmodifiableList(out);
  }

  /** Glorot/Xavier uniform: U(-l, l), l = sqrt(6 / (fanIn + fanOut)). */
  public static Initializer glorotUniform() {
    return (tf, shape, rng) -> {
      long[] fans = fans(shape);
      double limit = Math.sqrt(6.0 / Math.max(1L, fans[0] + fans[1]));
      long[] seeds = rng.nextSeeds();
      Operand<TFloat32> u =
          tf.random.statelessRandomUniform(
              tf.constant(shape), tf.constant(seeds), TFloat32.class);
      // u in [0, 1) -> [-limit, limit)
      return tf.math.mul(
          tf.math.sub(tf.math.mul(u, tf.constant(2f)), tf.constant(1f)),
          tf.constant((float) limit));
    };
  }

  public static Initializer zeros() {
    return (tf, shape, rng) -> tf.zeros(tf.constant(shape), TFloat32.class);
  }

  /** Fan-in and fan-out as Keras computes them (receptive field times channels for rank > 2). */
  static long[] fans(Shape shape) {
    int rank = shape.numDimensions();
    if (rank == 0) {
      return new long[] {1, 1};
    }
    if (rank == 1) {
      return new long[] {shape.get(0), shape.get(0)};
    }
    long receptive = 1;
    for (int i = 0; i < rank - 2; i++) {
      receptive *= shape.get(i);
    }
    return new long[] {shape.get(rank - 2) * receptive, shape.get(rank - 1) * receptive};
  }

  /**
   * A cached {@code Ops} whose name scope is {@code path}, reused on every request so op names
   * stay grouped under the path (TensorFlow Java uniquifies a sub-scope name on every {@code
   * withSubScope} call). The actual prefix may differ from {@code path} if another part of the
   * program took that scope name first; variable names never depend on it.
   */
  synchronized Ops scope(String path) {
    Ops cached = scopes.get(path);
    if (cached != null) {
      return cached;
    }
    int slash = path.lastIndexOf('/');
    Ops parent = slash < 0 ? tf : scope(path.substring(0, slash));
    Ops created = parent.withSubScope(path.substring(slash + 1));
    scopes.put(path, created);
    return created;
  }

  private Entry create(String name, Shape shape, Initializer init, boolean trainable) {
    validateName(name);
    if (shape.isUnknown() || shape.hasUnknownDimension()) {
      throw new IllegalArgumentException(
          "variable '" + name + "' needs a fully known shape, got " + shape);
    }
    if (graph.operation(name) != null) {
      throw new IllegalStateException(
          "cannot create variable '"
              + name
              + "': the graph already has an op of that name (not created by this store)");
    }
    // Claim the scope named like the variable first: its init ops go under "<name>/...", and the
    // variable op itself, named exactly <name>, can never be generated by a name scope.
    Ops initTf = scope(name).withInitScope();
    Operand<TFloat32> initial = init.create(initTf, shape, rng);
    if (!initial.shape().isCompatibleWith(shape)) {
      throw new IllegalStateException(
          "initializer of variable '"
              + name
              + "' produced shape "
              + initial.shape()
              + ", expected "
              + shape);
    }
    GraphOperation op =
        graph
            .opBuilder(Variable.OP_NAME, name, initTf.scope())
            .setAttr("shape", shape)
            .setAttr("dtype", DataType.DT_FLOAT)
            .build();
    Variable<TFloat32> v = new Variable<>(op);
    Assign<TFloat32> assign = initTf.withName("Assign").assign(v, initial);
    return new Entry(v, shape, assign, trainable);
  }

  private static void validateName(String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("variable name must not be empty");
    }
    for (String part : name.split("/", -1)) {
      if (!NAME_PART.matcher(part).matches()) {
        throw new IllegalArgumentException(
            "invalid variable name '"
                + name
                + "': each '/'-separated part must match "
                + NAME_PART.pattern());
      }
    }
  }
}
