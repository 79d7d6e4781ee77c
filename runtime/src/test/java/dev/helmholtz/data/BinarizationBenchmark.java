package dev.helmholtz.data;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Measures the cost of one dynamically binarized 128x784 MNIST batch (gather of shuffled rows
 * plus a fresh Bernoulli draw per element), against a plain copy of the same batch.
 *
 * <p>Times are the benchmark thread's CPU time (not wall time), so that other processes on a
 * busy machine inflate them less.
 *
 * <p>Not a unit test (timings are not asserted); run it from the test classpath:
 * {@code java -cp runtime/target/classes:runtime/target/test-classes
 * dev.helmholtz.data.BinarizationBenchmark}
 */
public final class BinarizationBenchmark {
  private BinarizationBenchmark() {}

  public static void main(String[] args) throws IOException {
    Dataset plain = Mnist.loadDefault().train().dataset("x");
    Dataset binarized = plain.dynamicallyBinarized("x");
    for (int round = 0; round < 8; round++) {
      double copy = perBatch(plain, round);
      double draw = perBatch(binarized, round);
      System.out.printf("round %d: copy %.1f us/batch, copy+binarize %.1f us/batch,"
          + " binarization alone ~%.1f us/batch%n", round, copy * 1e3, draw * 1e3,
          (draw - copy) * 1e3);
    }
  }

  /** CPU milliseconds per 128-row batch over three shuffled epochs of 60,000 rows. */
  private static double perBatch(Dataset d, int round) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long start = threads.getCurrentThreadCpuTime();
    int batches = 0;
    float sink = 0;
    for (int epoch = 0; epoch < 3; epoch++) {
      Batches b = d.batches(128, true, round * 10L + epoch, "x");
      while (b.hasNext()) {
        Batch batch = b.next();
        sink += batch.column("x")[batch.size() * 784 - 1];
        batches++;
      }
    }
    double ms = (threads.getCurrentThreadCpuTime() - start) / 1e6 / batches;
    if (sink < 0) {
      System.out.println(sink);
    }
    return ms;
  }
}
