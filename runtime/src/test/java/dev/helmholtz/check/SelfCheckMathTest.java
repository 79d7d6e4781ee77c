package dev.helmholtz.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The self-check's arithmetic, without TensorFlow: thresholds, finite differences, shapes, the report. */
class SelfCheckMathTest {
  @Test
  void bonferroniThresholdsAreTheNormalQuantiles() {
    assertEquals(3.2905, Statistics.bonferroniZ(1, 1e-3), 1e-3); // two-sided 1e-3
    assertEquals(1.9600, Statistics.bonferroniZ(1, 0.05), 1e-3);
    assertEquals(3.8906, Statistics.bonferroniZ(10, 1e-3), 1e-3); // 1e-4 per comparison
  }

  @Test
  void finiteDifferencesPassTheTrueDerivativeAndFailAWrongOne() {
    // f(t) = 500 + 3 sin(t) along a direction: derivative 3 at 0, |f| large as an ELBO's.
    SelfCheckReport.Row right = FiniteDifferences.compare("gradient", "w", 3.0, 500,
        t -> (float) (500 + 3 * Math.sin(t)), 1e-2);
    assertEquals(SelfCheckReport.Status.PASS, right.status(), right.describe());
    SelfCheckReport.Row doubled = FiniteDifferences.compare("gradient", "w", 6.0, 500,
        t -> (float) (500 + 3 * Math.sin(t)), 1e-2);
    assertEquals(SelfCheckReport.Status.FAIL, doubled.status(), doubled.describe());
    SelfCheckReport.Row detached = FiniteDifferences.compare("gradient", "w", 0.0, 500,
        t -> (float) (500 + 3 * Math.sin(t)), 1e-2);
    assertEquals(SelfCheckReport.Status.FAIL, detached.status(), detached.describe());
  }

  @Test
  void shapesMustEndInTheEventAndLeadWithTheRows() {
    assertEquals(SelfCheckReport.Status.PASS,
        EventShapes.compare("p(x)", List.of(new long[] {4, 784}, new long[] {}), List.of(784), 4).status());
    assertEquals(SelfCheckReport.Status.PASS, // a learned prior: no batch axes
        EventShapes.compare("p(z)", List.of(new long[] {1, 50}), List.of(50), 4).status());
    assertEquals(SelfCheckReport.Status.PASS, // a discriminator's column of logits
        EventShapes.compare("d", List.of(new long[] {4, 1}), List.of(), 4).status());
    assertEquals(SelfCheckReport.Status.FAIL, // one logit broadcast over the pixels
        EventShapes.compare("p(x)", List.of(new long[] {4, 1}), List.of(784), 4).status());
    assertEquals(SelfCheckReport.Status.FAIL, // an image event flattened by the network
        EventShapes.compare("p(x)", List.of(new long[] {4, 784}), List.of(28, 28, 1), 4).status());
    assertEquals(SelfCheckReport.Status.FAIL, // rows lost
        EventShapes.compare("p(x)", List.of(new long[] {8, 784}), List.of(784), 4).status());
  }

  @Test
  void assertPassedNamesEveryFailure() {
    SelfCheckReport report = new SelfCheckReport("M", List.of(
        SelfCheckReport.Row.measured("kl", "z", 0.5, 0.1, "analytic 1, Monte Carlo 1.5"),
        SelfCheckReport.Row.measured("gradient", "w", 0.0, 0.1, "fine"),
        SelfCheckReport.Row.skipped("bounds", "-", "no latents")));
    SelfCheckException e = assertThrows(SelfCheckException.class, report::assertPassed);
    assertTrue(e.getMessage().contains("failed 1 check(s)") && e.getMessage().contains("kl z: 0.5000 (tolerance 0.1000) FAIL"),
        e.getMessage());
    assertTrue(report.toString().endsWith("1 passed, 1 failed, 1 skipped"), report.toString());
  }
}
