package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.check.SelfCheckException;
import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.graph.Seed;
import org.junit.jupiter.api.Test;

/** The self-check passes on a correct small VAE and fails, naming node, check and figure, on planted mistakes. */
class SelfCheckTest {
  private static final SelfCheckOptions OPTIONS = SelfCheckOptions.quick().withExamples(4);

  @Test
  void correctVaePasses() {
    try (SelfCheckVae model = new SelfCheckVae(Seed.of(3), SelfCheckVae.Mistake.NONE)) {
      SelfCheckReport report = model.check(SelfCheckVae.data(8), OPTIONS);
      System.out.println(report);
      report.assertPassed();
    }
  }

  @Test
  void scaleDetachedByStopGradientFailsTheGradientCheck() {
    SelfCheckException e = planted(SelfCheckVae.Mistake.DETACHED_SCALE);
    System.out.println(e.getMessage());
    assertTrue(e.getMessage().contains("gradient encode/dense_0/kernel"), e.getMessage());
  }

  @Test
  void wrongCustomGradientFailsTheGradientCheck() {
    SelfCheckException e = planted(SelfCheckVae.Mistake.WRONG_CUSTOM_GRADIENT);
    System.out.println(e.getMessage());
    assertTrue(e.getMessage().contains("gradient decode/dense_0/kernel"), e.getMessage());
  }

  @Test
  void klOfTheWrongPairFailsTheKlCheck() {
    SelfCheckException e = planted(SelfCheckVae.Mistake.WRONG_PAIR_KL);
    System.out.println(e.getMessage());
    assertTrue(e.getMessage().contains("kl z:"), e.getMessage());
  }

  @Test
  void broadcastOutputFailsTheShapeCheck() {
    SelfCheckException e = planted(SelfCheckVae.Mistake.BROADCAST_OUTPUT);
    System.out.println(e.getMessage());
    assertTrue(e.getMessage().contains("shape p(x | ...) of node x"), e.getMessage());
  }

  private static SelfCheckException planted(SelfCheckVae.Mistake mistake) {
    try (SelfCheckVae model = new SelfCheckVae(Seed.of(3), mistake)) {
      return assertThrows(SelfCheckException.class, () -> model.check(SelfCheckVae.data(8), OPTIONS).assertPassed());
    }
  }
}
