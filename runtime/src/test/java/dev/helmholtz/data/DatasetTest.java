package dev.helmholtz.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetTest {
  private static void assertContains(String haystack, String... needles) {
    for (String needle : needles) {
      assertTrue(haystack.contains(needle), () -> "expected '" + needle + "' in: " + haystack);
    }
  }

  private static float[][] rows(int n, int width) {
    float[][] r = new float[n][width];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < width; j++) {
        r[i][j] = i * 100 + j;
      }
    }
    return r;
  }

  @Test
  void ofRowsFlattensRowMajor() {
    Dataset d = Dataset.of("x", rows(3, 4));
    assertEquals(3, d.size());
    assertEquals(List.of("x"), d.columns());
    assertTrue(d.has("x"));
    assertFalse(d.has("y"));
    assertArrayEquals(new int[] {4}, d.eventShape("x"));
    assertEquals(4, d.width("x"));
    assertArrayEquals(new float[] {0, 1, 2, 3, 100, 101, 102, 103, 200, 201, 202, 203},
        d.flat("x"));
    assertFalse(d.isDynamicallyBinarized("x"));
  }

  @Test
  void raggedRowsNameTheColumnAndRow() {
    float[][] r = rows(4, 5);
    r[2] = new float[3];
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Dataset.of("pixels", r));
    assertContains(e.getMessage(), "column 'pixels'", "row 2", "length 3", "expected 5");
    r[2] = null;
    IllegalArgumentException n =
        assertThrows(IllegalArgumentException.class, () -> Dataset.of("pixels", r));
    assertContains(n.getMessage(), "row 2", "null");
    assertThrows(IllegalArgumentException.class, () -> Dataset.of("x", new float[0][]));
    assertThrows(IllegalArgumentException.class, () -> Dataset.of("", rows(1, 1)));
  }

  @Test
  void ofFlatKeepsTheArrayAndShape() {
    float[] flat = new float[24];
    Dataset d = Dataset.of("img", flat, 2, 3, 2);
    assertEquals(2, d.size());
    assertArrayEquals(new int[] {2, 3, 2}, d.eventShape("img"));
    assertEquals(12, d.width("img"));
    assertSame(flat, d.flat("img"), "not copied");
    d.eventShape("img")[0] = 99;
    assertArrayEquals(new int[] {2, 3, 2}, d.eventShape("img"), "shape is copied out");
    Dataset scalars = Dataset.of("y", new float[] {1, 2, 3});
    assertEquals(3, scalars.size());
    assertArrayEquals(new int[0], scalars.eventShape("y"));
    assertEquals(1, scalars.width("y"));
  }

  @Test
  void ofFlatRejectsBadShapes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Dataset.of("x", new float[10], 3));
    assertContains(e.getMessage(), "column 'x'", "10 floats", "[3]");
    assertThrows(IllegalArgumentException.class, () -> Dataset.of("x", new float[10], 0, 2));
    assertThrows(IllegalArgumentException.class, () -> Dataset.of("x", new float[10], -1));
  }

  @Test
  void withAddsOrReplacesAColumnOfTheSameLength() {
    Dataset d = Dataset.of("x", rows(3, 4)).with("y", rows(3, 2));
    assertEquals(List.of("x", "y"), d.columns());
    assertEquals(2, d.width("y"));
    Dataset replaced = d.with("x", rows(3, 1));
    assertEquals(List.of("x", "y"), replaced.columns());
    assertEquals(1, replaced.width("x"));
    assertEquals(4, d.width("x"), "the original is unchanged");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> d.with("z", rows(4, 2)));
    assertContains(e.getMessage(), "column 'z' has 4 rows but the dataset has 3");
    Dataset labels = d.with("label", new float[] {1, 2, 3});
    assertEquals(1, labels.width("label"));
  }

  @Test
  void unknownColumnIsNamed() {
    Dataset d = Dataset.of("x", rows(2, 2));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> d.width("images"));
    assertContains(e.getMessage(), "no column 'images'", "[x]");
    assertThrows(IllegalArgumentException.class, () -> d.batches(2, false, 0, "images"));
  }

  @Test
  void columnsListIsImmutable() {
    Dataset d = Dataset.of("x", rows(2, 2));
    assertThrows(UnsupportedOperationException.class, () -> d.columns().add("y"));
  }

  @Test
  void sliceAndTake() {
    Dataset d = Dataset.of("x", rows(5, 2)).with("y", new float[] {0f, .1f, .2f, .3f, .4f})
        .dynamicallyBinarized("y");
    Dataset s = d.slice(1, 3);
    assertEquals(2, s.size());
    assertArrayEquals(new float[] {100, 101, 200, 201}, s.flat("x"));
    assertArrayEquals(new float[] {.1f, .2f}, s.flat("y"));
    assertTrue(s.isDynamicallyBinarized("y"), "marks are kept");
    assertEquals(0, d.slice(2, 2).size());
    assertEquals(2, d.take(2).size());
    assertArrayEquals(new float[] {0, 1, 100, 101}, d.take(2).flat("x"));
    assertSame(d, d.take(5));
    assertEquals(5, d.take(1000).size());
    assertThrows(IndexOutOfBoundsException.class, () -> d.slice(3, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> d.slice(0, 6));
    assertThrows(IllegalArgumentException.class, () -> d.take(-1));
  }

  @Test
  void binarizationNeedsProbabilities() {
    float[] flat = {0f, 0.5f, 1f, 1.5f};
    Dataset d = Dataset.of("x", flat, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> d.dynamicallyBinarized("x"));
    assertContains(e.getMessage(), "column 'x'", "[0,1]", "1.5", "row 1, element 1");
    assertThrows(IllegalArgumentException.class, () -> d.binarized("x", 1));
    flat[3] = Float.NaN;
    assertThrows(IllegalArgumentException.class, () -> d.dynamicallyBinarized("x"));
    flat[3] = -0.0f;
    assertTrue(d.dynamicallyBinarized("x").isDynamicallyBinarized("x"));
    assertFalse(d.isDynamicallyBinarized("x"), "the original is unchanged");
  }

  @Test
  void fixedBinarizationIsRepeatableAndHasTheRightMean() {
    int n = 2000;
    int w = 50;
    float[] p = new float[n * w];
    for (int i = 0; i < p.length; i++) {
      p[i] = (i % w) / (float) (w - 1); // column j has probability j/49
    }
    Dataset d = Dataset.of("x", p, w);
    Dataset a = d.binarized("x", 42);
    Dataset b = d.binarized("x", 42);
    Dataset c = d.binarized("x", 43);
    assertArrayEquals(a.flat("x"), b.flat("x"), "same seed, same draw");
    assertFalse(java.util.Arrays.equals(a.flat("x"), c.flat("x")), "another seed, another draw");
    assertFalse(a.isDynamicallyBinarized("x"));
    assertArrayEquals(new int[] {50}, a.eventShape("x"));
    assertSame(p, d.flat("x"));
    assertEquals(24 / 49f, p[24], "the probabilities are untouched");
    double[] mean = new double[w];
    for (int i = 0; i < p.length; i++) {
      float v = a.flat("x")[i];
      assertTrue(v == 0f || v == 1f);
      mean[i % w] += v;
    }
    for (int j = 0; j < w; j++) {
      mean[j] /= n;
    }
    for (int j = 0; j < w; j++) {
      double q = j / (double) (w - 1);
      double sd = Math.sqrt(q * (1 - q) / n);
      assertEquals(q, mean[j], 5 * sd + 1e-9, "column " + j);
    }
    assertEquals(0.0, mean[0]);
    assertEquals(1.0, mean[w - 1]);
  }

  @Test
  void toStringShowsColumns() {
    Dataset d = Dataset.of("x", new float[6], 3).dynamicallyBinarized("x").with("y", rows(2, 1));
    assertEquals("Dataset[2 rows: x [3] (dynamically binarized), y [1]]", d.toString());
    assertNotEquals(d, Dataset.of("x", rows(2, 3)));
  }
}
