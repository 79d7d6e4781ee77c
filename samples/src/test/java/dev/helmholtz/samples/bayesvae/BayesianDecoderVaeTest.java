package dev.helmholtz.samples.bayesvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The VAE with a Bayesian decoder: global and per-example latents trained together on minibatches. */
class BayesianDecoderVaeTest {
  @Test
  void aShortRunRaisesTheElboAndMovesTheDecodersPosterior() throws IOException {
    Mnist mnist = Mnist.loadDefault();
    Dataset train = mnist.train().take(600).dataset("x").dynamicallyBinarized("x");
    Dataset test = mnist.test().take(100).dataset("x").binarized("x", 1);
    try (BayesianDecoderVaeModel model = BayesianDecoderVaeModel.create(new BayesianDecoderVae(), Seed.of(7),
        ThreadSettings.of(1, 1))) {
      Map<String, float[]> scalesBefore = model.globalScales();
      assertEquals(List.of("w1", "b1", "w2", "b2"), List.copyOf(scalesBefore.keySet()));
      assertEquals(78400, scalesBefore.get("w2").length);
      assertEquals(0.01f, scalesBefore.get("b2")[0], 1e-6f);
      double before = model.elbo(test);
      model.fit(train, Training.epochs(2).batchSize(50).adam(3e-3).progress(ProgressListener.silent()));
      double after = model.elbo(test);
      // 24 Adam steps from about -545 nats gain tens of nats.
      assertTrue(after > before + 10, "ELBO before " + before + ", after " + after);
      float[] scale = model.globalScales().get("b2");
      float[] mean = model.globalMeans().get("b2");
      boolean moved = false;
      for (int i = 0; i < scale.length; i++) {
        assertTrue(scale[i] > 0 && Float.isFinite(mean[i]), "b2[" + i + "]: " + mean[i] + " +- " + scale[i]);
        moved |= Math.abs(scale[i] - 0.01f) > 1e-4f;
      }
      assertTrue(moved, "the posterior scales of b2 did not train");
      float[][] draws = model.globalDraws("b2", 4, Seed.of(3));
      assertArrayEquals(draws[2], model.globalDraws("b2", 4, Seed.of(3))[2]);
      assertEquals(784, draws[0].length);
      assertEquals(784, model.sample(2)[1].length);
    }
  }
}
