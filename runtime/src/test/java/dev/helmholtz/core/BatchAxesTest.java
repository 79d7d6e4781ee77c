package dev.helmholtz.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Categorical;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/** A distribution of no batch axes gets one per row; one with rows, or a standard prior, is left alone. */
class BatchAxesTest {

  @Test
  void aLearnedPriorOfOneRowOrNoneDrawsOnePerRow() {
    for (long[] parameterShape : new long[][] {{3}, {1, 3}, {}}) {
      try (Graph g = new Graph(); Session s = new Session(g)) {
        Ops tf = Ops.create(g);
        Operand<TFloat32> mean = tf.fill(tf.constant(parameterShape), tf.constant(2f));
        Normal prior = Normal.meanLogStd(mean, tf.zerosLike(mean));
        Operand<TInt32> rows = tf.stack(List.of(tf.constant(4), tf.constant(3)));
        Normal perRow = BatchAxes.broadcast(tf, prior, rows, 2);
        assertNotSame(prior, perRow);
        var fetched = TfTesting.fetch(s, perRow.sample(new RandomSource(tf, Seed.of(1))), perRow.mean(),
            perRow.logProb(tf.fill(tf.constant(new long[] {4, 3}), tf.constant(2f))));
        assertArrayEquals(new long[] {4, 3}, fetched.get(0).shape(), "draw of " + Shape.of(parameterShape));
        assertArrayEquals(new long[] {4, 3}, fetched.get(1).shape());
        float[] draws = fetched.get(0).values();
        for (int row = 1; row < 4; row++) {
          assertTrue(draws[3 * row] != draws[0], "row " + row + " repeats row 0's draw");
        }
        float[] logProb = fetched.get(2).values();
        assertEquals(4, logProb.length);
        for (float value : logProb) {
          assertEquals(-1.5 * Math.log(2 * Math.PI), value, 1e-5); // at the mean, unit variance, 3 dimensions
        }
      }
    }
  }

  @Test
  void aDistributionWithRowsIsLeftAsItIs() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
      Operand<TInt32> shape = tf.shape(x);
      // parameters per row, with a scalar beside them
      Normal perExample = Normal.meanScale(x, tf.constant(0.5f));
      assertSame(perExample, BatchAxes.broadcast(tf, perExample, shape, 2));
      // standard priors built on the value's shape keep their simpler closed forms
      Operand<TInt64> valueShape = tf.shape(x, TInt64.class);
      Normal standard = Normal.standard(tf, valueShape);
      assertSame(standard, BatchAxes.broadcast(tf, standard, shape, 2));
      Bernoulli uniform = Bernoulli.uniform(tf, valueShape);
      assertSame(uniform, BatchAxes.broadcast(tf, uniform, shape, 2));
      Categorical categorical = Categorical.uniform(tf, valueShape, 3);
      assertSame(categorical, BatchAxes.broadcast(tf, categorical, shape, 2));
      // with a sample axis: [k, B, width] parameters are left alone, [B, width] ones too (they broadcast)
      Placeholder<TFloat32> sampled = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, 3)));
      Normal unfolded = Normal.meanScale(sampled, tf.constant(1f));
      assertSame(unfolded, BatchAxes.broadcast(tf, unfolded, tf.shape(sampled), 3));
      assertTrue(BatchAxes.lacksBatchAxes(Normal.meanScale(tf.constant(new float[][] {{1f, 2f, 3f}}),
          tf.constant(1f)), 3));
    }
  }

  @Test
  void rowsOfTheWrongCountAreAnErrorNotZeros() {
    try (TFloat32 oneRow = TFloat32.tensorOf(Shape.of(1, 3))) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> BatchRuns.rows(oneRow, 8, 3));
      assertEquals("expected 8 rows of width 3, but the graph gave 1 rows of width 3", e.getMessage());
    }
    try (TFloat32 flat = TFloat32.tensorOf(Shape.of(24))) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> BatchRuns.rows(flat, 8, 3));
      assertEquals("expected 8 rows of width 3, but the graph gave shape [24]", e.getMessage());
    }
  }
}
