package dev.helmholtz.samples.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A hierarchical model with a structured posterior and the IWAE objective runs end to end: a
 * latent inferred from another latent and generated from a third node exercise every way
 * generated code folds, tiles and unfolds sample axes.
 */
class TwoLayerVaeTest {
  @Test
  void trainsSamplesAndEvaluates() throws IOException {
    Mnist mnist = Mnist.loadDefault();
    Dataset train = mnist.train().take(1000).dataset("x").dynamicallyBinarized("x");
    Dataset test = mnist.test().take(200).dataset("x").binarized("x", 1);
    try (TwoLayerVaeModel model = TwoLayerVaeModel.create(Seed.of(4))) {
      double before = model.logLikelihood(test, 10);
      model.fit(train, Training.epochs(3).batchSize(50).adam(3e-3).progress(ProgressListener.silent()));
      double after = model.logLikelihood(test, 10);
      assertTrue(after > before + 50, "IWAE(10) before " + before + ", after " + after);
      double elbo = model.elbo(test);
      assertTrue(elbo < model.logLikelihood(test, 100), "ELBO " + elbo + " must lie below IWAE(100)");

      Map<String, float[][]> generated = model.generate(6);
      assertEquals(6, generated.get("x").length);
      assertEquals(8, generated.get("z2")[0].length);
      assertEquals(16, generated.get("z1")[0].length);
      Map<String, float[][]> codes = model.encodeAll(test.take(4));
      assertEquals(4, codes.get("z1").length);
      assertEquals(8, codes.get("z2")[0].length);
      assertEquals(784, model.reconstruct(new float[3][784])[2].length);
    }
  }
}
