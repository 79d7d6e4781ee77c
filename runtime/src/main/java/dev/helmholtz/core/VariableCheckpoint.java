package dev.helmholtz.core;

import dev.helmholtz.train.Checkpoints;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * Save and restore ops ({@code SaveV2}, {@code RestoreV2}) over every {@code VariableV2} of a
 * graph, keyed by op name: the networks' weights, the optimizer's slots and beta powers, and the
 * random streams' run counters. Resource variables (the resident training data) are left out, as
 * {@code Session.save} leaves them out. Built once, after the graph is complete.
 */
public final class VariableCheckpoint {
  private final Placeholder<TString> prefix;
  private final Op save;
  private final Op restore;
  private final List<String> names;

  private VariableCheckpoint(Placeholder<TString> prefix, Op save, Op restore, List<String> names) {
    this.prefix = prefix;
    this.save = save;
    this.restore = restore;
    this.names = List.copyOf(names);
  }

  public static VariableCheckpoint build(Graph graph) {
    List<GraphOperation> variables = new ArrayList<>();
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().equals("VariableV2")) {
        variables.add(op);
      }
    }
    variables.sort(Comparator.comparing(GraphOperation::name));
    Ops tf = Ops.create(graph).withSubScope("checkpoint");
    Placeholder<TString> prefix = tf.withName("prefix").placeholder(TString.class);
    List<String> names = variables.stream().map(GraphOperation::name).toList();
    String[] slices = new String[names.size()];
    java.util.Arrays.fill(slices, "");
    Operand<TString> nameTensor = tf.constant(StdArrays.ndCopyOf(names.toArray(String[]::new)));
    Operand<TString> sliceTensor = tf.constant(StdArrays.ndCopyOf(slices));
    List<Operand<?>> values = new ArrayList<>();
    List<Class<? extends TType>> types = new ArrayList<>();
    for (GraphOperation v : variables) {
      Output<?> out = v.output(0);
      values.add(out);
      types.add(out.type());
    }
    Op save = tf.withName("save").train.save(prefix, nameTensor, sliceTensor, values);
    Restore restored = tf.train.restore(prefix, nameTensor, sliceTensor, types);
    List<Op> assigns = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      assigns.add(assign(tf, variables.get(i).output(0), restored.tensors().get(i)));
    }
    Op restore = tf.withControlDependencies(assigns).withName("restore").noOp();
    return new VariableCheckpoint(prefix, save, restore, names);
  }

  @SuppressWarnings("unchecked")
  private static <T extends TType> Op assign(Ops tf, Output<?> variable, Operand<?> value) {
    return tf.assign((Operand<T>) variable, (Operand<T>) value);
  }

  /** The variables saved, by name. */
  public List<String> names() {
    return names;
  }

  /** Writes every variable's value under the file prefix ({@code prefix.index}, {@code prefix.data-*}). */
  public void save(Session session, Path filePrefix) {
    try (TString p = TString.scalarOf(filePrefix.toString())) {
      session.runner().feed(prefix, p).addTarget(save).run().close();
    }
  }

  /** Sets every variable to its value under the file prefix; all or nothing. */
  public void restore(Session session, Path filePrefix) {
    try (TString p = TString.scalarOf(filePrefix.toString())) {
      session.runner().feed(prefix, p).addTarget(restore).run().close();
    }
  }

  /** {@link #save}, a failure as an IOException naming the model and the prefix. */
  public void write(Session session, Path filePrefix, String modelName) throws IOException {
    try {
      save(session, filePrefix);
    } catch (TensorFlowException e) {
      throw new IOException("cannot write the variables of " + modelName + " to " + filePrefix
          + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code extra} with the properties {@link #restoreChecked} checks: the model's name, its nodes
   * and the steps it has taken.
   */
  public static Properties describing(Properties extra, String modelName, String nodes, long steps) {
    Properties p = new Properties();
    p.putAll(extra);
    p.setProperty("model", modelName);
    p.setProperty("nodes", nodes);
    p.setProperty("steps", Long.toString(steps));
    return p;
  }

  /**
   * Restores {@code checkpoint} (its {@code checkpoint.properties} read into {@code properties})
   * into a model named {@code modelName} whose nodes read {@code nodes}, and returns the step
   * count it records. Everything is checked before any variable changes: a checkpoint of another
   * model, a damaged step count or damaged variable files leave the model as it was.
   */
  public long restoreChecked(Session session, Path checkpoint, Properties properties, String modelName, String nodes)
      throws IOException {
    String model = properties.getProperty("model");
    if (!modelName.equals(model) || !nodes.equals(properties.getProperty("nodes"))) {
      throw new IOException(checkpoint.toAbsolutePath() + " is a checkpoint of " + model + " ("
          + properties.getProperty("nodes") + "), not of " + modelName + " (" + nodes + ")");
    }
    long steps;
    try {
      steps = Long.parseLong(properties.getProperty("steps", "0"));
    } catch (NumberFormatException e) {
      throw new IOException(checkpoint.toAbsolutePath() + ": damaged step count '"
          + properties.getProperty("steps") + "'", e);
    }
    try {
      restore(session, Checkpoints.variablesPrefix(checkpoint));
    } catch (TensorFlowException e) {
      throw new IOException(checkpoint.toAbsolutePath() + ": cannot restore the variables of "
          + modelName + " (the checkpoint is damaged, incomplete, or from a different"
          + " version of the model): " + e.getMessage().strip(), e);
    }
    return steps;
  }
}
