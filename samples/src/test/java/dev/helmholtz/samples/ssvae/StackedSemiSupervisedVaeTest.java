package dev.helmholtz.samples.ssvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.vae.Vae;
import dev.helmholtz.samples.vae.VaeModel;
import dev.helmholtz.train.ThreadSettings;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * M1+M2's composition: a VAE's posterior means become the observed column of the stacked M2,
 * unchanged and row for row with the labels that come along, and M2 reads them as given.
 */
class StackedSemiSupervisedVaeTest {
  @Test
  void encodeMeansPassesThePosteriorMeansAndLabelsThroughUnchanged() throws IOException {
    Mnist.Split train = Mnist.loadDefault().train().take(300);
    SemiSupervisedData semi = SemiSupervisedData.of(train, 20, 0.2, 5);
    Dataset data = semi.train();
    try (VaeModel m1 = VaeModel.create(new Vae(), Seed.of(2), ThreadSettings.of(1, 1));
        StackedSemiSupervisedVaeModel m2 = StackedSemiSupervisedVaeModel.create(new StackedSemiSupervisedVae(),
            Seed.of(3), ThreadSettings.of(1, 1))) {
      Dataset features = m1.encodeMeans(data, "z", "features");
      assertEquals(java.util.List.of("features", "y"), features.columns(), "the images stay behind, the labels come");
      assertEquals(data.size(), features.size());
      float[][] means = m1.encodeAll(Dataset.of("x", images(data))).get("z");
      assertArrayEquals(flat(means), features.flat("features"), "the features are M1's posterior means, row for row");
      assertArrayEquals(data.flat("y"), features.flat("y"), "the labels come along row for row");
      assertTrue(java.util.Arrays.stream(means).mapToDouble(r -> Math.abs(r[0])).max().orElseThrow() > 1e-3);

      // M2 reads the composed column as the features it is given directly.
      Dataset direct = Dataset.of("features", means).with("y", data.flat("y"), Mnist.CLASSES);
      assertArrayEquals(m2.classProbabilities(direct), m2.classProbabilities(features));
      float[][] reconstructed = m2.reconstructAll(features).get("features");
      assertArrayEquals(m2.reconstructAll(direct).get("features"), reconstructed);
      assertEquals(StackedSemiSupervisedVae.FEATURES, reconstructed[0].length);
      assertTrue(Double.isFinite(m2.elbo(features)));

      IllegalArgumentException notLatent = assertThrows(IllegalArgumentException.class,
          () -> m1.encodeMeans(data, "x", "features"));
      assertEquals("'x' is not a latent of dev.helmholtz.samples.vae.Vae; its latents are [z]", notLatent.getMessage());
      assertThrows(IllegalArgumentException.class, () -> m1.encodeMeans(data, "z", "y"));
    }
  }

  private static float[][] images(Dataset data) {
    float[] flat = data.flat("x");
    float[][] rows = new float[data.size()][784];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(flat, i * 784, rows[i], 0, 784);
    }
    return rows;
  }

  private static float[] flat(float[][] rows) {
    float[] out = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, out, i * rows[0].length, rows[i].length);
    }
    return out;
  }
}
