package dev.helmholtz.core;

import dev.helmholtz.graph.NativeMemorySettings;
import dev.helmholtz.distributed.Cluster;
import dev.helmholtz.distributed.ClusterSessions;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.VariableStore;
import dev.helmholtz.train.Checkpoints;
import dev.helmholtz.train.ThreadSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * What every model compiled to one TensorFlow graph shares, whatever its kind (variational,
 * adversarial): the graph and the session that runs it, the networks' variables, the count of
 * training steps, checkpoints of the whole state, and closing. A kind defines its ops in {@link
 * #defineGraph}; generated constructors call {@link #build} once.
 *
 * <p>Not safe for concurrent training calls; close it to free native memory.
 */
public abstract class CompiledModel implements AutoCloseable {
  static {
    NativeMemorySettings.apply();
  }

  private final String modelName;
  private final Seed seed;
  private final ThreadSettings threads;
  private Graph graph;
  private Session session;
  private VariableStore variables;
  private VariableCheckpoint checkpointOps;
  private long stepsTaken;
  private Cluster cluster;

  protected CompiledModel(String modelName, Seed seed, ThreadSettings threads) {
    this.modelName = Objects.requireNonNull(modelName, "modelName");
    this.seed = Objects.requireNonNull(seed, "seed");
    this.threads = Objects.requireNonNull(threads, "threads");
  }

  /**
   * Adds the model's ops to the graph, creating its networks' variables in {@link #variables()},
   * and returns the initializers of the state kept outside them (optimizers', objectives').
   */
  protected abstract List<Op> defineGraph(Ops tf, RandomSource random);

  /** The model's nodes as its checkpoints record them, so that a checkpoint of another model is refused. */
  protected abstract String nodesDescription();

  /** Builds the graph and session and initializes the variables; generated constructors call it once. */
  protected final void build() {
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      RandomSource random = new RandomSource(tf, seed.derive("graph"));
      variables = new VariableStore(tf, random);
      List<Op> initializers = defineGraph(tf, random);
      session = cluster == null ? new Session(graph, threads.toConfig())
          : ClusterSessions.open(graph, cluster, threads.toConfig());
      Session.Runner init = session.runner();
      variables.initializers().forEach(init::addTarget);
      initializers.forEach(init::addTarget);
      init.run().close();
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /**
   * The cluster this model trains in as one worker, or {@code null}: set by {@link #joinCluster},
   * read by {@link #defineGraph} to average the gradients over the workers.
   */
  protected final Cluster cluster() {
    return cluster;
  }

  /**
   * Makes this model a worker of {@code cluster}, once: rebuilds the graph (now with {@link
   * #defineGraph}'s all-reduce, the same seeds and op names) and a session targeting this worker's
   * TensorFlow server, and carries every variable's value over through a temporary checkpoint, so
   * the model is where it was (trained or not), now in the cluster. Nothing happens when it is
   * already a worker of this cluster.
   *
   * @throws IllegalStateException when it is a worker of another cluster
   */
  protected final void joinCluster(Cluster cluster) {
    requireOpen();
    Objects.requireNonNull(cluster, "cluster");
    if (cluster.equals(this.cluster)) {
      return;
    }
    if (this.cluster != null) {
      throw new IllegalStateException(modelName + " is a worker of " + this.cluster + "; it cannot join " + cluster);
    }
    Path directory = null;
    try {
      directory = Files.createTempDirectory("helmholtz-join");
      Path prefix = directory.resolve("variables");
      checkpointOps().save(session, prefix);
      long steps = stepsTaken;
      close();
      checkpointOps = null;
      this.cluster = cluster;
      build();
      checkpointOps().restore(session, prefix);
      stepsTaken = steps;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot carry " + modelName + "'s variables into the cluster: " + e, e);
    } finally {
      if (directory != null) {
        deleteTree(directory);
      }
    }
  }

  private static void deleteTree(Path directory) {
    try (var paths = Files.walk(directory)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is harmless.
    }
  }

  /** The seed the graph's random streams and the training batches' order derive from. */
  public Seed seed() {
    return seed;
  }

  /** The thread settings the session runs with. */
  protected final ThreadSettings threads() {
    return threads;
  }

  /** The thread settings the session runs with (threads and training towers). */
  public ThreadSettings threadSettings() {
    return threads;
  }

  /** The networks' variables and declared hyperparameters. */
  protected final VariableStore variables() {
    return variables;
  }

  /**
   * The TensorFlow graph this model compiled to, for tools that inspect or profile it; the model
   * owns it and {@link #close} frees it.
   */
  public Graph graph() {
    return graph;
  }

  /** The session that runs {@link #graph()}; the model owns it and {@link #close} frees it. */
  public Session session() {
    return session;
  }

  /** The names of the model's trainable variables, such as {@code decode/dense_0/kernel}, in creation order. */
  public List<String> parameterNames() {
    requireOpen();
    return variables.trainableVariables().stream().map(v -> v.op().name()).toList();
  }

  /**
   * The names of the model's variables that no optimizer trains (batch normalization's moving
   * averages, spectral normalization's vectors): state the training step updates, checkpoints
   * carry and evaluation reads; {@link #parameter} gives their values too.
   */
  public List<String> stateNames() {
    requireOpen();
    List<String> trainable = parameterNames();
    return variables.allVariables().stream().map(v -> v.op().name()).filter(n -> !trainable.contains(n)).toList();
  }

  /** The current value of a variable (trainable, or one of {@link #stateNames()}), flattened row-major. */
  public float[] parameter(String name) {
    requireOpen();
    var variable = variables.allVariables().stream()
        .filter(v -> v.op().name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no variable '" + name + "' in " + modelName
            + "; its variables are " + parameterNames()));
    try (Result result = session.runner().fetch(variable).run()) {
      return BatchRuns.values((TFloat32) result.get(0));
    }
  }

  /**
   * The current values of several variables (as {@link #parameter}), in one session run: a run per
   * variable would make TensorFlow prune and plan the graph once per variable, which costs seconds
   * on a large model.
   */
  public Map<String, float[]> parameters(Collection<String> names) {
    requireOpen();
    Map<String, Variable<TFloat32>> byName = new HashMap<>();
    for (Variable<TFloat32> v : variables.allVariables()) {
      byName.put(v.op().name(), v);
    }
    List<String> order = new ArrayList<>(new LinkedHashSet<>(names));
    Session.Runner runner = session.runner();
    for (String name : order) {
      Variable<TFloat32> variable = byName.get(name);
      if (variable == null) {
        throw new IllegalArgumentException("no variable '" + name + "' in " + modelName
            + "; its variables are " + parameterNames());
      }
      runner.fetch(variable);
    }
    Map<String, float[]> values = new LinkedHashMap<>();
    if (order.isEmpty()) {
      return values;
    }
    try (Result result = runner.run()) {
      for (int i = 0; i < order.size(); i++) {
        values.put(order.get(i), BatchRuns.values((TFloat32) result.get(i)));
      }
    }
    return values;
  }

  /**
   * The scalar hyperparameters the model's networks declare ({@code Nn.hyperparameter}), by name,
   * with their defaults: the names {@code Training.schedule} can anneal.
   */
  public Map<String, Float> hyperparameters() {
    return variables.hyperparameterDefaults();
  }

  /** The inputs of the declared hyperparameters, by name, for a training run to feed. */
  public Map<String, Operand<TFloat32>> hyperparameterInputs() {
    return variables.hyperparameters();
  }

  /** Training steps taken so far by {@code fit} (restored with a checkpoint). */
  public long stepsTaken() {
    return stepsTaken;
  }

  /** Counts one training step taken. */
  protected final void stepTaken() {
    stepsTaken++;
  }

  /** Sets the count of training steps, as a resumed run continues it. */
  protected final void setStepCount(long steps) {
    stepsTaken = steps;
  }

  /**
   * Writes this model's state into a new directory, atomically: the networks' weights, the
   * optimizers' state and the position of every random stream, in TensorFlow's checkpoint format,
   * with {@code checkpoint.properties} naming the model, its nodes and the step count. {@link
   * #restoreCheckpoint} brings a model built from the same class back to exactly this state, so
   * training continues as if uninterrupted.
   *
   * @throws java.nio.file.FileAlreadyExistsException if {@code directory} exists
   * @throws java.nio.file.NoSuchFileException if its parent directory does not exist
   */
  public void saveCheckpoint(Path directory) throws IOException {
    requireOpen();
    Checkpoints.write(directory, checkpointProperties(new Properties()), this::writeVariables);
  }

  /**
   * Sets this model's state (weights, optimizer state, random streams, step count) to a checkpoint
   * written by {@link #saveCheckpoint} or by {@code fit} for a model of the same class: a
   * checkpoint directory, or a checkpoint root whose latest checkpoint is taken. All or nothing: on
   * an error the model is unchanged.
   *
   * @return the checkpoint restored
   * @throws java.nio.file.NoSuchFileException if there is no checkpoint at {@code path}
   * @throws IOException if the checkpoint is damaged or belongs to another model (the message
   *     says which)
   */
  public Path restoreCheckpoint(Path path) throws IOException {
    requireOpen();
    Path checkpoint = Checkpoints.resolve(path);
    restoreState(checkpoint, Checkpoints.properties(checkpoint));
    return checkpoint;
  }

  /** This model's checkpoint properties (name, nodes, step count) with {@code extra}: what a training run writes. */
  public Properties checkpointProperties(Properties extra) {
    return VariableCheckpoint.describing(extra, modelName, nodesDescription(), stepsTaken);
  }

  /** Writes the graph's variables at {@code prefix}: the variables of a training run's checkpoint. */
  public void writeVariables(Path prefix) throws IOException {
    checkpointOps().write(session, prefix, modelName);
  }

  /** Restores a checkpoint whose properties {@code properties} are already read, the step count with it. */
  protected final void restoreState(Path checkpoint, Properties properties) throws IOException {
    stepsTaken = checkpointOps().restoreChecked(session, checkpoint, properties, modelName, nodesDescription());
  }

  private VariableCheckpoint checkpointOps() {
    if (checkpointOps == null) {
      checkpointOps = VariableCheckpoint.build(graph);
    }
    return checkpointOps;
  }

  /** @throws IllegalStateException once the model is closed */
  protected final void requireOpen() {
    if (session == null) {
      throw new IllegalStateException(modelName + " model is closed");
    }
  }

  /** Frees the session and graph (native memory). Idempotent. */
  @Override
  public void close() {
    if (session != null) {
      session.close();
      session = null;
    }
    if (graph != null) {
      graph.close();
      graph = null;
    }
  }
}
