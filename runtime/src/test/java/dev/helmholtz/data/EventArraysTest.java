package dev.helmholtz.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Flat rows and arrays of an event's shape, row-major: value (a, b, c) of a [2, 3, 2] event is (a * 3 + b) * 2 + c. */
class EventArraysTest {
  private static float[][] rows(int n) {
    float[][] rows = new float[n][12];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 12; j++) {
        rows[i][j] = 100 * i + j;
      }
    }
    return rows;
  }

  @Test
  void unflattenPutsEachValueAtItsRowMajorIndexAndFlattenUndoesIt() {
    float[][] rows = rows(3);
    float[][][][] events = EventArrays.unflatten(rows, float[][][][].class, 2, 3, 2);
    assertEquals(3, events.length);
    for (int i = 0; i < 3; i++) {
      assertEquals(2, events[i].length);
      for (int a = 0; a < 2; a++) {
        assertEquals(3, events[i][a].length);
        for (int b = 0; b < 3; b++) {
          assertEquals(2, events[i][a][b].length);
          for (int c = 0; c < 2; c++) {
            assertEquals(100 * i + (a * 3 + b) * 2 + c, events[i][a][b][c], 0f);
          }
        }
      }
    }
    float[][] back = EventArrays.flatten(events, 2, 3, 2);
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(rows[i], back[i], 0f);
    }
    // A rank-1 event is its row.
    assertArrayEquals(rows[1], EventArrays.unflatten(rows, float[][].class, 12)[1], 0f);
  }

  @Test
  void shapesThatDoNotMatchAreRefusedWithWhereTheyDiffer() {
    IllegalArgumentException rowLength = assertThrows(IllegalArgumentException.class,
        () -> EventArrays.unflatten(new float[][] {new float[12], new float[11]}, float[][][][].class, 2, 3, 2));
    assertTrue(rowLength.getMessage().contains("row 1 has 11 values"), rowLength.getMessage());
    IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
        () -> EventArrays.unflatten(rows(1), float[][][].class, 2, 3, 2));
    assertTrue(rank.getMessage().contains("need 4"), rank.getMessage());

    float[][][][] jagged = EventArrays.unflatten(rows(2), float[][][][].class, 2, 3, 2);
    jagged[1][0][2] = new float[3];
    IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
        () -> EventArrays.flatten(jagged, 2, 3, 2));
    assertTrue(length.getMessage().contains("events[1][0][2] has length 3"), length.getMessage());
    IllegalArgumentException notFloats = assertThrows(IllegalArgumentException.class,
        () -> EventArrays.flatten(new double[1][2][3][2], 2, 3, 2));
    assertTrue(notFloats.getMessage().contains("double[][][][]"), notFloats.getMessage());
  }
}
