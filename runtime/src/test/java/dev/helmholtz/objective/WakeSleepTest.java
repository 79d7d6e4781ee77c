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

class WakeSleepTest {
  /** [k = 3, B = 2]: log p(x, z) and log q(z | x); the second example's weights underflow float exp. */
  private static final float[][] LOG_JOINT = {{-2f, -1003f}, {-4f, -1000f}, {-3f, -1001.5f}};
  private static final float[][] LOG_Q = {{-0.5f, -1f}, {-1.5f, -2f}, {-1f, -0.1f}};

  /**
   * The reweighted wake objective weighs each sample by softmax_j(log w_j), held constant: the
   * gradient with respect to log p(x, z_j) (and to log q(z_j | x)) is that weight, though the log
   * weights are built from the same two inputs; the weights sum to 1 per example.
   */
  @Test
  void reweightedWakeWeightsAreNormalizedAndHeldConstant() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> logJoint = tf.constant(LOG_JOINT);
      Operand<TFloat32> logQ = tf.constant(LOG_Q);
      Operand<TFloat32> logWeights = tf.math.sub(logJoint, logQ);
      Operand<TFloat32> objective = WakeSleep.reweightedWake(tf, logJoint, logQ, logWeights);
      var gradients = tf.gradients(tf.sum(objective, tf.constant(0)), List.of(logJoint, logQ));
      List<Fetched> out = fetch(s, objective, gradients.dy(0), gradients.dy(1));
      for (int b = 0; b < 2; b++) {
        double[] logW = new double[3];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < 3; j++) {
          logW[j] = (double) LOG_JOINT[j][b] - LOG_Q[j][b];
          max = Math.max(max, logW[j]);
        }
        double norm = 0;
        for (int j = 0; j < 3; j++) {
          norm += Math.exp(logW[j] - max);
        }
        double expected = 0;
        double weightSum = 0;
        for (int j = 0; j < 3; j++) {
          double weight = Math.exp(logW[j] - max) / norm;
          expected += weight * ((double) LOG_JOINT[j][b] + LOG_Q[j][b]);
          weightSum += out.get(1).get(j * 2 + b);
          // 1e-4: log weights near -1000 carry float32 rounding of 6e-5 into their softmax.
          assertEquals(weight, out.get(1).get(j * 2 + b), 1e-4, "weight (d/d log p) j=" + j + " b=" + b);
          assertEquals(weight, out.get(2).get(j * 2 + b), 1e-4, "weight (d/d log q) j=" + j + " b=" + b);
        }
        assertEquals(1, weightSum, 1e-6, "weights of example " + b);
        assertEquals(expected, out.get(0).get(b), 1e-4 * Math.abs(expected) + 1e-5, "value of example " + b);
      }
    }
  }

  @Test
  void wakeAndSleepAverageOverSamples() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<Fetched> out = fetch(s, WakeSleep.wake(tf, tf.constant(LOG_JOINT)), WakeSleep.sleep(tf, tf.constant(LOG_Q)));
      assertEquals(-3.0, out.get(0).get(0), 1e-6);
      assertEquals(-1001.5, out.get(0).get(1), 1e-3);
      assertEquals(-1.0, out.get(1).get(0), 1e-6);
      assertEquals(-3.1 / 3, out.get(1).get(1), 1e-6);
    }
  }
}
