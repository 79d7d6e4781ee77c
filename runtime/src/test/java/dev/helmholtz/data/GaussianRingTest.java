package dev.helmholtz.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GaussianRingTest {
  @Test
  void drawsFromTheRingCoverEveryModeWithHighQuality() {
    GaussianRing ring = GaussianRing.eight();
    GaussianRing.Coverage c = ring.coverage(ring.sample(4000, 1));
    assertEquals(8, c.modesCovered());
    // Within 3 std in 2-D: 1 - exp(-9/2) = 0.9889.
    assertEquals(1 - Math.exp(-4.5), c.highQuality(), 0.01);
    assertEquals(4000 * c.highQuality(), Arrays.stream(c.perMode()).sum(), 1e-9);
  }

  @Test
  void collapsedSamplesCoverOneMode() {
    GaussianRing ring = GaussianRing.eight();
    float[][] collapsed = new float[100][];
    for (int i = 0; i < collapsed.length; i++) {
      collapsed[i] = i < 90 ? new float[] {2f, 0.01f} : new float[] {0f, 0f};
    }
    GaussianRing.Coverage c = ring.coverage(collapsed);
    assertEquals(1, c.modesCovered());
    assertEquals(0.9, c.highQuality(), 1e-9);
    assertEquals(90, c.perMode()[0]);
  }

  @Test
  void rejectsBadRings() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GaussianRing(8, 2, 0));
    assertTrue(e.getMessage().contains("std = 0.0"), e.getMessage());
  }
}
