package dev.helmholtz.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** CycleGAN's cycle and identity losses on inputs small enough to sum by hand. */
class CycleConsistencyTest {
  private static final float[][] X = {{0f, 1f, 2f}, {1f, 1f, 1f}};
  private static final float[][] X_BACK = {{0.5f, 1f, 1f}, {1f, 3f, 1f}};
  private static final float[][] Y = {{2f, -1f}, {0f, 0f}, {1f, 1f}};
  private static final float[][] Y_BACK = {{2f, 0f}, {0f, -0.5f}, {1f, 1f}};

  private static double evaluate(BiFunction<Ops, Operand<TFloat32>[], Operand<TFloat32>> loss, float[][]... inputs) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      @SuppressWarnings("unchecked")
      Operand<TFloat32>[] operands = new Operand[inputs.length];
      for (int i = 0; i < inputs.length; i++) {
        operands[i] = tf.constant(inputs[i]);
      }
      try (Result r = s.runner().fetch(loss.apply(tf, operands)).run()) {
        TFloat32 value = (TFloat32) r.get(0);
        return value.getFloat();
      }
    }
  }

  @Test
  void cycleLossIsBothDomainsMeanAbsoluteRoundTripError() {
    // x: |0.5| + 0 + |1| + 0 + |2| + 0 = 3.5 over 6 elements; y: 0 + 1 + 0 + 0.5 + 0 + 0 = 1.5 over 6.
    double expected = 3.5 / 6 + 1.5 / 6;
    assertEquals(expected, evaluate((tf, o) -> CycleConsistency.cycle(tf, o[0], o[1], o[2], o[3]),
        X, X_BACK, Y, Y_BACK), 1e-6);
    // A perfect round trip costs nothing.
    assertEquals(0, evaluate((tf, o) -> CycleConsistency.cycle(tf, o[0], o[1], o[2], o[3]), X, X, Y, Y), 1e-7);
  }

  @Test
  void identityLossComparesEachGeneratorOnItsOwnTargetDomain() {
    // G(y) moved y by Y_BACK - Y (1.5 over 6 elements); F(x) moved x by X_BACK - X (3.5 over 6).
    assertEquals(1.5 / 6 + 3.5 / 6, evaluate((tf, o) -> CycleConsistency.identity(tf, o[0], o[1], o[2], o[3]),
        Y, Y_BACK, X, X_BACK), 1e-6);
    // Rank-3 events (images) are averaged over every element too: |1 - 0| on 1 of 8 elements.
    float[][][] image = {{{0f, 0f}, {0f, 0f}}, {{0f, 0f}, {0f, 1f}}};
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> mae = CycleConsistency.meanAbsoluteError(tf, tf.constant(image),
          tf.zerosLike(tf.constant(image)));
      try (Result r = s.runner().fetch(mae).run()) {
        TFloat32 value = (TFloat32) r.get(0);
        assertEquals(1.0 / 8, value.getFloat(), 1e-7);
      }
    }
  }
}
