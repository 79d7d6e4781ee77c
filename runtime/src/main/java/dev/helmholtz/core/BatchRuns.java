package dev.helmholtz.core;

import dev.helmholtz.data.Batch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Session runs on one batch of a data set, as every model kind makes them: the batch's columns fed
 * as {@code [rows, width]} tensors to the graph's inputs of the same names, and what the run
 * fetched copied back into Java arrays. Every tensor made here is closed here.
 */
public final class BatchRuns {
  /** Examples per session run when a data set is evaluated or sampled batch by batch. */
  public static final int EVALUATION_BATCH = 500;

  private BatchRuns() {}

  /**
   * Runs {@code session} once on {@code batch}: feeds each of {@code columns} to its input in
   * {@code inputs}, lets {@code configure} add the run's other feeds, targets and fetches, and
   * returns what {@code read} makes of the result. {@code batch} may be null when there are no
   * columns.
   */
  public static <T> T run(Session session, Batch batch, String[] columns,
      Map<String, ? extends Operand<TFloat32>> inputs, UnaryOperator<Session.Runner> configure,
      Function<Result, T> read) {
    List<TFloat32> fed = tensors(batch, columns);
    try {
      Session.Runner runner = session.runner();
      for (int i = 0; i < columns.length; i++) {
        runner.feed(inputs.get(columns[i]), fed.get(i));
      }
      try (Result result = configure.apply(runner).run()) {
        return read.apply(result);
      }
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  /** {@code batch}'s columns as {@code [rows, width]} tensors, in the order of {@code columns}; closed by the caller. */
  public static List<TFloat32> tensors(Batch batch, String[] columns) {
    List<TFloat32> tensors = new ArrayList<>(columns.length);
    try {
      for (String column : columns) {
        int width = batch.width(column);
        tensors.add(TFloat32.tensorOf(Shape.of(batch.size(), width),
            DataBuffers.of(batch.column(column), true, false).narrow((long) batch.size() * width)));
      }
      return tensors;
    } catch (RuntimeException e) {
      tensors.forEach(Tensor::close);
      throw e;
    }
  }

  /**
   * The {@code count} rows of {@code width} values of {@code tensor}, {@code [count][width]}.
   *
   * @throws IllegalStateException when {@code tensor} is not {@code [count, width]}: fewer values
   *     would leave rows of zeros, and more would be dropped, either without a word
   */
  public static float[][] rows(TFloat32 tensor, int count, int width) {
    Shape shape = tensor.shape();
    if (shape.numDimensions() != 2 || shape.get(0) != count || shape.get(1) != width) {
      throw new IllegalStateException("expected " + count + " rows of width " + width + ", but the graph gave "
          + (shape.numDimensions() == 2 ? shape.get(0) + " rows of width " + shape.get(1) : "shape " + shape));
    }
    float[] flat = new float[count * width];
    tensor.copyTo(DataBuffers.of(flat, false, false));
    float[][] rows = new float[count][];
    for (int i = 0; i < count; i++) {
      rows[i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
    }
    return rows;
  }

  /** All values of {@code tensor}, flattened row-major. */
  public static float[] values(TFloat32 tensor) {
    float[] values = new float[(int) tensor.shape().size()];
    tensor.copyTo(DataBuffers.of(values, false, false));
    return values;
  }

  /**
   * Copies the fetches of {@code result}, from {@code first} on, one per name of {@code out} in its
   * order, as {@code size} rows each (of the width {@code width} gives the name) into {@code out}'s
   * arrays from row {@code offset}: one batch's share of outputs gathered over a data set.
   */
  public static void copyRows(Result result, int first, Map<String, float[][]> out, Function<String, Integer> width,
      int size, int offset) {
    int i = first;
    for (Map.Entry<String, float[][]> output : out.entrySet()) {
      float[][] rows;
      try {
        rows = rows((TFloat32) result.get(i++), size, width.apply(output.getKey()));
      } catch (IllegalStateException e) {
        throw new IllegalStateException("node '" + output.getKey() + "': " + e.getMessage()
            + "; a network's distribution must have a row per example", e);
      }
      System.arraycopy(rows, 0, output.getValue(), offset, size);
    }
  }
}
