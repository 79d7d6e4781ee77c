package dev.helmholtz.dist.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.nn.VariableStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.op.Ops;

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
}
