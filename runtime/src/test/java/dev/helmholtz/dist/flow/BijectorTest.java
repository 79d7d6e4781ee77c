package dev.helmholtz.dist.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.nn.Nn;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.tensorflow.op.Ops;

/**
 * Every bijector and flow: log|det J| against the log-determinant of its Jacobian computed by
 * central differences (d = 3 and 4, float32 graph, determinant in double), and inverse(forward(x))
 * = x where an inverse exists.
 */
class BijectorTest {

  static final float[][] POINTS = {
      {0.3f, -1.1f, 0.7f, 0.2f}, {-0.8f, 0.4f, 1.3f, -0.6f}, {1.2f, 0.9f, -0.5f, 0.1f}};

  static Stream<Arguments> bijectors() {
    return Stream.of(
        Arguments.of("exp", 3, (BiFunction<Nn, Ops, Bijector>) (nn, tf) -> Bijector.exp()),
        Arguments.of("softplus", 3, (BiFunction<Nn, Ops, Bijector>) (nn, tf) -> Bijector.softplus()),
        Arguments.of("sigmoid", 3, (BiFunction<Nn, Ops, Bijector>) (nn, tf) -> Bijector.sigmoid()),
        Arguments.of("affine", 3, (BiFunction<Nn, Ops, Bijector>) (nn, tf) ->
            Bijector.affine(tf.constant(new float[] {0.5f, -1f, 2f}), tf.constant(new float[] {1.5f, -0.7f, 0.3f}))),
        Arguments.of("chain", 3, (BiFunction<Nn, Ops, Bijector>) (nn, tf) -> Bijector.chain(
            Bijector.affine(tf.constant(0.2f), tf.constant(-1.3f)), Bijector.softplus(), Bijector.exp())),
        Arguments.of("planar", 3, (BiFunction<Nn, Ops, Bijector>) (nn, tf) -> PlanarFlow.stack(nn, 3, 2)),
        Arguments.of("planar, w.u < -1", 3, (BiFunction<Nn, Ops, Bijector>) (nn, tf) -> PlanarFlow.of(
            tf.constant(new float[] {-2f, 1f, -1.5f}), tf.constant(new float[] {1.2f, -0.4f, 0.9f}), tf.constant(0.3f))),
        Arguments.of("radial", 3, (BiFunction<Nn, Ops, Bijector>) (nn, tf) -> RadialFlow.of(
            tf.constant(new float[] {0.1f, -0.4f, 0.6f}), tf.constant(0.3f), tf.constant(1.2f))),
        Arguments.of("radial, contracting", 4, (BiFunction<Nn, Ops, Bijector>) (nn, tf) -> RadialFlow.of(
            tf.constant(new float[] {0.1f, -0.4f, 0.6f, 0f}), tf.constant(-0.5f), tf.constant(-2f))),
        Arguments.of("iaf", 4, (BiFunction<Nn, Ops, Bijector>) (nn, tf) ->
            InverseAutoregressiveFlow.stack(nn, 4, 2, null, 8)),
        Arguments.of("iaf with context", 3, (BiFunction<Nn, Ops, Bijector>) (nn, tf) ->
            InverseAutoregressiveFlow.create(nn, 3, true, tf.constant(new float[][] {{0.5f, -1f, 0.2f, 0.9f, 1f}}), 6, 5)),
        Arguments.of("maf", 4, (BiFunction<Nn, Ops, Bijector>) (nn, tf) ->
            MaskedAutoregressiveFlow.stack(nn, 4, 2, null, 8)),
        Arguments.of("coupling", 4, (BiFunction<Nn, Ops, Bijector>) (nn, tf) -> AffineCoupling.stack(nn, 4, 3, null, 8)),
        Arguments.of("coupling with context, odd d", 3, (BiFunction<Nn, Ops, Bijector>) (nn, tf) ->
            AffineCoupling.create(nn, 3, false, tf.constant(new float[][] {{0.3f, 0.7f}}), 6)));
  }

  static float[] point(int i, int d) {
    return java.util.Arrays.copyOf(POINTS[i], d);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bijectors")
  void logDetMatchesTheNumericalJacobian(String name, int d, BiFunction<Nn, Ops, Bijector> build) {
    try (FlowHarness h = new FlowHarness(d, build)) {
      for (int i = 0; i < POINTS.length; i++) {
        float[] x = point(i, d);
        double numerical = FlowHarness.logAbsDet(h.jacobian(h.forward.value(), x, 1e-2));
        float analytic = h.run(new float[][] {x}, List.of(h.forward.logDetJacobian()))[0][0];
        assertEquals(numerical, analytic, 2e-3 * Math.max(1, Math.abs(numerical)), name + " at point " + i);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bijectors")
  void inverseUndoesForward(String name, int d, BiFunction<Nn, Ops, Bijector> build) {
    try (FlowHarness h = new FlowHarness(d, build)) {
      if (!h.bijector.hasInverse()) {
        assertTrue(name.startsWith("planar"), name + " should have an inverse");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> h.bijector.inverse(h.x));
        assertTrue(e.getMessage().contains("no closed-form inverse"), e.getMessage());
        return;
      }
      float[][] xs = {point(0, d), point(1, d), point(2, d)};
      float[][] fwd = h.run(xs, List.of(h.forward.value(), h.forward.logDetJacobian()));
      float[][] ys = new float[xs.length][d];
      for (int i = 0; i < xs.length; i++) {
        System.arraycopy(fwd[0], i * d, ys[i], 0, d);
      }
      float[][] back = h.run(ys, List.of(h.inverse.value(), h.inverse.logDetJacobian()));
      for (int i = 0; i < xs.length; i++) {
        for (int j = 0; j < d; j++) {
          assertEquals(xs[i][j], back[0][i * d + j], 1e-4, name + ": x[" + i + "][" + j + "]");
        }
        // log|det df^-1/dy| at y = -log|det df/dx| at x.
        assertEquals(-fwd[1][i], back[1][i], 1e-4 * Math.max(1, Math.abs(fwd[1][i])), name + ": log det " + i);
      }
    }
  }

  @Test
  void theFlowsAreNotTheIdentity() {
    // A log-det test passes trivially for the identity: the initialized flows must move points.
    bijectors().forEach(a -> {
      Object[] args = a.get();
      @SuppressWarnings("unchecked")
      BiFunction<Nn, Ops, Bijector> build = (BiFunction<Nn, Ops, Bijector>) args[2];
      int d = (Integer) args[1];
      try (FlowHarness h = new FlowHarness(d, build)) {
        float[] x = point(0, d);
        float[][] out = h.run(new float[][] {x}, List.of(h.forward.value(), h.forward.logDetJacobian()));
        double moved = 0;
        for (int j = 0; j < d; j++) {
          moved = Math.max(moved, Math.abs(out[0][j] - x[j]));
        }
        assertTrue(moved > 1e-2, args[0] + " moved x by " + moved);
        assertFalse(Float.isNaN(out[1][0]), args[0] + " log det");
      }
    });
  }

  @Test
  void chainAppliesTheFirstBijectorFirst() {
    try (FlowHarness h = new FlowHarness(1, (nn, tf) -> Bijector.chain(
        Bijector.affine(tf.constant(1f), tf.constant(2f)), Bijector.exp()))) {
      float y = h.run(new float[][] {{0.5f}}, List.of(h.forward.value()))[0][0];
      assertEquals(Math.exp(2.0), y, 1e-5); // exp(1 + 2 * 0.5), not 1 + 2 exp(0.5)
    }
  }
}
