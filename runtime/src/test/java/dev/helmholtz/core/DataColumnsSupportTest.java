package dev.helmholtz.core;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Support;
import org.junit.jupiter.api.Test;

/** The support check remembers what passed, and only that. */
class DataColumnsSupportTest {

  @Test
  void aColumnThatPassedOnceIsNotScannedAgainForTheSameSupport() {
    float[] values = {0f, 1f, 0.5f, 1f};
    Dataset data = Dataset.of("x", values, 2);
    DataColumns.requireSupport("M", data, "x", "Bernoulli", Support.UNIT_INTERVAL);
    // Past the documented contract (a Dataset is immutable): shows the second call does not scan.
    values[2] = 7f;
    assertDoesNotThrow(() -> DataColumns.requireSupport("M", data, "x", "Bernoulli", Support.UNIT_INTERVAL));
  }

  @Test
  void anotherSupportOrAnotherArrayIsStillChecked() {
    float[] values = {0f, 1f, 0.5f, 1f};
    Dataset data = Dataset.of("x", values, 2);
    DataColumns.requireSupport("M", data, "x", "Bernoulli", Support.UNIT_INTERVAL);
    IllegalArgumentException binary = assertThrows(IllegalArgumentException.class,
        () -> DataColumns.requireSupport("M", data, "x", "Categorical", Support.BINARY));
    assertTrue(binary.getMessage().contains("holds 0.5 at row 1, position 0"), binary.getMessage());

    Dataset equalButNew = Dataset.of("x", new float[] {0f, 1f, 3f, 1f}, 2);
    IllegalArgumentException fresh = assertThrows(IllegalArgumentException.class,
        () -> DataColumns.requireSupport("M", equalButNew, "x", "Bernoulli", Support.UNIT_INTERVAL));
    assertTrue(fresh.getMessage().contains("holds 3.0 at row 1, position 0"), fresh.getMessage());
  }

  @Test
  void aFailedCheckIsNotRemembered() {
    Dataset data = Dataset.of("x", new float[] {0f, 2f}, 2);
    assertThrows(IllegalArgumentException.class,
        () -> DataColumns.requireSupport("M", data, "x", "Bernoulli", Support.UNIT_INTERVAL));
    assertThrows(IllegalArgumentException.class,
        () -> DataColumns.requireSupport("M", data, "x", "Bernoulli", Support.UNIT_INTERVAL));
  }
}
