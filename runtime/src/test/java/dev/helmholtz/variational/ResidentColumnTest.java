package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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

/** Resident columns hold their own data. */
class ResidentColumnTest {
  /** Two observed columns in one graph keep their own data (a shared resource variable would not). */
  @Test
  void columnsOfOneGraphAreSeparateVariables() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      RandomSource random = new RandomSource(tf, Seed.of(5));
      Placeholder<TInt32> rows = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE)));
      ResidentColumn x = ResidentColumn.build(tf, 2);
      ResidentColumn y = ResidentColumn.build(tf, 3);
      var xRows = x.rows(tf, random, rows);
      var yRows = y.rows(tf, random, rows);
      try (Session s = new Session(g);
          TFloat32 xs = TFloat32.tensorOf(Shape.of(2, 2), DataBuffers.of(new float[] {1, 2, 3, 4}, true, false));
          TFloat32 ys = TFloat32.tensorOf(Shape.of(2, 3), DataBuffers.of(new float[] {5, 6, 7, 8, 9, 10}, true, false));
          TInt32 index = TInt32.vectorOf(1, 0);
          TBool no = TBool.scalarOf(false)) {
        s.runner().feed(x.upload(), xs).addTarget(x.assign()).feed(y.upload(), ys).addTarget(y.assign()).run().close();
        try (Result r = s.runner().feed(rows, index).feed(x.binarize(), no).feed(y.binarize(), no)
            .fetch(xRows).fetch(yRows).run()) {
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
}
