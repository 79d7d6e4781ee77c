package dev.helmholtz.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.dist.Distribution;
import dev.helmholtz.dist.KlDivergence;
import dev.helmholtz.dist.Reparameterization;
import dev.helmholtz.processor.model.Family;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;

/**
 * What the processor decides from a family at compile time agrees with the runtime: the analytic
 * KL divergences it assumes for a latent and its standard prior are the ones the runtime's
 * registry has, a family it trains pathwise draws reparameterized samples (by its first
 * factory and by its standard member), and a family it gives a standard prior has one.
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

  /** Each family built by its first elementwise factory (families with none are skipped). */
  @Test
  void reparameterizationIsTheRuntimes() throws ReflectiveOperationException {
    for (Family family : Family.values()) {
      if (family.factories().isEmpty()) {
        continue;
      }
      Family.Factory factory = family.factories().get(0);
      Class<?>[] operands = new Class<?>[factory.parameters().size()];
      Arrays.fill(operands, Operand.class);
      Method method = runtimeClass(family).getMethod(factory.method(), operands);
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        Object[] arguments = new Object[operands.length];
        Arrays.fill(arguments, tf.constant(new float[] {0.5f, 0.5f})); // two: a categorical needs 2 classes
        Distribution d = (Distribution) method.invoke(null, arguments);
        assertEquals(family.reparameterized(), d.reparameterization() == Reparameterization.REPARAMETERIZED,
            family.toString());
      }
    }
  }

  /**
   * The catalog gives a latent without a generator a standard prior exactly when the runtime has
   * a static factory of one from the graph's ops and a value shape ({@code uniform}, {@code
   * standard}).
   */
  @Test
  void standardPriorsAreTheRuntimes() throws ClassNotFoundException {
    for (Family family : Family.values()) {
      Class<? extends Distribution> type = runtimeClass(family);
      boolean runtime = Arrays.stream(type.getMethods())
          .anyMatch(m -> Modifier.isStatic(m.getModifiers()) && m.getReturnType() == type
              && m.getParameterCount() >= 2 && m.getParameterTypes()[0] == Ops.class
              && m.getParameterTypes()[1] == Operand.class);
      assertEquals(runtime, family.noStandardPrior().isEmpty(), family.toString());
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
