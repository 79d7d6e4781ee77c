package dev.helmholtz.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Index batches select the same rows, in the same order, as the copying batches. */
class IndexBatchesTest {
  @Test
  void sameRowsInTheSameOrderAsCopyingBatches() {
    int rows = 103;
    float[][] data = new float[rows][2];
    for (int i = 0; i < rows; i++) {
      data[i] = new float[] {i, -i};
    }
    Dataset dataset = Dataset.of("x", data);
    for (boolean shuffle : new boolean[] {true, false}) {
      Batches copies = dataset.batches(10, shuffle, 42, "x");
      IndexBatches indices = dataset.indexBatches(10, shuffle, 42);
      assertEquals(copies.batchCount(), indices.batchCount());
      boolean[] seen = new boolean[rows];
      while (copies.hasNext()) {
        Batch batch = copies.next();
        int count = indices.next();
        assertEquals(batch.size(), count);
        for (int i = 0; i < count; i++) {
          int row = indices.indices()[i];
          assertEquals(row, (int) batch.column("x")[2 * i]);
          assertFalse(seen[row], "row " + row + " twice");
          seen[row] = true;
        }
      }
      assertFalse(indices.hasNext());
      boolean[] all = new boolean[rows];
      Arrays.fill(all, true);
      assertArrayEquals(all, seen);
    }
  }
}
