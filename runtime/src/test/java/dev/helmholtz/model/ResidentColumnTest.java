package dev.helmholtz.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Resident rows come back as uploaded, or binarized with the right probabilities, independently. */
class ResidentColumnTest {
  private static final float[] P = {0f, 0.25f, 0.7f, 1f, 0.5f, 0.5f};
  private static final int WIDTH = P.length;
  private static final int ROWS = 50;

  /** {@code batches} batches of all ROWS rows, flattened, binarized or not. */
  private static float[] draw(boolean binarize, int batches) {
    float[] data = new float[ROWS * WIDTH];
    for (int i = 0; i < data.length; i++) {
      data[i] = P[i % WIDTH];
    }
    int[] indices = new int[ROWS];
    for (int i = 0; i < ROWS; i++) {
      indices[i] = ROWS - 1 - i;
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TInt32> rows = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE)));
      ResidentColumn column = ResidentColumn.build(tf, new RandomSource(tf, Seed.of(4)), rows, WIDTH);
      float[] out = new float[batches * ROWS * WIDTH];
      try (Session s = new Session(g);
          TFloat32 upload = TFloat32.tensorOf(Shape.of(ROWS, WIDTH), DataBuffers.of(data, true, false));
          TInt32 index = TInt32.vectorOf(indices);
          TBool flag = TBool.scalarOf(binarize)) {
        s.runner().feed(column.upload(), upload).addTarget(column.assign()).run().close();
        for (int b = 0; b < batches; b++) {
          try (Result r = s.runner().feed(rows, index).feed(column.binarize(), flag).fetch(column.batch()).run()) {
            float[] batch = new float[ROWS * WIDTH];
            ((TFloat32) r.get(0)).copyTo(DataBuffers.of(batch, false, false));
            System.arraycopy(batch, 0, out, b * batch.length, batch.length);
          }
        }
      }
      return out;
    }
  }

  /** Two observed columns in one graph keep their own data (a shared resource variable would not). */
  @Test
  void columnsOfOneGraphAreSeparateVariables() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource random = new RandomSource(tf, Seed.of(5));
      Placeholder<TInt32> rows = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE)));
      ResidentColumn x = ResidentColumn.build(tf, random, rows, 2);
      ResidentColumn y = ResidentColumn.build(tf, random, rows, 3);
      try (Session s = new Session(g);
          TFloat32 xs = TFloat32.tensorOf(Shape.of(2, 2), DataBuffers.of(new float[] {1, 2, 3, 4}, true, false));
          TFloat32 ys = TFloat32.tensorOf(Shape.of(2, 3), DataBuffers.of(new float[] {5, 6, 7, 8, 9, 10}, true, false));
          TInt32 index = TInt32.vectorOf(1, 0);
          TBool no = TBool.scalarOf(false)) {
        s.runner().feed(x.upload(), xs).addTarget(x.assign()).feed(y.upload(), ys).addTarget(y.assign()).run().close();
        try (Result r = s.runner().feed(rows, index).feed(x.binarize(), no).feed(y.binarize(), no)
            .fetch(x.batch()).fetch(y.batch()).run()) {
          float[] gotX = new float[4];
          float[] gotY = new float[6];
          ((TFloat32) r.get(0)).copyTo(DataBuffers.of(gotX, false, false));
          ((TFloat32) r.get(1)).copyTo(DataBuffers.of(gotY, false, false));
          assertArrayEquals(new float[] {3, 4, 1, 2}, gotX);
          assertArrayEquals(new float[] {8, 9, 10, 5, 6, 7}, gotY);
        }
      }
    }
  }

  @Test
  void notBinarizedIsTheUploadedRows() {
    float[] out = draw(false, 2);
    float[] expected = new float[out.length];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = P[i % WIDTH];
    }
    assertArrayEquals(expected, out);
  }

  @Test
  void binarizedElementsAreBernoulliAndIndependent() {
    int batches = 400; // 20,000 rows
    float[] out = draw(true, batches);
    int n = batches * ROWS;
    long[] ones = new long[WIDTH];
    long bothOnes = 0;
    for (int row = 0; row < n; row++) {
      for (int j = 0; j < WIDTH; j++) {
        float v = out[row * WIDTH + j];
        assertTrue(v == 0f || v == 1f, "not binary: " + v);
        ones[j] += (long) v;
      }
      bothOnes += (long) (out[row * WIDTH + 4] * out[row * WIDTH + 5]);
    }
    assertEquals(0, ones[0], "p = 0 gives 0");
    assertEquals(n, ones[3], "p = 1 gives 1");
    double[] mean = new double[WIDTH];
    for (int j = 0; j < WIDTH; j++) {
      mean[j] = (double) ones[j] / n;
    }
    double both = (double) bothOnes / n;
    for (int j : new int[] {1, 2, 4, 5}) {
      // Five standard errors: sqrt(p (1 - p) / n) is at most 0.0036.
      assertEquals(P[j], mean[j], 0.018, "column " + j);
    }
    // Two columns of p = 1/2: independent draws give P(both) = 1/4, a correlation of 0.
    double correlation = (both - mean[4] * mean[5]) / Math.sqrt(mean[4] * (1 - mean[4]) * mean[5] * (1 - mean[5]));
    assertEquals(0, correlation, 0.04, "correlation of two elements of a row");
  }
}
