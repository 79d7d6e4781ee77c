package dev.helmholtz.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeedTest {

  @Test
  void valueObject() {
    assertEquals(42L, Seed.of(42).value());
    assertEquals(Seed.of(42), Seed.of(42));
    assertEquals(Seed.of(42).hashCode(), Seed.of(42).hashCode());
    assertNotEquals(Seed.of(42), Seed.of(43));
    assertTrue(Seed.of(-7).toString().contains("-7"));
  }

  @Test
  void deriveIsDeterministicAndSeparatesPurposes() {
    Seed s = Seed.of(1234);
    assertEquals(s.derive("shuffle"), Seed.of(1234).derive("shuffle"));
    assertNotEquals(s.derive("shuffle"), s.derive("binarize"));
    assertNotEquals(s.derive("shuffle"), Seed.of(1235).derive("shuffle"));
    assertNotEquals(s, s.derive("shuffle"));
    assertNotEquals(s.derive("a").derive("b"), s.derive("b").derive("a"));
  }

  @Test
  void deriveIsStableAcrossRuns() {
    // Pinned values: derived seeds must not change between releases or JVMs (data shuffles and
    // initializations of saved experiments depend on them).
    assertEquals(-6200482180098300181L, Seed.of(0).derive("graph").value());
    assertEquals(6239045892108985495L, Seed.of(42).derive(new String("shuffle")).value());
  }

  @Test
  void derivedSeedsOfNearbyValuesDoNotCollide() {
    Set<Long> values = new HashSet<>();
    for (long v = 0; v < 2000; v++) {
      values.add(Seed.of(v).derive("x").value());
      values.add(Seed.of(v).derive("y").value());
    }
    assertEquals(4000, values.size());
  }
}
