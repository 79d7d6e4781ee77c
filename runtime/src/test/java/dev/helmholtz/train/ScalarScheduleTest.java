package dev.helmholtz.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScalarScheduleTest {
  @Test
  void valuesFollowTheirFormulas() {
    assertEquals(0.5, ScalarSchedule.constant(0.5).value(123, 4));
    ScalarSchedule warmUp = ScalarSchedule.linear(0, 1, 100);
    assertEquals(0, warmUp.value(0, 1));
    assertEquals(0.25, warmUp.value(25, 1), 1e-12);
    assertEquals(1, warmUp.value(100, 2));
    assertEquals(1, warmUp.value(10_000, 9), "holds the end value");
    // Jang et al.: max(0.5, exp(-r t)), t updated every 500 steps
    ScalarSchedule jang = ScalarSchedule.exponentialDecay(1, 1e-4, 500, 0.5);
    assertEquals(1, jang.value(0, 1));
    assertEquals(1, jang.value(499, 1), "t is held between updates");
    assertEquals(Math.exp(-0.05), jang.value(500, 1), 1e-12);
    assertEquals(Math.exp(-0.1), jang.value(1499, 1), 1e-12);
    assertEquals(0.5, jang.value(1_000_000, 50), "the floor");
  }

  @Test
  void parsesTheCommandLineForms() {
    assertEquals(ScalarSchedule.constant(0.7), ScalarSchedule.parse("0.7"));
    assertEquals(ScalarSchedule.linear(0, 1, 10_000), ScalarSchedule.parse("linear:0:1:10000"));
    assertEquals(ScalarSchedule.exponentialDecay(1, 1e-4, 500, 0.5), ScalarSchedule.parse("exp:1:1e-4:500:0.5"));
    for (String bad : new String[] {"", "linear:0:1", "exp:1:2:3", "cosine:1:2", "linear:a:1:3", "x"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScalarSchedule.parse(bad));
      assertTrue(e.getMessage().contains("is not a schedule"), e.getMessage());
    }
  }

  @Test
  void badParametersAreRefusedWhenTheScheduleIsMade() {
    assertThrows(IllegalArgumentException.class, () -> ScalarSchedule.constant(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> ScalarSchedule.linear(0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> ScalarSchedule.exponentialDecay(1, -1, 500, 0.5));
    IllegalArgumentException every = assertThrows(IllegalArgumentException.class,
        () -> ScalarSchedule.exponentialDecay(1, 1e-4, 0, 0.5));
    assertTrue(every.getMessage().contains("update interval must be >= 1 step"), every.getMessage());
  }

  @Test
  void trainingKeepsSchedulesByNameInOrder() {
    Training t = Training.epochs(1).schedule("temperature", ScalarSchedule.constant(1))
        .schedule("kl_weight", ScalarSchedule.linear(0, 1, 10));
    assertEquals(java.util.List.of("temperature", "kl_weight"), java.util.List.copyOf(t.schedules().keySet()));
    assertEquals(t, Training.epochs(1).schedule("temperature", ScalarSchedule.constant(1))
        .schedule("kl_weight", ScalarSchedule.linear(0, 1, 10)));
    assertTrue(t.toString().contains("schedules={temperature=1.0"), t.toString());
    assertThrows(IllegalArgumentException.class, () -> t.schedule(" ", ScalarSchedule.constant(1)));
    assertTrue(Training.epochs(1).schedules().isEmpty());
  }
}
