package dev.helmholtz.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.dist.Distribution;
import dev.helmholtz.dist.KlDivergence;
import dev.helmholtz.dist.Reparameterization;
import dev.helmholtz.processor.model.Family;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;

/**
 * What the processor decides from a family at compile time agrees with the runtime: the analytic
 * KL divergences it assumes for a latent and its standard prior are the ones the runtime's
 * registry has, and the reparameterization it decides the estimator by is the runtime's.
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

  /**
   * Every family with a standard member (the prior a latent without a generator gets) builds one,
   * and the runtime's instance reparameterizes exactly when the catalog says it does.
   */
  @Test
  void standardMembersReparameterizeAsTheCatalogSays() throws ReflectiveOperationException {
    int checked = 0;
    for (Family family : Family.values()) {
      Method standard;
      try {
        standard = runtimeClass(family).getMethod("standard", Ops.class, Operand.class);
      } catch (NoSuchMethodException e) {
        continue; // the discrete families' standard priors are uniform(...) members
      }
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        Distribution d = (Distribution) standard.invoke(null, tf, tf.constant(new long[] {2, 3}));
        assertEquals(family.reparameterized(),
            d.reparameterization() == Reparameterization.REPARAMETERIZED, family.toString());
        checked++;
      }
    }
    assertTrue(checked >= 9, "Normal and the continuous elementwise families have standard members");
  }

  private static Class<? extends Distribution> runtimeClass(Family family) throws ClassNotFoundException {
    return Class.forName(family.qualifiedName()).asSubclass(Distribution.class);
  }
}
