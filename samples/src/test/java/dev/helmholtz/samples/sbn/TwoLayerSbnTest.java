package dev.helmholtz.samples.sbn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two binary layers under VIMCO: the generated model trains both, in topological order. */
class TwoLayerSbnTest {
  @Test
  void vimcoTrainsBothBinaryLayers() throws IOException {
    Mnist mnist = Mnist.loadDefault();
    Dataset train = mnist.train().take(1000).dataset("x").dynamicallyBinarized("x");
    Dataset test = mnist.test().take(200).dataset("x").binarized("x", 1);
    try (TwoLayerSbnModel model = TwoLayerSbnModel.create(new TwoLayerSbn(), Seed.of(3), ThreadSettings.of(1, 1))) {
      assertEquals(List.of("z2", "z1", "x"), model.spec().nodes().stream().map(n -> n.name()).toList());
      float[] before = model.parameter("inferZ2/dense_0/kernel");
      double boundBefore = model.logLikelihood(test, 3);
      model.fit(train, Training.epochs(2).batchSize(50).adam(3e-3).progress(ProgressListener.silent()));
      double boundAfter = model.logLikelihood(test, 3);
      // As for the one-layer models: tens of nats in 40 steps, far beyond the noise.
      assertTrue(boundAfter > boundBefore + 10, "bound before " + boundBefore + ", after " + boundAfter);
      float[] after = model.parameter("inferZ2/dense_0/kernel");
      double moved = 0;
      for (int i = 0; i < before.length; i++) {
        moved += Math.abs(after[i] - before[i]);
      }
      // The top encoder gets only score-function gradients: it must still have learned.
      assertTrue(moved > 0.1, "q(z2 | z1) barely moved: " + moved);
      float[][] codes = model.encodeAll(Dataset.of("x", java.util.Arrays.copyOf(mnist.test().images(), 4))).get("z2");
      assertEquals(10, codes[0].length);
    }
  }
}
