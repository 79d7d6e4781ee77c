package dev.helmholtz.samples.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The gamma-based families train end to end through generated code: on positive data made from
 * Dirichlet mixture weights over three profiles with gamma noise, the held-out ELBO improves, the
 * model generates rows on the simplex and positive data, and a zero in the data fails naming the
 * node.
 */
class DirichletGammaVaeTest {

  private static final double[][] PROFILES = {{3, 1, 0.5, 0.5, 1, 3}, {0.5, 3, 3, 1, 0.5, 0.5}, {1, 0.5, 1, 3, 3, 1}};

  private static Dataset data(int rows, long seed) {
    Random r = new Random(seed);
    float[][] x = new float[rows][6];
    for (float[] row : x) {
      double[] w = new double[3];
      double sum = 0;
      for (int k = 0; k < 3; k++) {
        w[k] = -Math.log(1 - r.nextDouble());
        sum += w[k];
      }
      for (int j = 0; j < 6; j++) {
        double mean = 0;
        for (int k = 0; k < 3; k++) {
          mean += w[k] / sum * PROFILES[k][j];
        }
        // Gamma(4) / 4 noise: an Erlang draw, the sum of four exponentials.
        double noise = 0;
        for (int i = 0; i < 4; i++) {
          noise -= Math.log(1 - r.nextDouble());
        }
        row[j] = (float) (mean * noise / 4);
      }
    }
    return Dataset.of("x", x);
  }

  @Test
  void elboImprovesAndTheModelGenerates() {
    Dataset train = data(1024, 1);
    Dataset test = data(256, 2);
    try (DirichletGammaVaeModel model = DirichletGammaVaeModel.create(Seed.of(5))) {
      double before = model.elbo(test);
      model.fit(train, Training.epochs(5).batchSize(64).adam(1e-2).progress(ProgressListener.silent()));
      double after = model.elbo(test);
      // Measured: -10.12 before, -7.10 after (nats per example of six values).
      assertTrue(Double.isFinite(after) && after > before + 2, "ELBO before " + before + ", after " + after);
      Map<String, float[][]> generated = model.generate(4);
      for (float[] w : generated.get("w")) {
        assertEquals(1, w[0] + w[1] + w[2], 1e-5);
      }
      for (float[] x : generated.get("x")) {
        for (float v : x) {
          assertTrue(v > 0, "a generated gamma value " + v);
        }
      }
    }
  }

  @Test
  void dataOutsideTheSupportFailsNamingTheNode() {
    float[][] rows = {{1, 1, 1, 1, 1, 1}, {1, 1, 0, 1, 1, 1}};
    try (DirichletGammaVaeModel model = DirichletGammaVaeModel.create(Seed.of(5))) {
      Exception e = assertThrows(Exception.class, () -> model.elbo(Dataset.of("x", rows)));
      assertTrue(e.getMessage().startsWith("column 'x' holds 0.0 at row 1, position 2"), e.getMessage());
      assertTrue(e.getMessage().contains("observed node 'x' of dev.helmholtz.samples.dist.DirichletGammaVae is Gamma"),
          e.getMessage());
    }
  }
}
