package dev.helmholtz.variational;

import dev.helmholtz.data.Batch;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.train.ThreadSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A training step's batch split into towers: contiguous blocks of rows, each the input of its own
 * copy of the training pass ({@link ThreadSettings#towers()}). With one thread
 * per op, one tower's forward pass is a chain of products that keeps one core busy; two towers
 * give each inter-op thread a chain of its own.
 *
 * <p>Each tower's input for a column is its resident rows (gathered and binarized in the graph
 * from its own block of indices) unless a block of copied rows is fed in their place; both paths
 * split a batch by the same rule ({@link ThreadSettings#towerRows}), so they select the same rows
 * for each tower.
 */
final class TrainingTowers {
  private final Ops tf;
  private final RandomSource random;
  private final int count;
  private final Map<String, Integer> widths;
  private final Map<String, ResidentColumn> resident;
  /** The batch size the towers' inputs are shaped for, or {@link Shape#UNKNOWN_SIZE} for any. */
  private final long batchSize;
  private final List<Placeholder<TInt32>> indices = new ArrayList<>();
  private final List<Map<String, Operand<TFloat32>>> inputs = new ArrayList<>();
  /** Where the fed path feeds each tower's rows: the placeholders behind {@link #inputs}. */
  private final List<Map<String, Operand<TFloat32>>> fedInputs = new ArrayList<>();
  /** The towers this process feeds rows, [from, to): all, unless it is one worker of a cluster. */
  private int from;
  private int to;

  private TrainingTowers(Ops tf, RandomSource random, int count, Map<String, Integer> widths,
      Map<String, ResidentColumn> resident, long batchSize) {
    this.tf = tf;
    this.random = random;
    this.count = count;
    this.widths = widths;
    this.resident = resident;
    this.batchSize = batchSize;
    this.to = count;
  }

  /** {@code count} towers over the data nodes {@code widths} (name to event width), resident in {@code resident}. */
  static TrainingTowers build(Ops tf, RandomSource random, int count, Map<String, Integer> widths,
      Map<String, ResidentColumn> resident) {
    return new TrainingTowers(tf, random, count, new LinkedHashMap<>(widths), resident, Shape.UNKNOWN_SIZE);
  }

  /**
   * Towers over the same data nodes whose inputs have the static shapes of a batch of {@code
   * batchSize} rows (tower t's {@link ThreadSettings#towerRows}), so that TensorFlow can fold the
   * shape arithmetic of a pass built on them; they take only batches of that size.
   *
   * @throws IllegalArgumentException when a tower would have no rows
   */
  TrainingTowers forBatchSize(int batchSize) {
    if (batchSize < count) {
      throw new IllegalArgumentException("a batch of " + batchSize + " leaves one of " + count + " towers empty");
    }
    return new TrainingTowers(tf, random, count, widths, resident, batchSize);
  }

  /** The batch size the inputs are shaped for, or {@link Shape#UNKNOWN_SIZE} when they take any. */
  long batchSize() {
    return batchSize;
  }

  int count() {
    return count;
  }

  /**
   * Tower {@code tower}'s value of each data node, {@code [its rows, width]}. A tower's inputs are
   * built when first asked for, right before its pass, so that the random seeds handed out up to
   * the end of the first tower's pass (the networks' initial weights among them) do not depend on
   * the number of towers.
   */
  Map<String, Operand<TFloat32>> inputs(int tower) {
    if (tower < 0 || tower >= count) {
      throw new IndexOutOfBoundsException("tower " + tower + " of " + count);
    }
    while (inputs.size() <= tower) {
      long n = batchSize == Shape.UNKNOWN_SIZE ? Shape.UNKNOWN_SIZE
          : ThreadSettings.towerRows((int) batchSize, count, inputs.size());
      Placeholder<TInt32> rows = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(n)));
      Map<String, Operand<TFloat32>> columns = new LinkedHashMap<>();
      Map<String, Operand<TFloat32>> fedColumns = new LinkedHashMap<>();
      for (Map.Entry<String, Integer> node : widths.entrySet()) {
        Shape shape = Shape.of(n, node.getValue());
        Operand<TFloat32> input = tf.placeholderWithDefault(resident.get(node.getKey()).rows(tf, random, rows), shape);
        fedColumns.put(node.getKey(), input);
        // TensorFlow's optimizer takes a fed PlaceholderWithDefault's shape as unknown, whatever it
        // declares; EnsureShape restores it (and checks it at run time).
        columns.put(node.getKey(), n == Shape.UNKNOWN_SIZE ? input : tf.ensureShape(input, shape));
      }
      indices.add(rows);
      inputs.add(columns);
      fedInputs.add(fedColumns);
    }
    return new LinkedHashMap<>(inputs.get(tower));
  }

  /**
   * Feeds only towers {@code [from, to)} their rows, the others none: a cluster's worker computes
   * the towers of its index, the batch split exactly as one process with all towers splits it.
   */
  void runOnly(int from, int to) {
    if (from < 0 || to > count || from >= to) {
      throw new IllegalArgumentException("towers [" + from + ", " + to + ") of " + count);
    }
    this.from = from;
    this.to = to;
  }

  /** Rows of {@code size} for tower {@code t}: its block, or none when another process computes it. */
  private int fedRows(int size, int t) {
    return t >= from && t < to ? ThreadSettings.towerRows(size, count, t) : 0;
  }

  /** Feeds each tower its block of the batch's row indices {@code indices[0, size)} (resident path). */
  void feedIndices(Session.Runner runner, int[] rowIndices, int size, List<Tensor> fed) {
    int offset = 0;
    for (int t = 0; t < count(); t++) {
      int n = fedRows(size, t);
      TInt32 block = TInt32.tensorOf(Shape.of(n), DataBuffers.of(rowIndices, true, false).slice(offset, n));
      fed.add(block);
      runner.feed(indices.get(t), block);
      offset += ThreadSettings.towerRows(size, count(), t);
    }
  }

  /** Feeds each tower its block of {@code batch}'s copied rows of {@code columns} (fed path). */
  void feedRows(Session.Runner runner, Batch batch, String[] columns, List<Tensor> fed) {
    for (String column : columns) {
      int width = batch.width(column);
      int offset = 0;
      for (int t = 0; t < count(); t++) {
        int n = fedRows(batch.size(), t);
        TFloat32 block = TFloat32.tensorOf(Shape.of(n, width),
            DataBuffers.of(batch.column(column), true, false).slice((long) offset * width, (long) n * width));
        fed.add(block);
        runner.feed(fedInputs.get(t).get(column), block);
        offset += ThreadSettings.towerRows(batch.size(), count(), t);
      }
    }
  }
}
