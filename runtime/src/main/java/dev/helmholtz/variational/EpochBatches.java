package dev.helmholtz.variational;

import dev.helmholtz.data.Batch;
import dev.helmholtz.data.Batches;
import dev.helmholtz.data.IndexBatches;

/** One epoch's batches for {@code fit}: copied rows (fed path) or row indices (resident path). */
final class EpochBatches {
  private final Batches copies;
  private final IndexBatches indices;
  private Batch batch;

  private EpochBatches(Batches copies, IndexBatches indices) {
    this.copies = copies;
    this.indices = indices;
  }

  static EpochBatches fed(Batches batches) {
    return new EpochBatches(batches, null);
  }

  static EpochBatches resident(IndexBatches batches) {
    return new EpochBatches(null, batches);
  }

  boolean isResident() {
    return indices != null;
  }

  int count() {
    return isResident() ? indices.batchCount() : copies.batchCount();
  }

  boolean hasNext() {
    return isResident() ? indices.hasNext() : copies.hasNext();
  }

  /** Moves to the next batch; returns its size. */
  int advance() {
    if (isResident()) {
      return indices.next();
    }
    batch = copies.next();
    return batch.size();
  }

  int size() {
    return isResident() ? indices.size() : batch.size();
  }

  int[] indices() {
    return indices.indices();
  }

  Batch batch() {
    return batch;
  }
}
