package dev.helmholtz.dist;

import static dev.helmholtz.graph.TfTesting.fetch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.dist.flow.AffineCoupling;
import dev.helmholtz.dist.flow.Bijector;
import dev.helmholtz.dist.flow.InverseAutoregressiveFlow;
import dev.helmholtz.dist.flow.PlanarFlow;
import dev.helmholtz.dist.flow.RadialFlow;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting.Fetched;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.nn.VariableStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The change of variables: exp of a Normal against the LogNormal's closed form, a draw's
 * remembered density against the density through the inverse, and the refusal to score a value
 * a flow without an inverse did not draw.
 */
class TransformedDistributionTest {

  private static final float[][] MEAN = {{0.3f, -0.5f, 1.0f}, {-1.2f, 0.4f, 0.0f}};
  private static final float[][] SCALE = {{0.5f, 1.3f, 0.8f}, {0.9f, 0.2f, 1.1f}};

  private static void init(Session s, VariableStore store) {
    if (store.initializers().isEmpty()) {
      return;
    }
    Session.Runner runner = s.runner();
    for (Op op : store.initializers()) {
      runner.addTarget(op);
    }
    runner.run().close();
  }

  @Test
  void expOfNormalIsLogNormal() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> mean = tf.constant(MEAN);
      Operand<TFloat32> scale = tf.constant(SCALE);
      TransformedDistribution q = TransformedDistribution.of(Normal.meanScale(mean, scale), Bijector.exp());
      LogNormal reference = LogNormal.locScale(mean, scale);
      Operand<TFloat32> external = tf.constant(new float[][][] {
          {{0.4f, 2.0f, 1.5f}, {0.1f, 1.0f, 3.0f}}, {{5.0f, 0.7f, 0.2f}, {1.1f, 1.3f, 0.9f}}});
      Operand<TFloat32> draw = q.rsample(new RandomSource(tf, Seed.of(4)));
      List<Fetched> out = fetch(s, q.logProb(external), reference.logProb(external), q.logProb(draw),
          reference.logProb(draw), q.mean(), tf.math.exp(mean));
      for (int i = 0; i < 4; i++) {
        assertEquals(out.get(1).get(i), out.get(0).get(i), 1e-4, "external value " + i);
      }
      for (int i = 0; i < 2; i++) {
        assertEquals(out.get(3).get(i), out.get(2).get(i), 1e-4, "own draw " + i);
      }
      assertEquals(out.get(5).size(), out.get(4).size());
      for (int i = 0; i < out.get(4).size(); i++) {
        assertEquals(out.get(5).get(i), out.get(4).get(i), 1e-5, "mean is exp of the base's mean");
      }
    }
  }

  @Test
  void aDrawsRememberedDensityIsTheDensityThroughTheInverse() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      VariableStore store = new VariableStore(tf, new RandomSource(tf, Seed.of(2)));
      Nn nn = new Nn(store, "encode");
      Normal base = Normal.meanScale(tf.constant(MEAN), tf.constant(SCALE));
      Bijector flow = Bijector.chain(RadialFlow.of(tf.constant(new float[] {0.2f, 0.1f, -0.3f}), tf.constant(0.2f),
          tf.constant(1.5f)), InverseAutoregressiveFlow.stack(nn, 3, 2, tf.constant(MEAN), 8),
          AffineCoupling.create(nn, 3, true, null, 8), Bijector.softplus());
      TransformedDistribution q = TransformedDistribution.of(base, flow);
      Operand<TFloat32> draw = q.rsample(new RandomSource(tf, Seed.of(9)));
      // A distribution with no memory of the draw scores it through the inverse.
      TransformedDistribution fresh = TransformedDistribution.of(base, flow);
      init(s, store);
      List<Fetched> out = fetch(s, q.logProb(draw), fresh.logProb(draw));
      for (int i = 0; i < 2; i++) {
        assertEquals(out.get(1).get(i), out.get(0).get(i), 2e-3 * Math.max(1, Math.abs(out.get(0).get(i))), "row " + i);
      }
    }
  }

  @Test
  void copiesShareTheMemoryOfDrawsAndAFlowWithoutInverseRefusesOtherValues() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      VariableStore store = new VariableStore(tf, new RandomSource(tf, Seed.of(2)));
      TransformedDistribution q = TransformedDistribution.of(Normal.meanScale(tf.constant(MEAN), tf.constant(SCALE)),
          PlanarFlow.stack(new Nn(store, "encode"), 3, 4));
      // The copy a pass draws from: parameters broadcast over k = 5 samples.
      TransformedDistribution broadcast = q.mapParameters(
          p -> tf.broadcastTo(p, tf.constant(new int[] {5, 2, 3})));
      Operand<TFloat32> draw = broadcast.rsample(new RandomSource(tf, Seed.of(1)));
      assertSame(broadcast.logProb(draw), q.logProb(draw));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> q.logProb(tf.constant(MEAN)));
      assertTrue(e.getMessage().contains("Chain[PlanarFlow, PlanarFlow, PlanarFlow, PlanarFlow] has no closed-form inverse"), e.getMessage());
      assertThrows(IllegalStateException.class, q::entropy);
      init(s, store);
      Fetched logQ = fetch(s, q.logProb(draw)).get(0);
      assertEquals(2, logQ.shape().length);
      assertEquals(5, logQ.shape()[0]);
      for (float v : logQ.values()) {
        assertTrue(Float.isFinite(v), "log q " + v);
      }
    }
  }

  @Test
  void aPlanarFlowOverANormalIntegratesToOne() {
    // In 1-D, q(y) on a fine grid through the flow's samples' density is not available (no
    // inverse), so integrate in the base: E_{x ~ N}[1] = sum q(f(x)) |f'(x)| dx over a grid of x.
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      int n = 4001;
      float[][] grid = new float[n][1];
      for (int i = 0; i < n; i++) {
        grid[i][0] = -10f + 20f * i / (n - 1);
      }
      Bijector flow = Bijector.chain(
          PlanarFlow.of(tf.constant(new float[] {1.7f}), tf.constant(new float[] {1.4f}), tf.constant(0.5f)),
          PlanarFlow.of(tf.constant(new float[] {-0.6f}), tf.constant(new float[] {2.2f}), tf.constant(-0.3f)));
      Operand<TFloat32> x = tf.constant(grid);
      Bijector.Transformed y = flow.forwardWithLogDet(x);
      // The flow's density at y = f(x), times dy = f'(x) dx, is the base's density times dx.
      Operand<TFloat32> logQ = tf.math.sub(Normal.standard(tf, tf.shape(x, org.tensorflow.types.TInt64.class))
          .logProb(x), y.logDetJacobian());
      List<Fetched> out = fetch(s, y.value(), logQ);
      double integral = 0;
      for (int i = 1; i < n; i++) { // trapezoid in y
        double dy = out.get(0).get(i) - out.get(0).get(i - 1);
        assertTrue(dy > 0, "the 1-D flow is increasing");
        integral += 0.5 * dy * (Math.exp(out.get(1).get(i)) + Math.exp(out.get(1).get(i - 1)));
      }
      assertEquals(1.0, integral, 1e-3);
    }
  }
}
