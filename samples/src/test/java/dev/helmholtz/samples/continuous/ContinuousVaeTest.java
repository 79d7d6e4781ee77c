package dev.helmholtz.samples.continuous;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The VAE of MNIST's 8-bit intensities trains: on a subset, the test ELBO under the discretized
 * logistic rises, the importance-sampled bound is above it, and its means are intensities. Data
 * that are not intensities (binarized ones are; intensities off the 1/255 grid are not) are refused
 * naming the node.
 */
class ContinuousVaeTest {

  @Test
  void aShortRunImprovesTheBoundOnIntensities() throws IOException {
    Mnist mnist = Mnist.loadDefault();
    Dataset train = mnist.train().take(2000).dataset("x");
    Dataset test = mnist.test().take(200).dataset("x");
    try (ContinuousVaeModel vae = ContinuousVaeModel.create(Seed.of(1))) {
      double before = vae.elbo(test);
      vae.fit(train, Training.epochs(2).batchSize(100).adam(1e-3).progress(ProgressListener.silent()));
      double after = vae.elbo(test);
      double logLikelihood = vae.logLikelihood(test, 10);
      // Bits per dimension: 8 for a uniform guess over 256 levels; a short run is well under it.
      double bitsPerDim = -logLikelihood / (784 * Math.log(2));
      assertTrue(after > before + 100, "ELBO before " + before + ", after " + after);
      assertTrue(logLikelihood >= after - 1, "log-likelihood " + logLikelihood + " below the ELBO " + after);
      assertTrue(bitsPerDim > 0 && bitsPerDim < 4, "bits/dim " + bitsPerDim);
      float[][] means = vae.reconstruct(mnist.test().take(4).images());
      for (float[] row : means) {
        for (float v : row) {
          assertTrue(v >= 0 && v <= 1, "a mean intensity of " + v);
        }
      }
    }
  }

  @Test
  void valuesOffTheIntensityGridAreRefusedNamingTheNode() {
    float[][] rows = {new float[784]};
    rows[0][5] = 0.5f; // 127.5 / 255: between two levels
    try (ContinuousVaeModel vae = ContinuousVaeModel.create(Seed.of(1))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vae.elbo(Dataset.of("x", rows)));
      assertTrue(e.getMessage().contains("column 'x' holds 0.5 at row 0, position 5"), e.getMessage());
      assertTrue(e.getMessage().contains("observed node 'x' of dev.helmholtz.samples.continuous.ContinuousVae is "
          + "DiscretizedLogistic, whose values are 8-bit intensities k/255 in [0, 1]"), e.getMessage());
      rows[0][5] = 128 / 255f;
      assertEquals(1, vae.encode(rows).length);
    }
  }
}
