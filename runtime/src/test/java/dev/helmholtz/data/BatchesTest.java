package dev.helmholtz.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class BatchesTest {
  /** n rows; column "id" holds the row index, column "v" holds (row, -row). */
  private static Dataset indexed(int n) {
    float[] id = new float[n];
    float[] v = new float[2 * n];
    for (int i = 0; i < n; i++) {
      id[i] = i;
      v[2 * i] = i;
      v[2 * i + 1] = -i;
    }
    return Dataset.of("id", id).with("v", v, 2);
  }

  /** The row ids of one epoch, in order. */
  private static List<Integer> epoch(Dataset d, int batchSize, boolean shuffle, long seed) {
    List<Integer> ids = new ArrayList<>();
    Batches batches = d.batches(batchSize, shuffle, seed);
    while (batches.hasNext()) {
      Batch b = batches.next();
      float[] id = b.column("id");
      float[] v = b.column("v");
      for (int i = 0; i < b.size(); i++) {
        ids.add((int) id[i]);
        assertEquals(id[i], v[2 * i], 0f, "columns stay aligned");
        assertEquals(-id[i], v[2 * i + 1], 0f, "columns stay aligned");
      }
    }
    return ids;
  }

  @Test
  void shuffledEpochCoversEveryRowExactlyOnce() {
    Dataset d = indexed(1003);
    List<Integer> ids = epoch(d, 100, true, 7);
    assertEquals(1003, ids.size());
    int[] seen = new int[1003];
    for (int id : ids) {
      seen[id]++;
    }
    for (int i = 0; i < seen.length; i++) {
      assertEquals(1, seen[i], "row " + i);
    }
    List<Integer> sorted = new ArrayList<>(ids);
    sorted.sort(null);
    assertFalse(ids.equals(sorted), "shuffled");
  }

  @Test
  void batchCountAndSmallerLastBatch() {
    Batches batches = indexed(1003).batches(100, true, 1);
    assertEquals(11, batches.batchCount());
    int count = 0;
    int last = -1;
    while (batches.hasNext()) {
      last = batches.next().size();
      count++;
    }
    assertEquals(11, count);
    assertEquals(3, last);
    assertThrows(NoSuchElementException.class, batches::next);
    assertEquals(1, indexed(5).batches(128, false, 0).batchCount());
    assertEquals(2, indexed(256).batches(128, false, 0).batchCount());
    Batches none = Dataset.of("x", new float[0], 3).batches(4, true, 0);
    assertEquals(0, none.batchCount());
    assertFalse(none.hasNext());
  }

  @Test
  void unshuffledEpochIsInOrder() {
    List<Integer> ids = epoch(indexed(10), 3, false, 99);
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), ids);
  }

  @Test
  void sameSeedSameOrderOtherSeedOtherOrder() {
    Dataset d = indexed(500);
    assertEquals(epoch(d, 32, true, 123), epoch(d, 32, true, 123));
    assertFalse(epoch(d, 32, true, 123).equals(epoch(d, 32, true, 124)));
  }

  @Test
  void reusesOneBatchAndItsBuffers() {
    Batches batches = indexed(10).batches(4, true, 3, "v");
    Batch first = batches.next();
    float[] buffer = first.column("v");
    assertEquals(8, buffer.length);
    assertEquals(2, first.width("v"));
    Batch second = batches.next();
    assertSame(first, second);
    assertSame(buffer, second.column("v"));
    Batch third = batches.next();
    assertEquals(2, third.size());
    assertEquals(8, third.column("v").length, "the buffer may be longer than size*width");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> third.column("id"));
    assertTrue(e.getMessage().contains("no column 'id' in this batch"), e.getMessage());
  }

  @Test
  void badArguments() {
    Dataset d = indexed(4);
    assertThrows(IllegalArgumentException.class, () -> d.batches(0, false, 0));
    assertThrows(IllegalArgumentException.class, () -> d.batches(2, false, 0, "id", "id"));
  }

  // --------------------------------------------------------------- dynamic binarization

  /** rows x 784 probabilities; element j has probability (j % 11) / 10. */
  private static Dataset probabilities(int rows) {
    float[] p = new float[rows * 784];
    for (int i = 0; i < p.length; i++) {
      p[i] = (i % 784 % 11) / 10f;
    }
    return Dataset.of("x", p, 784);
  }

  /** All values of one epoch, rows in the order of the dataset (un-shuffled by id). */
  private static float[] drawEpoch(Dataset d, long seed, boolean shuffle) {
    Dataset withId = d.with("id", indexed(d.size()).flat("id"));
    float[] out = new float[d.size() * 784];
    Batches batches = withId.batches(128, shuffle, seed);
    while (batches.hasNext()) {
      Batch b = batches.next();
      for (int i = 0; i < b.size(); i++) {
        int id = (int) b.column("id")[i];
        System.arraycopy(b.column("x"), i * 784, out, id * 784, 784);
      }
    }
    return out;
  }

  @Test
  void dynamicBinarizationDrawsBernoulliWithTheRightMean() {
    int rows = 1000;
    Dataset d = probabilities(rows).dynamicallyBinarized("x");
    assertTrue(d.isDynamicallyBinarized("x"));
    float[] x = drawEpoch(d, 5, true);
    double[] ones = new double[11];
    double[] total = new double[11];
    for (int i = 0; i < x.length; i++) {
      assertTrue(x[i] == 0f || x[i] == 1f, "binary");
      int k = i % 784 % 11;
      ones[k] += x[i];
      total[k]++;
    }
    for (int k = 0; k <= 10; k++) {
      double p = k / 10.0;
      double mean = ones[k] / total[k];
      double sd = Math.sqrt(p * (1 - p) / total[k]);
      assertEquals(p, mean, 5 * sd + 1e-12, "p = " + p);
    }
    assertEquals(0.0, ones[0], "p = 0 never draws 1");
    assertEquals(total[10], ones[10], "p = 1 always draws 1");
    // the stored probabilities are untouched
    assertEquals(0.5f, d.flat("x")[5]);
  }

  @Test
  void dynamicBinarizationDrawsFreshValuesEachEpochAndRepeatsPerSeed() {
    Dataset d = probabilities(300).dynamicallyBinarized("x");
    float[] epoch1 = drawEpoch(d, 1, true);
    float[] epoch1Again = drawEpoch(d, 1, true);
    float[] epoch2 = drawEpoch(d, 2, true);
    assertArrayEquals(epoch1, epoch1Again, "same seed: same draws, bit for bit");
    // where p = 0.5, two independent draws differ half of the time
    int differ = 0;
    int count = 0;
    for (int i = 0; i < epoch1.length; i++) {
      if (i % 784 % 11 == 5) {
        count++;
        differ += epoch1[i] != epoch2[i] ? 1 : 0;
      }
    }
    double fraction = differ / (double) count;
    assertEquals(0.5, fraction, 5 * Math.sqrt(0.25 / count), "fresh draws per epoch");
    // unshuffled epochs draw fresh values too, and repeat per seed
    assertArrayEquals(drawEpoch(d, 9, false), drawEpoch(d, 9, false));
    assertFalse(Arrays.equals(drawEpoch(d, 9, false), drawEpoch(d, 10, false)));
  }

  @Test
  void columnsNotMarkedAreCopiedAsIs() {
    Dataset d = probabilities(10);
    Batch b = d.batches(10, false, 0).next();
    assertArrayEquals(d.flat("x"), b.column("x"));
  }

  @Test
  void batchFillingIsAllocationFreeInSteadyState() {
    Dataset d = probabilities(1024).dynamicallyBinarized("x").with("id", indexed(1024).flat("id"));
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    if (!threads.isThreadAllocatedMemorySupported()) {
      return;
    }
    Batches warm = null;
    for (int e = 0; e < 30; e++) {
      warm = d.batches(128, true, e);
      while (warm.hasNext()) {
        warm.next();
      }
    }
    Batches batches = d.batches(128, true, 1000);
    long tid = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(tid);
    float sum = 0;
    while (batches.hasNext()) {
      Batch b = batches.next();
      sum += b.column("x")[0] + b.column("id")[b.size() - 1];
    }
    long allocated = threads.getThreadAllocatedBytes(tid) - before;
    assertTrue(sum >= 0);
    assertTrue(allocated < 1024, "8 batches allocated " + allocated + " bytes");
  }

  @Test
  void binarizationOfAFullBatchIsFast() {
    // A coarse guard only (the unit suite must not be flaky on a loaded 2-core machine); the
    // measurement itself is BinarizationBenchmark's job.
    Dataset d = Mnist128.batchOfProbabilities(128 * 20).dynamicallyBinarized("x");
    for (int e = 0; e < 50; e++) {
      Batches b = d.batches(128, true, e);
      while (b.hasNext()) {
        b.next();
      }
    }
    // This thread's CPU time, not the wall clock: batches are filled on this thread alone, and on a
    // machine loaded with other processes the wall clock also counts the time the thread waits
    // for a core (it failed so once, at load 40 on 2 cores).
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    boolean cpu = threads.isCurrentThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
    long start = cpu ? threads.getCurrentThreadCpuTime() : System.nanoTime();
    int batches = 0;
    for (int e = 0; e < 25; e++) {
      Batches b = d.batches(128, true, 100 + e);
      while (b.hasNext()) {
        b.next();
        batches++;
      }
    }
    double msPerBatch = ((cpu ? threads.getCurrentThreadCpuTime() : System.nanoTime()) - start) / 1e6 / batches;
    assertTrue(msPerBatch < 5, msPerBatch + " ms " + (cpu ? "of CPU time" : "of wall time") + " per 128x784 batch");
  }

  /** MNIST-like probabilities without loading MNIST: 80% zeros, the rest spread over (0,1]. */
  static final class Mnist128 {
    static Dataset batchOfProbabilities(int rows) {
      java.util.SplittableRandom r = new java.util.SplittableRandom(0);
      float[] p = new float[rows * 784];
      for (int i = 0; i < p.length; i++) {
        p[i] = r.nextInt(5) == 0 ? (1 + r.nextInt(255)) / 255f : 0f;
      }
      return Dataset.of("x", p, 784);
    }
  }
}
