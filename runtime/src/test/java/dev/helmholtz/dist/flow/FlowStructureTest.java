package dev.helmholtz.dist.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * What the flows' log-determinants rest on: MADE's masks make the autoregressive flows'
 * Jacobians triangular in their order, the planar flow's constraint keeps wᵀû > -1, and
 * gradients through the flows agree with finite differences.
 */
class FlowStructureTest {

  /** dy_i/dx_j is exactly 0 when x_j comes after y_i in the order, and not all below it are. */
  private static void assertTriangular(FlowHarness h, Operand<TFloat32> y, int[] order, boolean strict) {
    double[][] jac = h.jacobian(y, BijectorTest.point(1, h.d), 1e-2);
    boolean someBelow = false;
    for (int i = 0; i < h.d; i++) {
      for (int j = 0; j < h.d; j++) {
        if (order[j] > order[i] || (strict && order[j] == order[i])) {
          assertEquals(0.0, jac[i][j], 0.0, "dy" + i + "/dx" + j + " with degrees " + order[i] + ", " + order[j]);
        } else if (order[j] < order[i] && Math.abs(jac[i][j]) > 1e-4) {
          someBelow = true;
        }
      }
    }
    assertTrue(someBelow, "the flow should depend on earlier coordinates");
  }

  @Test
  void madeOutputsDependOnlyOnEarlierCoordinates() {
    for (boolean reversed : new boolean[] {false, true}) {
      int[] order = MaskedAutoencoder.order(5, reversed);
      Operand<TFloat32>[] outputs = new Operand[2];
      try (FlowHarness h = new FlowHarness(5, (nn, tf) -> {
        MaskedAutoencoder made = MaskedAutoencoder.create(nn, "made", order, 0, 7, 6);
        return new Bijector() { // a view of MADE's outputs at the harness's input
          @Override
          public Transformed forwardWithLogDet(Operand<TFloat32> x) {
            Operand<TFloat32>[] out = made.apply(tf, x, null);
            outputs[0] = out[0];
            outputs[1] = out[1];
            return new Transformed(x, tf.reduceSum(x, tf.constant(-1)));
          }

          @Override
          public Transformed inverseWithLogDet(Operand<TFloat32> y) {
            throw noInverse();
          }

          @Override
          public boolean hasInverse() {
            return false;
          }
        };
      })) {
        assertTriangular(h, outputs[0], order, true);
        assertTriangular(h, outputs[1], order, true);
      }
    }
  }

  @Test
  void autoregressiveFlowsHaveTriangularJacobians() {
    for (boolean reversed : new boolean[] {false, true}) {
      try (FlowHarness h = new FlowHarness(4, (nn, tf) -> InverseAutoregressiveFlow.create(nn, 4, reversed, null, 9))) {
        assertTriangular(h, h.forward.value(), ((InverseAutoregressiveFlow) h.bijector).order(), false);
      }
      try (FlowHarness h = new FlowHarness(4, (nn, tf) -> MaskedAutoregressiveFlow.create(nn, 4, reversed, null, 9))) {
        int[] order = ((MaskedAutoregressiveFlow) h.bijector).order();
        assertTriangular(h, h.forward.value(), order, false);
        assertTriangular(h, h.inverse.value(), order, false);
      }
    }
  }

