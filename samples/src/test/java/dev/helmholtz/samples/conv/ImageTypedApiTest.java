package dev.helmholtz.samples.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.EventArrays;
import dev.helmholtz.graph.Seed;
import org.junit.jupiter.api.Test;

/**
 * The generated typed API of image-shaped nodes: {@code sample}, {@code reconstruct}, {@code
 * encode} and {@code discriminate} take and give arrays of the event's shape, and the flat-row
 * overloads give the same numbers at the row-major positions (pixel (r, c) of a 2 x 2 image is
 * value 2r + c of its row). The images are not symmetric under transposition, so a column-major
 * slip would show.
 */
class ImageTypedApiTest {
  private static final float[][] ROWS = {{1, 1, 0, 0}, {0, 1, 0, 0}, {1, 0, 1, 1}};

  private static float[][][][] images(float[][] rows) {
    float[][][][] images = new float[rows.length][2][2][1];
    for (int i = 0; i < rows.length; i++) {
      for (int r = 0; r < 2; r++) {
        for (int c = 0; c < 2; c++) {
          images[i][r][c][0] = rows[i][2 * r + c];
        }
      }
    }
    return images;
  }

  private static void assertSameAtRowMajorPositions(float[][] flat, float[][][][] shaped) {
    assertEquals(flat.length, shaped.length);
    for (int i = 0; i < flat.length; i++) {
      assertEquals(2, shaped[i].length);
      for (int r = 0; r < 2; r++) {
        assertEquals(2, shaped[i][r].length);
        for (int c = 0; c < 2; c++) {
          assertEquals(1, shaped[i][r][c].length);
          assertEquals(flat[i][2 * r + c], shaped[i][r][c][0], 0f, "example " + i + " pixel (" + r + ", " + c + ")");
        }
      }
    }
  }

  @Test
  void aVaeTakesAndGivesImagesInTheirShapeAndAgreesWithItsFlatRows() {
    try (TinyImageVaeModel vae = TinyImageVaeModel.create(Seed.of(3))) {
      float[][][][] samples = vae.sample(5);
      assertEquals(5, samples.length);
      assertSameAtRowMajorPositions(EventArrays.flatten(samples, 2, 2, 1), samples);

      float[][] flat = vae.reconstruct(ROWS);
      assertSameAtRowMajorPositions(flat, vae.reconstruct(images(ROWS)));
      // The reconstruction's pixels differ, so the comparison above would see them swapped.
      assertNotEquals(flat[0][1], flat[0][2]);

      float[][] codes = vae.encode(ROWS);
      assertEquals(4, codes[0].length);
      assertSameAtRowMajorPositions(codes, vae.encode(images(ROWS)));

      IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
          () -> vae.reconstruct(new float[1][2][3][1]));
      assertTrue(wrong.getMessage().contains("[2, 2, 1]"), wrong.getMessage());
    }
  }

  @Test
  void aGanSamplesImagesInTheirShapeAndDiscriminatesEitherLayout() {
    try (TinyImageGanModel gan = TinyImageGanModel.create(Seed.of(4))) {
      float[][][][] samples = gan.sample(4);
      assertEquals(4, samples.length);
      float[][] flat = EventArrays.flatten(samples, 2, 2, 1);
      assertSameAtRowMajorPositions(flat, samples);
      assertArrayEquals(gan.discriminate(flat), gan.discriminate(samples), 0f);
      assertArrayEquals(gan.discriminate(ROWS), gan.discriminate(images(ROWS)), 0f);
    }
  }
}
