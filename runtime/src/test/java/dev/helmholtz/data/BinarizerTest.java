package dev.helmholtz.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BinarizerTest {
  /** The uniforms binarize() draws from state, in order: two 24-bit ones per 64-bit output. */
  private static float[] uniforms(long state, int n) {
    float[] u = new float[n];
    for (int j = 0; j < n; j += 2) {
      state += Binarizer.GOLDEN_GAMMA;
      long r = Binarizer.mix64(state);
      u[j] = (r >>> 40) / 16777216f;
      if (j + 1 < n) {
        u[j + 1] = ((r >>> 8) & 0xFFFFFF) / 16777216f;
      }
    }
    return u;
  }

  @Test
  void branchFreeCompareMatchesULessThanP() {
    float[] special = {0f, -0f, 1f, Float.MIN_VALUE, Float.MIN_NORMAL, 0x1.0p-24f, 0x1.0p-25f,
        Math.nextDown(1f), 0.5f, Math.nextUp(0.5f), Math.nextDown(0.5f)};
    SplittableRandom random = new SplittableRandom(3);
    int n = 100_001; // odd: the tail element takes a fresh output too
    float[] p = new float[n];
    for (int i = 0; i < n; i++) {
      p[i] = i < 5000 ? special[i % special.length] : random.nextFloat();
    }
    float[] x = new float[n];
    long state = 12345;
    long end = Binarizer.binarize(p, 0, x, 0, n, state);
    float[] u = uniforms(state, n);
    for (int i = 0; i < n; i++) {
      assertEquals(u[i] < p[i] ? 1f : 0f, x[i], "p = " + p[i] + ", u = " + u[i]);
    }
    assertEquals(state + (n + 1) / 2 * Binarizer.GOLDEN_GAMMA, end, "one output per two draws");
  }

  @Test
  void offsetsAreRespected() {
    float[] p = {9, 9, 1, 1, 0, 9};
    float[] x = {7, 7, 7, 7, 7};
    Binarizer.binarize(p, 2, x, 1, 3, 0);
    assertEquals(7f, x[0]);
    assertEquals(1f, x[1]);
    assertEquals(1f, x[2]);
    assertEquals(0f, x[3]);
    assertEquals(7f, x[4]);
  }
}
