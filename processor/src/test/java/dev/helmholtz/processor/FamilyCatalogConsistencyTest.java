package dev.helmholtz.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.helmholtz.dist.Distribution;
import dev.helmholtz.dist.KlDivergence;
import dev.helmholtz.processor.model.Family;
import org.junit.jupiter.api.Test;

/**
 * What the processor decides from a family at compile time agrees with the runtime: the analytic
 * KL divergences it assumes for a latent and its standard prior are the ones the runtime's
 * registry has.
 */
class FamilyCatalogConsistencyTest {
  @Test
  void analyticKlDivergencesAreTheRuntimes() throws ClassNotFoundException {
    for (Family q : Family.values()) {
      for (Family p : Family.values()) {
        boolean runtime = KlDivergence.hasAnalytic(runtimeClass(q), runtimeClass(p));
        assertEquals(runtime, q.hasAnalyticKlTo(p), "KL(" + q + " || " + p + ")");
      }
    }
  }

  private static Class<? extends Distribution> runtimeClass(Family family) throws ClassNotFoundException {
    return Class.forName(family.qualifiedName()).asSubclass(Distribution.class);
  }
}
