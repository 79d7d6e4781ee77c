package dev.helmholtz.train;

import dev.helmholtz.data.Batch;
import dev.helmholtz.data.Batches;
import dev.helmholtz.data.IndexBatches;

/**
 * One epoch's batches for {@link TrainingLoop}: copied rows (fed path) or row indices (resident
 * path). A step reads the batch the loop has moved to.
 */
public final class EpochBatches {
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

  /** Whether the batch is row indices into the data uploaded to the graph (resident path). */
  public boolean isResident() {
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

  /** The rows of the current batch. */
  public int size() {
    return isResident() ? indices.size() : batch.size();
  }

  /** The current batch's row indices (resident path). */
  public int[] indices() {
    return indices.indices();
  }

  /** The current batch's rows (fed path). */
  public Batch batch() {
    return batch;
  }
}
