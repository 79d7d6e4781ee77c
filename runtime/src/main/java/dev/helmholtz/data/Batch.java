package dev.helmholtz.data;

import java.util.Arrays;

/**
 * One mini-batch: for each requested column, {@code size() * width(column)} floats, row-major.
 *
 * <p>A {@code Batch} is a view that its {@link Batches} refills on every {@code next()}: read or
 * copy what you need before asking for the next batch. The buffers are sized for a full batch,
 * so the last, smaller batch of an epoch uses only their first {@code size() * width} floats.
 */
public final class Batch {
  private final String[] names;
  private final int[] widths;
  private final float[][] buffers;
  int size;

  Batch(String[] names, int[] widths, int capacity) {
    this.names = names;
    this.widths = widths;
    this.buffers = new float[names.length][];
    for (int c = 0; c < names.length; c++) {
      buffers[c] = new float[Math.multiplyExact(capacity, widths[c])];
    }
  }

  /** Rows in this batch: the batch size, or fewer for the last batch of an epoch. */
  public int size() {
    return size;
  }

  /**
   * The column's values, flat and row-major. The array is reused by the next batch and may be
   * longer than this batch's data: use its first {@code size() * width(name)} entries.
   */
  public float[] column(String name) {
    return buffers[indexOf(name)];
  }

  /** Floats per row of the column: the product of its event shape. */
  public int width(String name) {
    return widths[indexOf(name)];
  }

  float[] buffer(int c) {
    return buffers[c];
  }

  private int indexOf(String name) {
    for (int c = 0; c < names.length; c++) {
      if (names[c].equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "no column '" + name + "' in this batch; its columns are " + Arrays.toString(names));
  }

  @Override
  public String toString() {
    return "Batch[" + size + " rows of " + Arrays.toString(names) + "]";
  }
}
