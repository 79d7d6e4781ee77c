package dev.helmholtz.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.helmholtz.dist.Categorical;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * InfoGAN's bound on a tiny discrete case with a closed form: a uniform binary code c and a
 * three-valued x with p(x | c = 0) = (1/2, 1/3, 1/6), p(x | c = 1) = (1/6, 1/3, 1/2). The joint is
 * in twelfths, so twelve rows, each (c, x) repeated by its count, make the expectation exact.
 */
class MutualInformationBoundTest {
  /** Twelfths of p(c, x): rows c, columns x. */
  private static final int[][] JOINT = {{3, 2, 1}, {1, 2, 3}};

  private static double posterior(int c, int x) {
    return JOINT[c][x] / (double) (JOINT[0][x] + JOINT[1][x]);
  }

  /** I(c; x) = H(c) - H(c | x), by hand. */
  private static double mutualInformation() {
    double conditional = 0;
    for (int x = 0; x < 3; x++) {
      double px = (JOINT[0][x] + JOINT[1][x]) / 12.0;
      for (int c = 0; c < 2; c++) {
        conditional -= px * posterior(c, x) * Math.log(posterior(c, x));
      }
    }
    return Math.log(2) - conditional;
  }

  /** The bound the runtime computes with Q(c | x) = softmax of {@code qLogits[x]}, over the exact rows. */
  private static double bound(double[][] qLogits) {
    List<float[]> codes = new ArrayList<>();
    List<float[]> logits = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      for (int x = 0; x < 3; x++) {
        for (int k = 0; k < JOINT[c][x]; k++) {
          codes.add(c == 0 ? new float[] {1, 0} : new float[] {0, 1});
          logits.add(new float[] {(float) qLogits[x][0], (float) qLogits[x][1]});
        }
      }
    }
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> q = tf.constant(logits.toArray(float[][]::new));
      Operand<TFloat32> bound = MutualInformationBound.lowerBound(tf, Categorical.logits(q, 2),
          tf.constant(codes.toArray(float[][]::new)), MutualInformationBound.uniformCategoricalEntropy(2));
      try (Result r = s.runner().fetch(bound).run()) {
        TFloat32 value = (TFloat32) r.get(0);
        return value.getFloat();
      }
    }
  }

  @Test
  void equalsTheMutualInformationWhenQIsThePosterior() {
    double[][] exact = new double[3][2];
    for (int x = 0; x < 3; x++) {
      for (int c = 0; c < 2; c++) {
        exact[x][c] = Math.log(posterior(c, x));
      }
    }
    double mi = mutualInformation();
    // log 2 - (2/3) h(1/4) - (1/3) log 2, h the binary entropy in nats.
    assertEquals(0.08721, mi, 1e-5);
    assertEquals(mi, bound(exact), 1e-5);
  }

  @Test
  void fallsShortByTheExpectedDivergenceOtherwise() {
    double[][] q = {{0.4, -0.4}, {0.3, 0.0}, {-1.0, 0.5}};
    double gap = 0;
    for (int x = 0; x < 3; x++) {
      double norm = Math.log(Math.exp(q[x][0]) + Math.exp(q[x][1]));
      double px = (JOINT[0][x] + JOINT[1][x]) / 12.0;
      for (int c = 0; c < 2; c++) {
        gap += px * posterior(c, x) * (Math.log(posterior(c, x)) - (q[x][c] - norm));
      }
    }
    assertEquals(mutualInformation() - gap, bound(q), 1e-5);
    // A Q that ignores x bounds nothing: log Q = -log 2 cancels H(c).
    assertEquals(0, bound(new double[][] {{0, 0}, {0, 0}, {0, 0}}), 1e-6);
  }

  @Test
  void refusesANonFiniteEntropy() {
    assertThrows(IllegalArgumentException.class, () -> MutualInformationBound.uniformCategoricalEntropy(0));
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var q = Categorical.logits(tf.constant(new float[][] {{0, 0}}), 2);
      assertThrows(IllegalArgumentException.class,
          () -> MutualInformationBound.lowerBound(tf, q, tf.constant(new float[][] {{1, 0}}), Double.NaN));
    }
  }
}
