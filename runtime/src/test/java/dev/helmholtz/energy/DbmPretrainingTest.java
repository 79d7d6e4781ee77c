package dev.helmholtz.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ScalarSchedule;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Salakhutdinov and Hinton's (2009) pretraining of a 4-3-2 DBM: the composed machine's conditionals
 * against its two modified RBMs', and the pretrained start against a random one at equal updates.
 */
class DbmPretrainingTest {
  private static final int V = 4;
  private static final int H1 = 3;
  private static final int H2 = 2;
  private static final ThreadSettings ONE = ThreadSettings.of(1, 1);

  private static float[] gaussian(Random random, int n, double scale) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (scale * random.nextGaussian());
    }
    return out;
  }

  private static double logit(double p) {
    return Math.log(p) - Math.log1p(-p);
  }

  private static float[][] binaryRows(int width) {
    float[][] rows = new float[1 << width][width];
    for (int s = 0; s < rows.length; s++) {
      for (int j = 0; j < width; j++) {
        rows[s][j] = s >> j & 1;
      }
    }
    return rows;
  }

  /**
   * Each module's h1 saw its neighbour layer twice; composed, h1 sees v and h2 once each: the DBM's
   * logit for h1 given (v, h2) is the mean of the bottom module's given v and the top module's given
   * h2 (a DBM that took the modules' weights doubled, or forgot that h1 now has two inputs, fails
   * this), and p(v | h1), p(h2 | h1) are the modules' own.
   */
  @Test
  void theComposedMachinesFirstLayerAveragesTheModulesInputsAndTheOtherConditionalsAreTheModules() {
    Random random = new Random(11);
    try (DbmPretraining modules = new DbmPretraining(V, H1, H2, 1, Seed.of(3), ONE);
        DeepBoltzmannMachine dbm = new DeepBoltzmannMachine(V, H1, H2, 5, 1, Seed.of(4), ONE)) {
      modules.bottom().setParameters(Map.of(DbmPretraining.KERNEL, gaussian(random, H1 * V, 1),
          DbmPretraining.BIAS, gaussian(random, V, 1), DbmPretraining.HIDDEN_BIAS, gaussian(random, H1, 1)));
      modules.top().setParameters(Map.of(DbmPretraining.KERNEL, gaussian(random, H2 * H1, 1),
          DbmPretraining.BIAS, gaussian(random, H1, 1), DbmPretraining.SECOND_BIAS, gaussian(random, H2, 1)));
      dbm.setParameters(modules.composed());

      float[][] v = binaryRows(V);
      float[][] h2 = new float[v.length][];
      for (int i = 0; i < v.length; i++) {
        h2[i] = new float[] {i % 2, i / 4 % 2};
      }
      float[][] dbmFirst = dbm.energyModel().latentMeans(Dataset.of("v", v).with("h2", h2)).get("h1");
      float[][] fromBelow = modules.bottom().latentMeans(modules.bottomData(Dataset.of("v", v))).get("h1");
      float[][] fromAbove = modules.top().observedMeans(Dataset.of("h2", h2).with(DbmPretraining.SECOND_COPY, h2))
          .get("h1");
      double largestModuleLogit = 0;
      for (int i = 0; i < v.length; i++) {
        for (int j = 0; j < H1; j++) {
          double expected = (logit(fromBelow[i][j]) + logit(fromAbove[i][j])) / 2;
          assertEquals(expected, logit(dbmFirst[i][j]), 2e-3, "h1 logit, row " + i + " unit " + j);
          largestModuleLogit = Math.max(largestModuleLogit, Math.abs(logit(fromBelow[i][j])));
        }
      }
      assertTrue(largestModuleLogit > 1, "the weights are large enough for a doubling to show");

      float[][] h1 = binaryRows(H1);
      Map<String, float[][]> down = dbm.energyModel().observedMeans(Dataset.of("h1", h1));
      float[][] visible = modules.bottom().observedMeans(Dataset.of("h1", h1)).get("v");
      float[][] second = modules.top().latentMeans(Dataset.of("h1", h1)).get("h2");
      for (int i = 0; i < h1.length; i++) {
        for (int j = 0; j < V; j++) {
          assertEquals(visible[i][j], down.get("v")[i][j], 1e-6, "p(v | h1)");
        }
        for (int k = 0; k < H2; k++) {
          assertEquals(second[i][k], down.get("h2")[i][k], 1e-6, "p(h2 | h1)");
        }
      }
    }
  }

  /**
   * At equal DBM updates (one epoch, 6 updates), the machine started from the pretrained modules has
   * a higher exact log-likelihood and a higher bound (with the exact log Z) than one started from
   * small random weights, which has barely moved from uniform.
   */
  @Test
  void aPretrainedStartBeatsARandomOneAtEqualUpdates() {
    float[][] data = new float[60][];
    for (int i = 0; i < data.length; i++) {
      data[i] = i % 3 == 0 ? new float[] {1, 1, 0, 0} : i % 3 == 1 ? new float[] {0, 0, 1, 1} : new float[] {1, 0, 1, 1};
    }
    Dataset train = Dataset.of("v", data);
    float[][] distinct = {data[0], data[1], data[2]};
    Training pretraining = Training.epochs(15).batchSize(10).adam(0.1).seed(2).progress(ProgressListener.silent())
        .schedule("momentum", ScalarSchedule.linear(0.5, 0.9, 30));
    Training fineTuning = Training.epochs(1).batchSize(10).adam(0.05).seed(3).progress(ProgressListener.silent());
    double[] logLikelihood = new double[2];
    double[] bound = new double[2];
    for (int pretrained = 0; pretrained < 2; pretrained++) {
      try (DeepBoltzmannMachine dbm = new DeepBoltzmannMachine(V, H1, H2, 20, 1, Seed.of(7), ONE)) {
        if (pretrained == 1) {
          try (DbmPretraining modules = new DbmPretraining(V, H1, H2, 1, Seed.of(8), ONE)) {
            modules.fit(train, pretraining, pretraining);
            dbm.setParameters(modules.composed());
          }
        }
        assertEquals(6, dbm.fit(train, fineTuning, 5).steps());
        double logZ = dbm.exactLogPartition();
        logLikelihood[pretrained] = exactLogLikelihood(dbm, distinct, logZ);
        bound[pretrained] = dbm.logLikelihoodBound(Dataset.of("v", distinct), logZ, 10, 200, 5).mean();
      }
    }
    assertTrue(logLikelihood[1] > logLikelihood[0] + 0.3, "log-likelihood pretrained " + logLikelihood[1]
        + " vs random " + logLikelihood[0]);
    assertTrue(bound[1] > bound[0] + 0.3, "bound pretrained " + bound[1] + " vs random " + bound[0]);
  }

  /** Mean log p(v) over {@code v}, h2 enumerated and h1 summed out by the free energy. */
  private static double exactLogLikelihood(DeepBoltzmannMachine dbm, float[][] v, double logZ) {
    float[][] h2 = binaryRows(H2);
    double sum = 0;
    for (float[] row : v) {
      float[][] rows = new float[h2.length][];
      java.util.Arrays.fill(rows, row);
      float[] free = dbm.energyModel().freeEnergy(Dataset.of("v", rows).with("h2", h2));
      double max = Double.NEGATIVE_INFINITY;
      for (float f : free) {
        max = Math.max(max, -f);
      }
      double s = 0;
      for (float f : free) {
        s += Math.exp(-f - max);
      }
      sum += max + Math.log(s) - logZ;
    }
    return sum / v.length;
  }
}
