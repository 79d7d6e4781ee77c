package dev.helmholtz.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.helmholtz.annotations.GanLoss;
import dev.helmholtz.graph.TfTesting;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class AdversarialLossesTest {
  private static final float[] REAL = {2f, -1f, 0.5f};
  private static final float[] FAKE = {-3f, 0.25f, 1f};

  private static double softplus(double x) {
    return Math.log1p(Math.exp(x));
  }

  private static double mean(float[] xs, java.util.function.DoubleUnaryOperator f) {
    double s = 0;
    for (float x : xs) {
      s += f.applyAsDouble(x);
    }
    return s / xs.length;
  }

  private static double[] evaluate(GanLoss loss) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> real = tf.constant(REAL);
      Operand<TFloat32> fake = tf.constant(FAKE);
      var values = TfTesting.fetch(s, AdversarialLosses.discriminator(tf, loss, real, fake),
          AdversarialLosses.generator(tf, loss, fake), AdversarialLosses.gameValue(tf, real, fake));
      return new double[] {values.get(0).get(0), values.get(1).get(0), values.get(2).get(0)};
    }
  }

  @Test
  void lossesMatchTheirDefinitions() {
    double minimaxD = mean(REAL, r -> softplus(-r)) + mean(FAKE, f -> softplus(f));
    double[] minimax = evaluate(GanLoss.MINIMAX);
    assertEquals(minimaxD, minimax[0], 1e-5);
    assertEquals(-mean(FAKE, f -> softplus(f)), minimax[1], 1e-5);   // E log(1 - D(G(z)))
    assertEquals(-minimaxD, minimax[2], 1e-5);
    double[] nonSaturating = evaluate(GanLoss.NON_SATURATING);
    assertEquals(minimaxD, nonSaturating[0], 1e-5);
    assertEquals(mean(FAKE, f -> softplus(-f)), nonSaturating[1], 1e-5);  // -E log D(G(z))
    double[] leastSquares = evaluate(GanLoss.LEAST_SQUARES);
    assertEquals(0.5 * (mean(REAL, r -> (r - 1) * (r - 1)) + mean(FAKE, f -> f * f)), leastSquares[0], 1e-5);
    assertEquals(0.5 * mean(FAKE, f -> (f - 1) * (f - 1)), leastSquares[1], 1e-5);
    double[] hinge = evaluate(GanLoss.HINGE);
    assertEquals(mean(REAL, r -> Math.max(0, 1 - r)) + mean(FAKE, f -> Math.max(0, 1 + f)), hinge[0], 1e-5);
    assertEquals(-mean(FAKE, f -> f), hinge[1], 1e-5);
    double[] wasserstein = evaluate(GanLoss.WASSERSTEIN_GP);
    assertEquals(mean(FAKE, f -> f) - mean(REAL, r -> r), wasserstein[0], 1e-5);
    assertEquals(-mean(FAKE, f -> f), wasserstein[1], 1e-5);
  }

  @Test
  void gameValueOfAnUndecidedDiscriminatorIsMinusLogFour() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> zeros = tf.constant(new float[] {0f, 0f, 0f, 0f});
      float value = TfTesting.fetchOne(s, AdversarialLosses.gameValue(tf, zeros, zeros)).get(0);
      assertEquals(-Math.log(4), value, 1e-6);
    }
  }
}
