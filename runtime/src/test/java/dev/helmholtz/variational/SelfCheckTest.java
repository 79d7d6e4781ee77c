package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.check.SelfCheckException;
import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.graph.Seed;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The self-check passes on a correct small VAE and fails, naming node, check and figure, on planted mistakes. */
class SelfCheckTest {
  /** 4 examples, the random direction alone per variable, 2000 KL draws, 100 bound samples: what these models need. */
  private static final SelfCheckOptions OPTIONS = new SelfCheckOptions(4, 0, 2000, 100, 2, 1, 1);

  @Test
  void correctVaePasses() {
    try (SelfCheckVae model = new SelfCheckVae(Seed.of(3), SelfCheckVae.Mistake.NONE)) {
      SelfCheckReport report = model.check(SelfCheckVae.data(8), OPTIONS).assertPassed();
      assertEquals(List.of("structure", "gradient", "kl", "shape", "bounds"), report.rows().stream()
          .filter(r -> r.status() == SelfCheckReport.Status.PASS).map(SelfCheckReport.Row::check).distinct().toList());
    }
  }

  @Test
  void scaleDetachedByStopGradientFailsTheGradientCheck() {
    SelfCheckException e = planted(SelfCheckVae.Mistake.DETACHED_SCALE);
    assertTrue(e.getMessage().contains("gradient encode/dense_0/kernel"), e.getMessage());
  }

  @Test
  void wrongCustomGradientFailsTheGradientCheck() {
    SelfCheckException e = planted(SelfCheckVae.Mistake.WRONG_CUSTOM_GRADIENT);
    assertTrue(e.getMessage().contains("gradient decode/dense_0/kernel"), e.getMessage());
  }

  @Test
  void klOfTheWrongPairFailsTheKlCheck() {
    SelfCheckException e = planted(SelfCheckVae.Mistake.WRONG_PAIR_KL);
    assertTrue(e.getMessage().contains("kl z:"), e.getMessage());
  }

  @Test
  void broadcastOutputFailsTheShapeCheck() {
    SelfCheckException e = planted(SelfCheckVae.Mistake.BROADCAST_OUTPUT);
    assertTrue(e.getMessage().contains("shape p(x | ...) of node x"), e.getMessage());
  }

  private static SelfCheckException planted(SelfCheckVae.Mistake mistake) {
    try (SelfCheckVae model = new SelfCheckVae(Seed.of(3), mistake)) {
      return assertThrows(SelfCheckException.class, () -> model.check(SelfCheckVae.data(8), OPTIONS).assertPassed());
    }
  }
}