  @Test
  void planarFlowKeepsItsDeterminantPositive() {
    // w.u = -6 would make 1 + tanh'(a) w.u negative somewhere; the constraint gives w.û = -1 + softplus(-6).
    try (FlowHarness h = new FlowHarness(2, (nn, tf) -> PlanarFlow.of(
        tf.constant(new float[] {-3f, 0f}), tf.constant(new float[] {2f, 0f}), tf.constant(0f)))) {
      float[][] xs = new float[41][];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = new float[] {-2f + 0.1f * i, 0.5f};
      }
      float[] logDet = h.run(xs, List.of(h.forward.logDetJacobian()))[0];
      double softplus = Math.log1p(Math.exp(-6));
      for (int i = 0; i < xs.length; i++) {
        double a = 2 * xs[i][0];
        double slope = 1 - Math.pow(Math.tanh(a), 2);
        assertEquals(Math.log(1 + slope * (-1 + softplus)), logDet[i], 1e-4, "at " + xs[i][0]);
      }
      // and the map is monotone along w: forward x1 increases with x0
      float[] y = h.run(xs, List.of(h.forward.value()))[0];
      for (int i = 1; i < xs.length; i++) {
        assertTrue(y[2 * i] > y[2 * (i - 1)], "planar flow folded the line at " + xs[i][0]);
      }
    }
  }

  /** Gradient of L = sum(c * y) + sum(log det) with respect to {@code inputs}, against central differences. */
  @Test
  void gradientsThroughPlanarAndRadialParametersMatchFiniteDifferences() {
    checkParameterGradients(false);
    checkParameterGradients(true);
  }

  private static void checkParameterGradients(boolean radial) {
    float[][] values = radial
        ? new float[][] {{0.2f, -0.3f, 0.5f}, {0.4f}, {0.9f}}
        : new float[][] {{0.7f, -0.5f, 1.1f}, {0.6f, 0.3f, -0.8f}, {0.25f}};
    Placeholder<TFloat32>[] params = new Placeholder[3];
    Operand<TFloat32>[] loss = new Operand[1];
    Output<?>[][] grads = new Output[1][];
    try (FlowHarness h = new FlowHarness(3, (nn, tf) -> {
      for (int i = 0; i < 3; i++) {
        params[i] = tf.placeholder(TFloat32.class, Placeholder.shape(
            values[i].length == 1 ? org.tensorflow.ndarray.Shape.scalar() : org.tensorflow.ndarray.Shape.of(3)));
      }
      return radial ? RadialFlow.of(params[0], params[1], params[2]) : PlanarFlow.of(params[0], params[1], params[2]);
    })) {
      var tf = h.tf;
      loss[0] = tf.math.add(tf.reduceSum(tf.math.mul(h.forward.value(), tf.constant(new float[] {0.3f, -1.2f, 0.8f})),
          tf.constant(new int[] {0, 1})), tf.reduceSum(h.forward.logDetJacobian(), tf.constant(0)));
      var g = tf.gradients(loss[0], List.of(params[0], params[1], params[2], h.x));
      float[][] xs = {BijectorTest.point(0, 3), BijectorTest.point(2, 3)};
      float[][] analytic = runWith(h, params, values, xs, List.of(g.dy(0), g.dy(1), g.dy(2), g.dy(3)));
      double eps = 1e-2;
      for (int p = 0; p < 3; p++) {
        for (int j = 0; j < values[p].length; j++) {
          float[][] plus = copy(values);
          float[][] minus = copy(values);
          plus[p][j] += (float) eps;
          minus[p][j] -= (float) eps;
          double numerical = (runWith(h, params, plus, xs, List.of(loss[0]))[0][0]
              - runWith(h, params, minus, xs, List.of(loss[0]))[0][0]) / (plus[p][j] - minus[p][j]);
          assertEquals(numerical, analytic[p][j], 3e-3 * Math.max(1, Math.abs(numerical)),
              (radial ? "radial" : "planar") + " parameter " + p + "[" + j + "]");
        }
      }
      for (int i = 0; i < xs.length; i++) {
        for (int j = 0; j < 3; j++) {
          float[][] plus = {xs[0].clone(), xs[1].clone()};
          float[][] minus = {xs[0].clone(), xs[1].clone()};
          plus[i][j] += (float) eps;
          minus[i][j] -= (float) eps;
          double numerical = (runWith(h, params, values, plus, List.of(loss[0]))[0][0]
              - runWith(h, params, values, minus, List.of(loss[0]))[0][0]) / (plus[i][j] - minus[i][j]);
          assertEquals(numerical, analytic[3][i * 3 + j], 3e-3 * Math.max(1, Math.abs(numerical)),
              (radial ? "radial" : "planar") + " input " + i + "," + j);
        }
      }
    }
  }

  @Test
  void gradientsWithRespectToTheInputOfTheAutoregressiveAndCouplingFlowsMatchFiniteDifferences() {
    List<java.util.function.BiFunction<dev.helmholtz.nn.Nn, org.tensorflow.op.Ops, Bijector>> builds = List.of(
        (nn, tf) -> InverseAutoregressiveFlow.stack(nn, 3, 2, null, 6),
        (nn, tf) -> MaskedAutoregressiveFlow.create(nn, 3, false, null, 6),
        (nn, tf) -> AffineCoupling.stack(nn, 3, 2, null, 6));
    for (var build : builds) {
      try (FlowHarness h = new FlowHarness(3, build)) {
        var tf = h.tf;
        Operand<TFloat32> loss = tf.math.add(tf.reduceSum(tf.math.mul(h.forward.value(),
            tf.constant(new float[] {0.3f, -1.2f, 0.8f})), tf.constant(new int[] {0, 1})),
            tf.reduceSum(h.forward.logDetJacobian(), tf.constant(0)));
        var g = tf.gradients(loss, List.of(h.x));
        float[] x = BijectorTest.point(1, 3);
        float[] analytic = h.run(new float[][] {x}, List.of(g.dy(0)))[0];
        for (int j = 0; j < 3; j++) {
          float[] plus = x.clone();
          float[] minus = x.clone();
          plus[j] += 1e-2f;
          minus[j] -= 1e-2f;
          double numerical = (h.run(new float[][] {plus}, List.of(loss))[0][0]
              - h.run(new float[][] {minus}, List.of(loss))[0][0]) / (plus[j] - minus[j]);
          assertEquals(numerical, analytic[j], 3e-3 * Math.max(1, Math.abs(numerical)), h.bijector.name() + " x" + j);
        }
      }
    }
  }

  private static float[][] copy(float[][] v) {
    float[][] c = new float[v.length][];
    for (int i = 0; i < v.length; i++) {
      c[i] = v[i].clone();
    }
    return c;
  }

  private static float[][] runWith(FlowHarness h, Placeholder<TFloat32>[] params, float[][] values, float[][] xs,
      List<Operand<TFloat32>> outputs) {
    List<org.tensorflow.Tensor> fed = new java.util.ArrayList<>();
    try {
      float[] flat = new float[xs.length * h.d];
      for (int i = 0; i < xs.length; i++) {
        System.arraycopy(xs[i], 0, flat, i * h.d, h.d);
      }
      TFloat32 x = TFloat32.tensorOf(org.tensorflow.ndarray.Shape.of(xs.length, h.d),
          org.tensorflow.ndarray.buffer.DataBuffers.of(flat, true, false));
      fed.add(x);
      var runner = h.session.runner().feed(h.x, x);
      for (int i = 0; i < params.length; i++) {
        TFloat32 t = values[i].length == 1 && params[i].shape().numDimensions() == 0
            ? TFloat32.scalarOf(values[i][0])
            : TFloat32.vectorOf(values[i]);
        fed.add(t);
        runner.feed(params[i], t);
      }
      outputs.forEach(runner::fetch);
      try (var result = runner.run()) {
        float[][] out = new float[outputs.size()][];
        for (int i = 0; i < outputs.size(); i++) {
          TFloat32 t = (TFloat32) result.get(i);
          out[i] = new float[(int) t.shape().size()];
          t.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(out[i], false, false));
        }
        return out;
      }
    } finally {
      fed.forEach(org.tensorflow.Tensor::close);
    }
  }
}
