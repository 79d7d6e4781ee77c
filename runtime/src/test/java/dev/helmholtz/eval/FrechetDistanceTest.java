package dev.helmholtz.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {
  @Test
  void diagonalGaussiansHaveTheClosedForm() {
    double[] m1 = {0, 1, -2};
    double[] m2 = {1, 1, 0};
    double[][] s1 = {{4, 0, 0}, {0, 1, 0}, {0, 0, 9}};
    double[][] s2 = {{1, 0, 0}, {0, 1, 0}, {0, 0, 0.25}};
    // |m1 - m2|^2 + sum (sqrt a - sqrt b)^2 = 5 + (1 + 0 + 6.25)
    assertEquals(12.25, FrechetDistance.of(m1, s1, m2, s2), 1e-9);
  }

  @Test
  void aRotatedGaussianMatchesTheTraceFormula() {
    // S1 = diag(4, 1); S2 = R S1 R^T for a 90-degree rotation = diag(1, 4): S1 S2 = diag(4, 4),
    // so tr((S1 S2)^(1/2)) = 4 and the distance is 5 + 5 - 8 = 2.
    double[][] s1 = {{4, 0}, {0, 1}};
    double[][] s2 = {{1, 0}, {0, 4}};
    double[] m = {0, 0};
    assertEquals(2, FrechetDistance.of(m, s1, m, s2), 1e-9);
    // A non-diagonal S1 against itself: distance 0, which needs the square root to be exact.
    double[][] s3 = {{2, 0.9, 0.3}, {0.9, 1.5, -0.4}, {0.3, -0.4, 1}};
    double[] m3 = {1, 2, 3};
    assertEquals(0, FrechetDistance.of(m3, s3, m3, s3), 1e-9);
  }

  @Test
  void samplesFromOneGaussianAreCloseAndShiftedOnesAreNot() {
    Random random = new Random(3);
    float[][] a = new float[5000][4];
    float[][] b = new float[5000][4];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < 4; j++) {
        a[i][j] = (float) random.nextGaussian();
        b[i][j] = (float) (random.nextGaussian() + (j == 0 ? 3 : 0));
      }
    }
    assertEquals(0, FrechetDistance.between(a, a), 1e-6);
    assertEquals(9, FrechetDistance.between(a, b), 0.3);
  }

  @Test
  void rejectsMismatchedFeatures() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FrechetDistance.between(new float[3][2], new float[3][5]));
    assertEquals("features of different widths: 2 and 5", e.getMessage());
  }
}
