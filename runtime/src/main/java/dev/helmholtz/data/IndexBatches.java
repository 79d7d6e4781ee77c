package dev.helmholtz.data;

import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * One epoch of mini-batches as row indices only, for data that already lives in the graph: the
 * same rows in the same order as {@link Batches} with the same size, shuffle flag and seed, but
 * nothing is copied or binarized here. The index buffer is reused between batches.
 */
public final class IndexBatches {
  private final int rows;
  private final int batchSize;
  private final int[] order;
  private final int[] indices;
  private int position;
  private int count;

  IndexBatches(int rows, int batchSize, boolean shuffle, long seed) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
    }
    this.rows = rows;
    this.batchSize = batchSize;
    this.order = shuffle ? Batches.permutation(rows, new SplittableRandom(seed).split()) : null;
    this.indices = new int[Math.min(batchSize, Math.max(rows, 1))];
  }

  /** Batches in this epoch: {@code ceil(rows / batchSize)}. */
  public int batchCount() {
    return (int) (((long) rows + batchSize - 1) / batchSize);
  }

  public boolean hasNext() {
    return position < rows;
  }

  /** Moves to the next batch and returns its size; its rows are the first that many {@link #indices()}. */
  public int next() {
    if (position >= rows) {
      throw new NoSuchElementException("this epoch's " + batchCount() + " batches are done");
    }
    count = Math.min(batchSize, rows - position);
    for (int i = 0; i < count; i++) {
      indices[i] = order == null ? position + i : order[position + i];
    }
    position += count;
    return count;
  }

  /** The current batch's row indices (a reused buffer; only the first {@link #size()} are valid). */
  public int[] indices() {
    return indices;
  }

  public int size() {
    return count;
  }
}
