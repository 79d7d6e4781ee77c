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
 * A model over a continuous family other than the Normal trains end to end: on data made by a
 * linear map of two Laplace variables plus Laplace noise, the ELBO of held-out rows improves.
 */
class LaplaceVaeTest {

  private static Dataset data(int rows, long seed) {
    Random r = new Random(seed);
    float[][] x = new float[rows][6];
    for (float[] row : x) {
      double z1 = laplace(r);
      double z2 = laplace(r);
      for (int j = 0; j < 6; j++) {
        row[j] = (float) ((j - 2.5) * z1 + (j % 3 - 1) * z2 + 0.1 * laplace(r));
      }
    }
    return Dataset.of("x", x);
  }

  private static double laplace(Random r) {
    double u = r.nextDouble() - 0.5;
    return -Math.signum(u) * Math.log1p(-2 * Math.abs(u));
  }

  @Test
  void elboImprovesAndTheModelGenerates() {
    Dataset train = data(1024, 1);
    Dataset test = data(256, 2);
    try (LaplaceVaeModel model = LaplaceVaeModel.create(Seed.of(5))) {
      double before = model.elbo(test);
      model.fit(train, Training.epochs(5).batchSize(64).adam(1e-2).progress(ProgressListener.silent()));
      double after = model.elbo(test);
      assertTrue(Double.isFinite(after) && after > before + 5, "ELBO before " + before + ", after " + after);
      Map<String, float[][]> generated = model.generate(4);
      assertEquals(4, generated.get("x").length);
      assertEquals(2, generated.get("z")[0].length);
    }
  }
}
