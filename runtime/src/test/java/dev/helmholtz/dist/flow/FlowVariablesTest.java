package dev.helmholtz.dist.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.TfTesting;
import dev.helmholtz.graph.Seed;
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
 * A flow's parameters are variables of the network that builds it, named by layer kind and
 * count: every pass that calls the network again with a fresh {@code Nn} gets the same ones (the
 * training and evaluation passes must share the trained flow).
 */
class FlowVariablesTest {
  private static void buildEncoderFlows(Nn nn, Ops tf) {
    var h = tf.constant(new float[][] {{1f, 2f, 3f}});
    PlanarFlow.stack(nn, 4, 2);
    RadialFlow.create(nn, 4);
    InverseAutoregressiveFlow.stack(nn, 4, 2, h, 5);
    MaskedAutoregressiveFlow.create(nn, 4, true, null, 5);
    AffineCoupling.create(nn, 4, false, h, 5);
  }

  @Test
  void aSecondCallOfTheNetworkReusesEveryFlowVariable() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VariableStore store = new VariableStore(tf, new RandomSource(tf, Seed.of(1)));
      buildEncoderFlows(new Nn(store, "encode"), tf);
      List<String> names = store.trainableVariables().stream().map(v -> v.op().name()).toList();
      buildEncoderFlows(new Nn(store, "encode"), tf);
      assertEquals(names, store.trainableVariables().stream().map(v -> v.op().name()).toList());
      assertTrue(names.contains("encode/planar_1/u"), names.toString());
      assertTrue(names.contains("encode/iaf_1/context/kernel"), names.toString());
      assertTrue(names.contains("encode/maf_0/hidden_0/kernel"), names.toString());
      assertTrue(names.contains("encode/coupling_0/context/kernel"), names.toString());
      assertTrue(names.contains("encode/radial_0/z0"), names.toString());
    }
  }

  /**
   * A pass maps a flow's conditioning as it maps the posterior's parameters, by functions made for
   * the node's width d (here [B, d] to [k, B, d]); a context of another width (the encoder's h, 7
   * wide for d = 3) goes through them in pieces and keeps its rows: each of the k copies transforms
   * z as the unmapped flow does.
   */
  @Test
  void aContextOfAnyWidthMapsWithTheParametersRowByRow() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      VariableStore store = new VariableStore(tf, new RandomSource(tf, Seed.of(3)));
      Operand<TFloat32> h = tf.constant(new float[][] {{1f, -2f, 0.5f, 3f, 0f, 1f, -1f}, {0.3f, 0.2f, -1f, 2f, 1f, 0f, 0.5f}});
      Operand<TFloat32> z = tf.constant(new float[][] {{0.1f, -0.4f, 1f}, {2f, 0.5f, -1f}});
      Nn nn = new Nn(store, "encode");
      List<Bijector> flows = List.of(InverseAutoregressiveFlow.create(nn, 3, false, h, 5),
          MaskedAutoregressiveFlow.create(nn, 3, true, h, 5), AffineCoupling.create(nn, 3, false, h, 5));
      for (Bijector flow : flows) {
        Bijector mapped = flow.mapConditioning(x -> tf.broadcastTo(x, tf.constant(new long[] {4, 2, 3})));
        Operand<TFloat32> once = flow.forwardWithLogDet(z).value();
        Operand<TFloat32> copies = mapped.forwardWithLogDet(tf.broadcastTo(z, tf.constant(new long[] {4, 2, 3}))).value();
        Session.Runner init = s.runner();
        for (Op op : store.initializers()) {
          init.addTarget(op);
        }
        init.run().close();
        List<TfTesting.Fetched> out = TfTesting.fetch(s, once, copies);
        assertEquals(24, out.get(1).values().length, flow.name());
        for (int i = 0; i < 24; i++) {
          assertEquals(out.get(0).values()[i % 6], out.get(1).values()[i], 1e-6, flow.name() + " at " + i);
        }
      }
    }
  }
}
