package dev.helmholtz.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Triple-GAN's discriminator on a toy case: six (x, y) cells, the data, the classifier's and the
 * generator's pair distributions given in counts (so the expectations are exact means over rows),
 * and a free logit per cell trained on the discriminator's loss. It converges to the lemma's
 * {@code p / (p + p_alpha)}, {@code p_alpha = alpha p_c + (1 - alpha) p_g}.
 */
class TripleGanLossesTest {
  private static final int[] DATA = {4, 1, 2, 3, 1, 1};
  private static final int[] CLASSIFIER = {1, 2, 2, 1, 3, 3};
  private static final int[] GENERATOR = {2, 2, 1, 1, 1, 5};
  private static final double ALPHA = 0.3;

  private static int[] rows(int[] counts) {
    List<Integer> cells = new ArrayList<>();
    for (int cell = 0; cell < counts.length; cell++) {
      for (int k = 0; k < counts[cell]; k++) {
        cells.add(cell);
      }
    }
    return cells.stream().mapToInt(Integer::intValue).toArray();
  }

  private static double share(int[] counts, int cell) {
    int total = 0;
    for (int c : counts) {
      total += c;
    }
    return counts[cell] / (double) total;
  }

  @Test
  void trainedDiscriminatorReachesTheLemmasOptimum() {
    float[] d;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> logits = tf.variable(tf.zeros(tf.constant(new int[] {6}), TFloat32.class));
      Operand<TFloat32> loss = TripleGanLosses.discriminator(tf,
          tf.gather(logits, tf.constant(rows(DATA)), tf.constant(0)),
          tf.gather(logits, tf.constant(rows(CLASSIFIER)), tf.constant(0)),
          tf.gather(logits, tf.constant(rows(GENERATOR)), tf.constant(0)), ALPHA);
      @SuppressWarnings("unchecked")
      Operand<TFloat32> gradient = (Operand<TFloat32>) (Operand<?>) tf.gradients(loss, List.of(logits)).dy().get(0);
      var step = tf.assignSub(logits, tf.math.mul(tf.constant(20f), gradient));
      s.initialize();
      for (int i = 0; i < 1500; i++) {
        s.runner().addTarget(step).run().close();
      }
      try (Result r = s.runner().fetch(tf.math.sigmoid(logits)).run()) {
        TFloat32 values = (TFloat32) r.get(0);
        d = new float[6];
        for (int i = 0; i < 6; i++) {
          d[i] = values.getFloat(i);
        }
      }
    }
    for (int cell = 0; cell < 6; cell++) {
      double p = share(DATA, cell);
      double pAlpha = ALPHA * share(CLASSIFIER, cell) + (1 - ALPHA) * share(GENERATOR, cell);
      assertEquals(p / (p + pAlpha), d[cell], 1e-3, "cell " + cell);
    }
    // Not the two-player optimum p / (p + p_g) that ignores the classifier's pairs (cell 4: 0.385 against 0.5).
    double twoPlayer = share(DATA, 4) / (share(DATA, 4) + share(GENERATOR, 4));
    assertTrue(Math.abs(d[4] - twoPlayer) > 0.1, d[4] + " against " + twoPlayer);
  }

  @Test
  void generatorAndClassifierLossesByHand() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> gen = TripleGanLosses.generator(tf, tf.constant(new float[] {0f, 2f}), ALPHA);
      // Two rows, two classes: sum_y p(y|x) * -softplus(l) averaged, times alpha.
      Operand<TFloat32> cls = TripleGanLosses.classifier(tf, tf.constant(new float[][] {{0f, 1f}, {-1f, 2f}}),
          tf.constant(new float[][] {{0.25f, 0.75f}, {1f, 0f}}), ALPHA);
      try (Result result = s.runner().fetch(gen).fetch(cls).run()) {
        TFloat32 generator = (TFloat32) result.get(0);
        TFloat32 classifier = (TFloat32) result.get(1);
        double expectedGenerator = (1 - ALPHA) * (softplus(0) + softplus(-2)) / 2;
        double expectedClassifier = ALPHA * -(0.25 * softplus(0) + 0.75 * softplus(1) + softplus(-1)) / 2;
        assertEquals(expectedGenerator, generator.getFloat(), 1e-6);
        assertEquals(expectedClassifier, classifier.getFloat(), 1e-6);
      }
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      assertThrows(IllegalArgumentException.class, () -> TripleGanLosses.generator(tf, tf.constant(new float[] {0f}), 1.5));
    }
  }

  private static double softplus(double x) {
    return Math.log1p(Math.exp(x));
  }
}
