package dev.helmholtz.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

  @Test
  void ratesAreFunctionsOfStepAndEpoch() {
    assertEquals(0.01, LearningRateSchedule.constant().rate(0.01, 12345, 77));
    LearningRateSchedule step = LearningRateSchedule.stepDecay(30, 0.1);
    assertEquals(1e-3, step.rate(1e-3, 0, 1), 1e-15);
    assertEquals(1e-3, step.rate(1e-3, 999, 30), 1e-15);
    assertEquals(1e-4, step.rate(1e-3, 1000, 31), 1e-15);
    assertEquals(1e-5, step.rate(1e-3, 2000, 61), 1e-15);
    LearningRateSchedule exp = LearningRateSchedule.exponentialDecay(0.5, 100);
    assertEquals(1.0, exp.rate(1, 0, 1), 0);
    assertEquals(Math.sqrt(0.5), exp.rate(1, 50, 1), 1e-12);
    assertEquals(0.25, exp.rate(1, 200, 9), 1e-12);
  }

  @Test
  void parsesTheCommandLineForms() {
    assertEquals(LearningRateSchedule.constant(), LearningRateSchedule.parse("constant"));
    assertEquals(LearningRateSchedule.stepDecay(30, 0.1), LearningRateSchedule.parse("step:30:0.1"));
    assertEquals(LearningRateSchedule.exponentialDecay(0.96, 1000), LearningRateSchedule.parse(" exp:0.96:1000 "));
    for (LearningRateSchedule s : new LearningRateSchedule[] {LearningRateSchedule.constant(),
        LearningRateSchedule.stepDecay(3, 0.5), LearningRateSchedule.exponentialDecay(0.9, 7)}) {
      assertEquals(s, LearningRateSchedule.parse(s.toString()), "toString round-trips: " + s);
    }
    for (String bad : new String[] {"", "linear", "step:30", "step:x:0.1", "exp:0.9:0", "step:0:0.5", "step:3:1.5"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse(bad));
      assertFalse(e.getMessage().isEmpty());
      assertTrue(e.getMessage().contains("step:EVERY_EPOCHS:FACTOR") || e.getMessage().contains("must be"),
          bad + ": " + e.getMessage());
    }
  }

  @Test
  void earlyStoppingCountsImprovementsBeyondMinDelta() {
    EarlyStopping rule = new EarlyStopping(2, 0.5);
    assertTrue(rule.improves(-100, Double.NaN), "the first value always improves");
    assertTrue(rule.improves(-99.4, -100));
    assertFalse(rule.improves(-99.6, -100), "a gain under minDelta does not count");
    assertFalse(rule.exhausted(1));
    assertTrue(rule.exhausted(2));
    assertThrows(IllegalArgumentException.class, () -> EarlyStopping.patience(0));
    assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(1, -1));
  }
}
