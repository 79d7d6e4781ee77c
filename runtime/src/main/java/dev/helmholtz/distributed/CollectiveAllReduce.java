package dev.helmholtz.distributed;

import dev.helmholtz.train.GradientReduction;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The gradients averaged over a cluster's workers by TensorFlow's collective all-reduce, weighted
 * by each worker's rows, so that the result is the gradient of the mean over the whole global batch
 * whatever its split (the last batch of an epoch may split unevenly).
 *
 * <p>Each worker's loss is the mean over its own rows {@code n_i}; its gradients {@code g_i} are
 * scaled by {@code n_i}, flattened and concatenated with {@code n_i} into one vector, which one
 * {@code CollectiveReduce} sums over the workers ({@code Add}, ring algorithm over gRPC); then
 * {@code sum_i n_i g_i / sum_i n_i} is cut back into the variables' shapes. One collective per step
 * rather than one per variable: on loopback a collective costs a round of RPCs whatever its size,
 * so fusing them (as Horovod's tensor fusion does) is what keeps the step's overhead small.
 *
 * <p>The op is TensorFlow's original {@code CollectiveReduce} (group size, group and instance keys
 * as attributes, built with {@code Graph.opBuilder}): TF Java 1.1's generated {@code
 * org.tensorflow.op.collective.CollectiveReduce} builds {@code CollectiveReduceV3}, which needs a
 * communicator resource made by {@code CollectiveInitializeCommunicator} per run. The original
 * op's {@code timeout_seconds} bounds how long a worker waits for the others: a worker that died
 * makes the others' step fail within it ({@link Cluster#stepTimeoutSeconds()}).
 */
public final class CollectiveAllReduce implements GradientReduction {
  /** The one collective group: every worker of the cluster. */
  static final int GROUP_KEY = 1;
  /** The instance of the gradients' all-reduce. */
  static final int GRADIENTS_INSTANCE = 1;
  /** The instance of the start-up barrier. */
  static final int BARRIER_INSTANCE = 2;

  private final Cluster cluster;
  private final Operand<TFloat32> rows;

  /**
   * @param cluster the workers the gradients are averaged over
   * @param rows this worker's rows in the step's batch, a float scalar the loss is a mean over
   */
  public CollectiveAllReduce(Cluster cluster, Operand<TFloat32> rows) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.rows = Objects.requireNonNull(rows, "rows");
  }

  @Override
  public List<Operand<TFloat32>> reduce(Ops tf, List<Operand<TFloat32>> gradients) {
    List<Operand<TFloat32>> flat = new ArrayList<>();
    long[] sizes = new long[gradients.size()];
    for (int i = 0; i < gradients.size(); i++) {
      Operand<TFloat32> g = gradients.get(i);
      sizes[i] = g.shape().size();
      // mulNoNan: a worker with no rows (a batch smaller than the cluster) adds 0, not NaN.
      flat.add(tf.reshape(tf.math.mulNoNan(g, rows), tf.constant(new long[] {-1})));
    }
    flat.add(tf.reshape(rows, tf.constant(new long[] {1})));
    Operand<TFloat32> summed = sum(tf, tf.concat(flat, tf.constant(0)), cluster.size(), GRADIENTS_INSTANCE,
        cluster.stepTimeoutSeconds(), "all_reduce");
    long total = 0;
    for (long size : sizes) {
      total += size;
    }
    Operand<TFloat32> allRows = tf.slice(summed, tf.constant(new long[] {total}), tf.constant(new long[] {1}));
    List<Operand<TFloat32>> averaged = new ArrayList<>();
    long offset = 0;
    for (int i = 0; i < gradients.size(); i++) {
      Operand<TFloat32> block = tf.slice(summed, tf.constant(new long[] {offset}), tf.constant(new long[] {sizes[i]}));
      averaged.add(tf.reshape(tf.math.div(block, allRows), tf.constant(gradients.get(i).shape().asArray())));
      offset += sizes[i];
    }
    return averaged;
  }

  /**
   * An op that completes once every worker has run it: each worker's first run waits for the
   * others (up to {@code timeoutSeconds}), so the workers' start-up, unequal by seconds (loading
   * TensorFlow, building the graph, reading the data), is not charged to the first step's timeout.
   */
  public static Op barrier(Ops tf, Cluster cluster, float timeoutSeconds) {
    Operand<TFloat32> one = tf.constant(new float[] {1f});
    return sum(tf, one, cluster.size(), BARRIER_INSTANCE, timeoutSeconds, "barrier")::op;
  }

  private static Operand<TFloat32> sum(Ops tf, Operand<TFloat32> input, int groupSize, int instance,
      float timeoutSeconds, String name) {
    Graph graph = (Graph) tf.scope().env();
    Output<TFloat32> out = graph.opBuilder("CollectiveReduce", tf.scope().makeOpName(name), tf.scope())
        .addInput(input.asOutput())
        .setAttr("group_size", groupSize)
        .setAttr("group_key", GROUP_KEY)
        .setAttr("instance_key", instance)
        .setAttr("merge_op", "Add")
        .setAttr("final_op", "Id")
        .setAttr("subdiv_offsets", new long[0])
        .setAttr("timeout_seconds", timeoutSeconds)
        .build()
        .output(0);
    return out;
  }
}
