package dev.helmholtz.dist;

import static dev.helmholtz.graph.TfTesting.fetch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Observed data outside a family's support fails naming the node; data inside passes unchanged. */
class SupportsTest {

  private static String failure(Function<Ops, Distribution> family, float... values) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Distribution d = family.apply(tf);
      Operand<TFloat32> checked = Supports.checked(d, "x", tf.constant(values));
      TFInvalidArgumentException e = assertThrows(TFInvalidArgumentException.class, () -> fetch(s, checked));
      return e.getMessage();
    }
  }

  private static float[] passed(Function<Ops, Distribution> family, float... values) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      return fetch(s, Supports.checked(family.apply(tf), "x", tf.constant(values))).get(0).values();
    }
  }

  @Test
  void valuesOutsideTheSupportFailNamingTheNodeAndTheFamily() {
    Function<Ops, Distribution> gamma = tf -> Gamma.concentrationRate(tf.constant(2f), tf.constant(1f));
    Function<Ops, Distribution> beta = tf -> Beta.concentrations(tf.constant(2f), tf.constant(1f));
    Function<Ops, Distribution> inverseGamma = tf -> InverseGamma.concentrationScale(tf.constant(2f), tf.constant(1f));
    Function<Ops, Distribution> dirichlet = tf -> Dirichlet.concentration(tf.constant(new float[] {1f, 2f}));
    String gammaFailure = failure(gamma, 1f, 0f);
    assertTrue(gammaFailure.contains("observed node x: values must lie in the support of Gamma (x > 0)"), gammaFailure);
    assertTrue(failure(inverseGamma, -1f).contains("support of InverseGamma (x > 0)"));
    assertTrue(failure(beta, 0.5f, 1f).contains("observed node x: values must lie in the support of Beta (0 < x < 1)"));
    assertTrue(failure(dirichlet, 0.5f, 0.6f).contains("support of Dirichlet (the probability simplex"));
    assertEquals(0.25f, passed(beta, 0.25f, 0.5f)[0]);
    assertEquals(0.75f, passed(dirichlet, 0.25f, 0.75f)[1]);
  }

  @Test
  void familiesWithoutACheckPassTheValueItself() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> value = tf.constant(new float[] {-3f, 40f});
      assertSame(value, Supports.checked(
          StudentT.dfLocScale(tf.constant(3f), tf.constant(0f), tf.constant(1f)), "x", value));
      assertSame(value, Supports.checked(Normal.meanScale(tf.constant(0f), tf.constant(1f)), "x", value));
    }
  }
}
