package dev.helmholtz.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * One epoch of mini-batches over a {@link Dataset}, made by
 * {@link Dataset#batches(int, boolean, long, String...)}.
 *
 * <p>Every row appears exactly once per epoch. Shuffling is a Fisher–Yates permutation drawn
 * from a {@link SplittableRandom} seeded with the epoch's seed; dynamically binarized columns
 * draw their Bernoulli values from SplitMix64 streams derived from the same seed. The same
 * dataset, batch size, shuffle flag, seed and columns give the same batches, bit for bit.
 *
 * <p>{@link #next()} returns the same {@link Batch} object every time, refilled in place: steady
 * state iteration allocates nothing. The last batch may be smaller than the batch size. An
 * instance is for one thread; the {@link Dataset} it reads is immutable and may be shared.
 */
public final class Batches implements Iterator<Batch> {
  private final int rows;
  private final int batchSize;
  private final int[] order;
  private final float[][] sources;
  private final int[] widths;
  private final boolean[] dynamic;
  private final long[] rngState;
  private final Batch batch;
  private int position;

  Batches(Dataset dataset, int batchSize, boolean shuffle, long seed, String[] names) {
    this.rows = dataset.size();
    this.batchSize = batchSize;
    int columns = names.length;
    this.sources = new float[columns][];
    this.widths = new int[columns];
    this.dynamic = new boolean[columns];
    this.rngState = new long[columns];
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom shuffleStream = root.split();
    SplittableRandom binarizationStreams = root.split();
    for (int c = 0; c < columns; c++) {
      sources[c] = dataset.flat(names[c]);
      widths[c] = dataset.width(names[c]);
      dynamic[c] = dataset.isDynamicallyBinarized(names[c]);
      rngState[c] = binarizationStreams.nextLong();
    }
    order = shuffle ? permutation(rows, shuffleStream) : null;
    this.batch = new Batch(names.clone(), widths.clone(), Math.min(batchSize, Math.max(rows, 1)));
  }

  /**
   * The epoch's row order: a Fisher-Yates shuffle from the first split of a SplittableRandom
   * seeded with the epoch's seed, shared with {@link IndexBatches} so both see the same batches.
   */
  static int[] permutation(int rows, SplittableRandom shuffleStream) {
    int[] order = new int[rows];
    for (int i = 0; i < rows; i++) {
      order[i] = i;
    }
    for (int i = rows - 1; i > 0; i--) {
      int j = shuffleStream.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** Batches in this epoch: {@code ceil(rows / batchSize)}. */
  public int batchCount() {
    return (int) (((long) rows + batchSize - 1) / batchSize);
  }

  @Override
  public boolean hasNext() {
    return position < rows;
  }

  /** Fills and returns the (reused) batch. */
  @Override
  public Batch next() {
    if (position >= rows) {
      throw new NoSuchElementException("this epoch's " + batchCount() + " batches are done");
    }
    int count = Math.min(batchSize, rows - position);
    for (int c = 0; c < sources.length; c++) {
      fill(c, count);
    }
    position += count;
    batch.size = count;
    return batch;
  }

  private void fill(int c, int count) {
    float[] src = sources[c];
    float[] dst = batch.buffer(c);
    int w = widths[c];
    if (order == null) {
      int s = position * w;
      if (dynamic[c]) {
        rngState[c] = Binarizer.binarize(src, s, dst, 0, count * w, rngState[c]);
      } else {
        System.arraycopy(src, s, dst, 0, count * w);
      }
      return;
    }
    if (dynamic[c]) {
      long state = rngState[c];
      for (int i = 0; i < count; i++) {
        state = Binarizer.binarize(src, order[position + i] * w, dst, i * w, w, state);
      }
      rngState[c] = state;
    } else {
      for (int i = 0; i < count; i++) {
        System.arraycopy(src, order[position + i] * w, dst, i * w, w);
      }
    }
  }
}
