package dev.helmholtz.dist;

import static dev.helmholtz.graph.TfTesting.fetch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The graph half of the support check: a support that the parameters bound (a Uniform's) is
 * asserted where the data are scored, naming the node; a fixed support (checked over the columns
 * in Java, by variational and Bayesian models alike) adds nothing to the graph.
 */
class SupportsTest {

  @Test
  void dataOutsideBoundsGivenByTheParametersFailNamingTheNode() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Uniform uniform = Uniform.lowHigh(tf.constant(new float[] {0f, 1f}), tf.constant(new float[] {1f, 3f}));
      Operand<TFloat32> inside = Supports.checked(uniform, "M", "x", tf.constant(new float[] {0.5f, 2f}));
      assertEquals(2f, fetch(s, inside).get(0).values()[1]);
      Operand<TFloat32> outside = Supports.checked(uniform, "M", "x", tf.constant(new float[] {0.5f, 3.5f}));
      String failure = assertThrows(TFInvalidArgumentException.class, () -> fetch(s, outside)).getMessage();
      assertTrue(failure.contains("observed node x of M: data outside the support of its Uniform (bounds given by its"
          + " parameters), in column x"), failure);
    }
  }

  @Test
  void aFixedSupportAddsNothingToTheGraph() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> value = tf.constant(new float[] {0.5f, 2f});
      assertSame(value, Supports.checked(Gamma.concentrationRate(tf.constant(2f), tf.constant(1f)), "M", "x", value));
      assertSame(value, Supports.checked(Normal.meanScale(tf.constant(0f), tf.constant(1f)), "M", "x", value));
    }
  }
}
