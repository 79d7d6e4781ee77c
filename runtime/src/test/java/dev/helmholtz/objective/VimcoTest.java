package dev.helmholtz.objective;

import static dev.helmholtz.graph.TfTesting.fetch;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** VIMCO's leave-one-out baselines and surrogate against a direct computation in double precision. */
class VimcoTest {
  /** [k = 3, B = 3] log weights: ordinary, very negative (underflows exp in float), and spread out. */
  private static final double[][] LOG_WEIGHTS = {
      {-1.0, -1050.0, 3.0},
      {0.5, -1052.0, -20.0},
      {-2.0, -1049.5, 0.0}};

  private static float[] flat(double[][] values) {
    float[] out = new float[values.length * values[0].length];
    for (int j = 0; j < values.length; j++) {
      for (int b = 0; b < values[0].length; b++) {
        out[j * values[0].length + b] = (float) values[j][b];
      }
    }
    return out;
  }

  private static double logSumExp(double[] values) {
    double max = java.util.Arrays.stream(values).max().orElseThrow();
    double sum = 0;
    for (double v : values) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum);
  }

  /** log (1/k) sum_j w_j of example b. */
  private static double bound(double[][] logW, int b) {
    double[] column = new double[logW.length];
    for (int j = 0; j < logW.length; j++) {
      column[j] = logW[j][b];
    }
    return logSumExp(column) - Math.log(logW.length);
  }

  /** The bound of example b with sample j's log weight replaced by the mean of the others'. */
  private static double leaveOneOut(double[][] logW, int j, int b) {
    int k = logW.length;
    double othersMean = 0;
    for (int i = 0; i < k; i++) {
      othersMean += i == j ? 0 : logW[i][b] / (k - 1);
    }
    double[] replaced = new double[k];
    for (int i = 0; i < k; i++) {
      replaced[i] = i == j ? othersMean : logW[i][b];
    }
    return logSumExp(replaced) - Math.log(k);
  }

  @Test
  void leaveOneOutBoundsMatchDirectComputation() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      int k = LOG_WEIGHTS.length;
      int batch = LOG_WEIGHTS[0].length;
      Operand<TFloat32> logW = tf.constant(Shape.of(k, batch), org.tensorflow.ndarray.buffer.DataBuffers.of(flat(LOG_WEIGHTS)));
      Fetched loo = fetch(s, Vimco.leaveOneOutBounds(tf, logW)).get(0);
      assertEquals(List.of((long) k, (long) batch), java.util.Arrays.stream(loo.shape()).boxed().toList());
      for (int j = 0; j < k; j++) {
        for (int b = 0; b < batch; b++) {
          double expected = leaveOneOut(LOG_WEIGHTS, j, b);
          // float32 log-sum-exp: relative 1e-6 of the magnitude, plus 1e-5.
          assertEquals(expected, loo.get(j * batch + b), 1e-5 + 1e-6 * Math.abs(expected), "j=" + j + " b=" + b);
        }
      }
    }
  }

  @Test
  void leaveOneOutOfTwoSamplesIsTheOtherSample() {
    // k = 2: the left-out weight becomes the other one, so L_{-j} = log w_{other}.
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Fetched loo = fetch(s, Vimco.leaveOneOutBounds(tf, tf.constant(new float[][] {{-1.5f}, {2.0f}}))).get(0);
      assertEquals(2.0, loo.get(0), 1e-6);
      assertEquals(-1.5, loo.get(1), 1e-6);
    }
  }

  /**
   * The surrogate's value is the bound; its gradient with respect to the score-function log q of
   * sample j is that sample's signal L - L_{-j}, and with respect to the log weights the
   * normalized weights (the bound's own gradient). REINFORCE's signal is L for every sample.
   */
  @Test
  void surrogateValueAndGradients() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      int k = LOG_WEIGHTS.length;
      int batch = LOG_WEIGHTS[0].length;
      Operand<TFloat32> logW = tf.constant(Shape.of(k, batch), org.tensorflow.ndarray.buffer.DataBuffers.of(flat(LOG_WEIGHTS)));
      Operand<TFloat32> logQ = tf.zeros(tf.constant(new int[] {k, batch}), TFloat32.class);
      Operand<TFloat32> surrogate = Vimco.surrogate(tf, logW, logQ);
      Operand<TFloat32> reinforce = Vimco.reinforce(tf, logW, logQ);
      var surrogateGradients = tf.gradients(tf.sum(surrogate, tf.constant(0)), List.of(logW, logQ));
      var reinforceGradients = tf.gradients(tf.sum(reinforce, tf.constant(0)), List.of(logQ));
      List<Fetched> out = fetch(s, surrogate, reinforce, surrogateGradients.dy(0), surrogateGradients.dy(1),
          reinforceGradients.dy(0));
      for (int b = 0; b < batch; b++) {
        double bound = bound(LOG_WEIGHTS, b);
        double tolerance = 1e-5 + 1e-6 * Math.abs(bound);
        assertEquals(bound, out.get(0).get(b), tolerance, "surrogate value, example " + b);
        assertEquals(bound, out.get(1).get(b), tolerance, "REINFORCE value, example " + b);
        for (int j = 0; j < k; j++) {
          int at = j * batch + b;
          double normalized = Math.exp(LOG_WEIGHTS[j][b] - (bound + Math.log(k)));
          assertEquals(normalized, out.get(2).get(at), 1e-6, "d/d log w, j=" + j + " b=" + b);
          assertEquals(bound - leaveOneOut(LOG_WEIGHTS, j, b), out.get(3).get(at), tolerance,
              "VIMCO signal, j=" + j + " b=" + b);
          assertEquals(bound, out.get(4).get(at), tolerance, "REINFORCE signal, j=" + j + " b=" + b);
        }
      }
    }
  }
}
