package dev.helmholtz.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An immutable table of named float columns, each holding {@link #size()} rows of a fixed event
 * shape stored flat and row-major. A column may be marked for <em>dynamic binarization</em>:
 * every batch then draws fresh binary values from the stored probabilities.
 *
 * <pre>{@code
 * Dataset train = Mnist.loadDefault().train().dataset("x").dynamicallyBinarized("x");
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *   Batches batches = train.batches(128, true, seed + epoch, "x");  // a new seed per epoch
 *   while (batches.hasNext()) {
 *     Batch b = batches.next();
 *     float[] x = b.column("x");    // b.size() * 784 values in {0, 1}
 *   }
 * }
 * }</pre>
 *
 * <p>Columns are kept by reference: {@link #of(String, float[], int...)} does not copy the array
 * it is given and {@link #flat(String)} returns the stored array itself. Do not mutate either: a
 * model checks a column's values against its node's support once per array and uploads a data set
 * to its graph once, so a changed array would go unchecked (build a new {@code Dataset} instead).
 */
public final class Dataset {
  private record Column(float[] data, int[] shape, int width, boolean dynamic) {}

  private final int size;
  private final Map<String, Column> columns;

  private Dataset(int size, Map<String, Column> columns) {
    this.size = size;
    this.columns = Collections.unmodifiableMap(columns);
  }

  /**
   * A one-column dataset; the event shape is {@code [rows[0].length]}. The rows are copied into
   * one flat array.
   *
   * @throws IllegalArgumentException if there are no rows, a row is empty or null, or the rows
   *     have different lengths (naming the column and the first row that differs)
   */
  public static Dataset of(String column, float[][] rows) {
    Column c = fromRows(column, rows);
    Map<String, Column> map = new LinkedHashMap<>();
    map.put(column, c);
    return new Dataset(rows.length, map);
  }

  /**
   * A one-column dataset over {@code flat}, row-major, each row of shape {@code eventShape} (no
   * shape: scalar rows). The array is used as is, not copied.
   *
   * @throws IllegalArgumentException if a dimension is not positive or {@code flat.length} is not
   *     a multiple of the shape's product
   */
  public static Dataset of(String column, float[] flat, int... eventShape) {
    Column c = fromFlat(column, flat, eventShape);
    Map<String, Column> map = new LinkedHashMap<>();
    map.put(column, c);
    return new Dataset(flat.length / c.width, map);
  }

  /**
   * This dataset with one more column (or the named column replaced), copied from rows of equal
   * length.
   *
   * @throws IllegalArgumentException if the row count differs from {@link #size()}, or as
   *     {@link #of(String, float[][])}
   */
  public Dataset with(String column, float[][] rows) {
    Column c = fromRows(column, rows);
    return withColumn(column, c, rows.length);
  }

  /** This dataset with one more column (or the named column replaced), over a flat array. */
  public Dataset with(String column, float[] flat, int... eventShape) {
    Column c = fromFlat(column, flat, eventShape);
    return withColumn(column, c, flat.length / c.width);
  }

  private Dataset withColumn(String column, Column c, int rows) {
    if (rows != size) {
      throw new IllegalArgumentException(
          "column '" + column + "' has " + rows + " rows but the dataset has " + size
              + " (columns " + columns() + "); every column needs one row per example");
    }
    Map<String, Column> map = new LinkedHashMap<>(columns);
    map.put(column, c);
    return new Dataset(size, map);
  }

  /** Rows (examples) in every column. */
  public int size() {
    return size;
  }

  /** Column names, in the order they were added. */
  public List<String> columns() {
    return List.copyOf(columns.keySet());
  }

  public boolean has(String column) {
    return columns.containsKey(column);
  }

  /** The shape of one row of the column (a copy). */
  public int[] eventShape(String column) {
    return get(column).shape.clone();
  }

  /** Floats per row of the column: the product of its event shape. */
  public int width(String column) {
    return get(column).width;
  }

  /**
   * The column's stored values, {@code size() * width(column)} floats, row-major. This is the
   * dataset's own array, not a copy: do not mutate it. For a dynamically binarized column these
   * are the probabilities, not draws.
   */
  public float[] flat(String column) {
    return get(column).data;
  }

  /** Rows {@code from} (inclusive) to {@code to} (exclusive), copied; marks are kept. */
  public Dataset slice(int from, int to) {
    if (from < 0 || to > size || from > to) {
      throw new IndexOutOfBoundsException(
          "slice(" + from + ", " + to + ") of a dataset of " + size + " rows; need 0 <= from <= to <= "
              + size);
    }
    Map<String, Column> map = new LinkedHashMap<>();
    for (Map.Entry<String, Column> e : columns.entrySet()) {
      Column c = e.getValue();
      float[] data = Arrays.copyOfRange(c.data, from * c.width, to * c.width);
      map.put(e.getKey(), new Column(data, c.shape, c.width, c.dynamic));
    }
    return new Dataset(to - from, map);
  }

  /** The first {@code min(n, size())} rows. */
  public Dataset take(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("take(" + n + "): n must not be negative");
    }
    return n >= size ? this : slice(0, n);
  }

  /**
   * This dataset with the column marked for dynamic binarization (Salakhutdinov &amp; Murray,
   * 2008; as in Burda et al., 2016): every batch holds fresh draws {@code x ~ Bernoulli(p)} per
   * element, {@code p} the stored value. Draws are seeded by the seed given to
   * {@link #batches}: pass a different seed each epoch (e.g. {@code seed + epoch}) for fresh
   * draws across epochs.
   *
   * @throws IllegalArgumentException if a value is outside [0,1] or NaN (naming row and element)
   */
  public Dataset dynamicallyBinarized(String column) {
    Column c = get(column);
    checkProbabilities(column, c);
    return replace(column, new Column(c.data, c.shape, c.width, true));
  }

  /**
   * This dataset with the column replaced by one fixed draw {@code x ~ Bernoulli(p)} per element,
   * for evaluation on a fixed binarized set: the same seed gives the same values every time.
   *
   * @throws IllegalArgumentException if a value is outside [0,1] or NaN (naming row and element)
   */
  public Dataset binarized(String column, long seed) {
    Column c = get(column);
    checkProbabilities(column, c);
    float[] out = new float[c.data.length];
    Binarizer.binarize(c.data, 0, out, 0, out.length, new SplittableRandom(seed).nextLong());
    return replace(column, new Column(out, c.shape, c.width, false));
  }

  /** Whether batches draw fresh binary values for this column. */
  public boolean isDynamicallyBinarized(String column) {
    return get(column).dynamic;
  }

  /**
   * One epoch of batches as row indices only, in the same order {@link #batches} gives for the
   * same batch size, shuffle flag and seed: for training on data that was uploaded to the graph
   * once, where each step selects its rows by index.
   */
  public IndexBatches indexBatches(int batchSize, boolean shuffle, long seed) {
    return new IndexBatches(size(), batchSize, shuffle, seed);
  }

  /**
   * One epoch of batches over the named columns (none named: all columns).
   *
   * @param batchSize rows per batch; the last batch may have fewer
   * @param shuffle whether to visit rows in a random order (Fisher–Yates, seeded)
   * @param seed seeds the shuffle and the dynamic binarization; same seed, same batches
   */
  public Batches batches(int batchSize, boolean shuffle, long seed, String... columns) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    String[] names = columns == null || columns.length == 0
        ? this.columns.keySet().toArray(new String[0]) : columns.clone();
    for (int i = 0; i < names.length; i++) {
      get(names[i]);
      for (int j = 0; j < i; j++) {
        if (names[i].equals(names[j])) {
          throw new IllegalArgumentException("column '" + names[i] + "' is requested twice");
        }
      }
    }
    return new Batches(this, batchSize, shuffle, seed, names);
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Column> e : columns.entrySet()) {
      parts.add(e.getKey() + " " + Arrays.toString(e.getValue().shape)
          + (e.getValue().dynamic ? " (dynamically binarized)" : ""));
    }
    return "Dataset[" + size + " rows: " + String.join(", ", parts) + "]";
  }

  private Dataset replace(String column, Column c) {
    Map<String, Column> map = new LinkedHashMap<>(columns);
    map.put(column, c);
    return new Dataset(size, map);
  }

  private Column get(String column) {
    Column c = columns.get(column);
    if (c == null) {
      throw new IllegalArgumentException(
          "no column '" + column + "' in this dataset; its columns are " + columns());
    }
    return c;
  }

  private static void checkName(String column) {
    if (column == null || column.isEmpty()) {
      throw new IllegalArgumentException("a column needs a non-empty name");
    }
  }

  private static Column fromRows(String column, float[][] rows) {
    checkName(column);
    if (rows == null || rows.length == 0) {
      throw new IllegalArgumentException(
          "column '" + column + "': no rows; the event shape is taken from row 0");
    }
    if (rows[0] == null || rows[0].length == 0) {
      throw new IllegalArgumentException(
          "column '" + column + "': row 0 is " + (rows[0] == null ? "null" : "empty"));
    }
    int width = rows[0].length;
    long total = (long) rows.length * width;
    if (total > Idx.MAX_ARRAY) {
      throw new IllegalArgumentException("column '" + column + "': " + rows.length + " rows of "
          + width + " floats exceed one Java array");
    }
    float[] flat = new float[(int) total];
    for (int i = 0; i < rows.length; i++) {
      float[] row = rows[i];
      if (row == null || row.length != width) {
        throw new IllegalArgumentException("column '" + column + "': row " + i + " has "
            + (row == null ? "no array (null)" : "length " + row.length)
            + ", expected " + width + " (the length of row 0)");
      }
      System.arraycopy(row, 0, flat, i * width, width);
    }
    return new Column(flat, new int[] {width}, width, false);
  }

  private static Column fromFlat(String column, float[] flat, int[] eventShape) {
    checkName(column);
    if (flat == null) {
      throw new IllegalArgumentException("column '" + column + "': no array (null)");
    }
    int[] shape = eventShape == null ? new int[0] : eventShape.clone();
    long width = 1;
    for (int d : shape) {
      if (d <= 0) {
        throw new IllegalArgumentException("column '" + column + "': event shape "
            + Arrays.toString(shape) + " has a dimension that is not positive");
      }
      width *= d;
      if (width > Idx.MAX_ARRAY) {
        throw new IllegalArgumentException("column '" + column + "': event shape "
            + Arrays.toString(shape) + " is too large");
      }
    }
    if (flat.length % width != 0) {
      throw new IllegalArgumentException("column '" + column + "': " + flat.length
          + " floats are not a whole number of rows of shape " + Arrays.toString(shape) + " ("
          + width + " floats each)");
    }
    return new Column(flat, shape, (int) width, false);
  }

  private static void checkProbabilities(String column, Column c) {
    float[] data = c.data;
    for (int i = 0; i < data.length; i++) {
      float v = data[i];
      if (!(v >= 0f && v <= 1f)) {
        throw new IllegalArgumentException("column '" + column + "': binarization needs values in"
            + " [0,1], found " + v + " at row " + i / c.width + ", element " + i % c.width);
      }
    }
  }
}
