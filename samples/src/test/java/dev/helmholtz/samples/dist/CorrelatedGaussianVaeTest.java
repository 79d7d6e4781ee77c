package dev.helmholtz.samples.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Multivariate Normal nodes train end to end through the passes: on data made by a linear map of
 * two Gaussian variables plus correlated noise, the IWAE bound of held-out rows improves, and the
 * model generates rows.
 */
class CorrelatedGaussianVaeTest {

  private static Dataset data(int rows, long seed) {
    Random r = new Random(seed);
    float[][] x = new float[rows][6];
    for (float[] row : x) {
      double z1 = r.nextGaussian();
      double z2 = r.nextGaussian();
      double shared = 0.3 * r.nextGaussian(); // noise correlated across the coordinates
      for (int j = 0; j < 6; j++) {
        row[j] = (float) ((j - 2.5) * z1 + (j % 3 - 1) * z2 + shared + 0.05 * r.nextGaussian());
      }
    }
    return Dataset.of("x", x);
  }

  @Test
  void theBoundImprovesAndTheModelGenerates() {
    Dataset train = data(1024, 1);
    Dataset test = data(256, 2);
    try (CorrelatedGaussianVaeModel model = CorrelatedGaussianVaeModel.create(Seed.of(5))) {
      double before = model.objective(test);
      model.fit(train, Training.epochs(5).batchSize(64).adam(1e-2).progress(ProgressListener.silent()));
      double after = model.objective(test);
      assertTrue(Double.isFinite(after) && after > before + 5, "bound before " + before + ", after " + after);
      Map<String, float[][]> generated = model.generate(4);
      assertEquals(4, generated.get("x").length);
      assertEquals(2, generated.get("z")[0].length);
    }
  }
}
