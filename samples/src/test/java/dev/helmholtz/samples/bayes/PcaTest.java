package dev.helmholtz.samples.bayes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** PCA on data with known principal axes. */
class PcaTest {
  @Test
  void findsTheAxesOfAnAxisAlignedGaussianInOrderOfVariance() {
    // Columns with sds 3, 1, 2, 0.5 (rotated by a permutation only): components are the axes.
    double[] sds = {3, 1, 2, 0.5};
    SplittableRandom random = new SplittableRandom(1);
    float[][] rows = new float[5000][4];
    for (float[] row : rows) {
      for (int j = 0; j < 4; j++) {
        row[j] = (float) (10 + sds[j] * Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
            * Math.cos(2 * Math.PI * random.nextDouble()));
      }
    }
    Pca pca = Pca.fit(rows, 2, 7);
    assertEquals(9, pca.variances()[0], 0.5);
    assertEquals(4, pca.variances()[1], 0.25);
    // The projection is standardized: unit variance along each component.
    double sum = 0;
    double squares = 0;
    for (float[] row : rows) {
      float p = pca.project(row)[0];
      sum += p;
      squares += p * p;
    }
    assertEquals(0, sum / rows.length, 1e-3);
    assertEquals(1, squares / (rows.length - 1), 1e-3);
    // A point moved along column 0 only moves along component 0 (by 1 / sd).
    float[] a = {10, 10, 10, 10};
    float[] b = {13, 10, 10, 10};
    assertEquals(1, Math.abs(pca.project(b)[0] - pca.project(a)[0]), 0.02);
    assertEquals(0, pca.project(b)[1] - pca.project(a)[1], 0.03);
  }

  @Test
  void badInputIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Pca.fit(new float[][] {{1, 2}, {1}}, 1, 0));
    assertEquals("row 1 has 1 values, row 0 has 2", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Pca.fit(new float[][] {{1, 2}, {3, 4}}, 3, 0));
  }
}
