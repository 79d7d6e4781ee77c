package dev.helmholtz.objective;

import static dev.helmholtz.graph.TfTesting.fetch;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class ScoreFunctionTest {
  private static final float[] THETA = {-1.5f, 0.25f, 2f};

  /**
   * With signal = 3 theta and log q = theta^2 (both depending on theta), the term is exactly 0
   * and its gradient is signal * d log q / d theta = 3 theta * 2 theta: no gradient through the
   * signal, nor through the log q it is subtracted from.
   */
  @Test
  void termIsZeroWithTheScoreFunctionGradient() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> theta = tf.constant(THETA);
      Operand<TFloat32> signal = tf.math.mul(tf.constant(3f), theta);
      Operand<TFloat32> logQ = tf.math.square(theta);
      Operand<TFloat32> term = ScoreFunction.term(tf, signal, logQ);
      var gradient = tf.gradients(tf.sum(term, tf.constant(0)), List.of(theta));
      List<Fetched> out = fetch(s, term, gradient.dy(0));
      for (int i = 0; i < THETA.length; i++) {
        assertEquals(0, out.get(0).get(i), 0.0, "value " + i); // exactly 0 (either sign)
        assertEquals(6.0 * THETA[i] * THETA[i], out.get(1).get(i), 1e-5, "gradient " + i);
      }
    }
  }

  /** Plain REINFORCE: value the log weights; gradient 1 for them and l for log q. */
  @Test
  void reinforceValueAndGradients() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> logWeights = tf.constant(new float[] {-3.5f, 0.5f});
      Operand<TFloat32> logQ = tf.constant(new float[] {-0.7f, -1.2f});
      Operand<TFloat32> reinforce = ScoreFunction.reinforce(tf, logWeights, logQ);
      var gradients = tf.gradients(tf.sum(reinforce, tf.constant(0)), List.of(logWeights, logQ));
      List<Fetched> out = fetch(s, reinforce, gradients.dy(0), gradients.dy(1));
      assertEquals(-3.5f, out.get(0).get(0));
      assertEquals(0.5f, out.get(0).get(1));
      assertEquals(1f, out.get(1).get(0));
      assertEquals(1f, out.get(1).get(1));
      assertEquals(-3.5f, out.get(2).get(0));
      assertEquals(0.5f, out.get(2).get(1));
    }
  }
}
