package dev.helmholtz.samples.mixture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The mixture-prior VAE trains on a small MNIST subset: the test ELBO rises and the prior's own
 * parameters (weights, means, scales) are learned, through the Monte Carlo KL.
 */
class VaeMixturePriorTest {

  @Test
  void aShortRunImprovesTheElboAndLearnsThePrior() throws IOException {
    Mnist mnist = Mnist.loadDefault();
    Dataset train = mnist.train().take(1000).dataset("x").dynamicallyBinarized("x");
    Dataset test = mnist.test().take(200).dataset("x").binarized("x", 1);
    try (VaeMixturePriorModel model = VaeMixturePriorModel.create(Seed.of(4))) {
      double before = model.elbo(test);
      model.fit(train, Training.epochs(3).batchSize(50).adam(1e-3).progress(ProgressListener.silent()));
      double after = model.elbo(test);
      assertTrue(Double.isFinite(after) && after > before + 50, "ELBO before " + before + ", after " + after);
      for (String name : new String[] {VaeMixturePrior.LOGITS, VaeMixturePrior.LOCS, VaeMixturePrior.LOG_SCALES}) {
        float[] learned = model.parameter(name);
        double moved = 0;
        for (float v : learned) {
          moved = Math.max(moved, Math.abs(v));
        }
        assertTrue(moved > 1e-3, name + " did not move from its start: " + moved);
      }
      assertEquals(VaeMixturePrior.COMPONENTS, model.parameter(VaeMixturePrior.LOGITS).length);
    }
  }
}
