package dev.helmholtz.infer;

import java.util.SplittableRandom;

/**
 * A stream of minibatches of B example indices from shuffled epochs: each epoch is a fresh
 * random permutation of the N examples, cut into consecutive batches; when N is not a multiple
 * of B a batch runs on into the next epoch's permutation, so every batch has B examples (a static
 * shape) and every example is visited once per epoch. Each slot of a batch is marginally uniform
 * over the examples, so the plate-scaled likelihood of a batch is unbiased.
 *
 * <p>Reproducible: the permutations come from a {@link SplittableRandom} of the given seed.
 */
final class Minibatches {
  private final int size;
  private final int batch;
  private final SplittableRandom random;
  private final int[] permutation;
  private int next;

  Minibatches(int size, int batch, long seed) {
    if (size < 1) {
      throw new IllegalArgumentException("the data set is empty");
    }
    if (batch < 1 || batch > size) {
      throw new IllegalArgumentException("batchSize must be in [1, " + size + "] (the data set's size), was "
          + batch);
    }
    this.size = size;
    this.batch = batch;
    this.random = new SplittableRandom(seed);
    this.permutation = new int[size];
    for (int i = 0; i < size; i++) {
      permutation[i] = i;
    }
    shuffle();
  }

  /** Writes the next batch into {@code out[from, from + B)}. */
  void next(int[] out, int from) {
    for (int k = 0; k < batch; k++) {
      if (next == size) {
        shuffle();
      }
      out[from + k] = permutation[next++];
    }
  }

  /** Batches per epoch, ceil(N / B). */
  static int perEpoch(int size, int batch) {
    return (size + batch - 1) / batch;
  }

  private void shuffle() {
    for (int i = size - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = permutation[i];
      permutation[i] = permutation[j];
      permutation[j] = t;
    }
    next = 0;
  }
}
