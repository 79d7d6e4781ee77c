package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.DataPath;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The resident and fed data paths select the same rows and train to the same numbers. */
class DataPathTest {
  private static Dataset data(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[n][3];
    for (float[] row : rows) {
      for (int j = 0; j < 3; j++) {
        row[j] = (float) (random.nextDouble() * 4 - 2);
      }
    }
    return Dataset.of("x", rows);
  }

  private static float[] trainedKernel(Dataset data, DataPath path, int towers) {
    try (LinearGaussian model = new LinearGaussian(Seed.of(9), ObjectiveKind.ELBO, 1, true,
        ThreadSettings.of(1, 2, towers))) {
      TrainingSummary summary = model.fit(data, Training.epochs(3).batchSize(32).adam(1e-2)
          .dataPath(path).progress(ProgressListener.silent()));
      assertEquals(path, summary.dataPath());
      return model.parameter("decode/dense_0/kernel");
    }
  }

  /** 200 rows in batches of 32: the last batch has 8 rows, split 4 + 4 (three towers: 3 + 3 + 2). */
  @ParameterizedTest(name = "towers: {0}")
  @ValueSource(ints = {1, 2, 3})
  void residentAndFedPathsTrainBitIdentically(int towers) {
    Dataset data = data(200, 1);
    assertArrayEquals(trainedKernel(data, DataPath.FED, towers), trainedKernel(data, DataPath.RESIDENT, towers));
  }

  @Test
  void autoKeepsSmallDataResidentAndReuploadsANewDataSet() {
    try (LinearGaussian model = new LinearGaussian(Seed.of(9), ObjectiveKind.ELBO, 1, true)) {
      Training training = Training.epochs(1).batchSize(50).adam(1e-2).progress(ProgressListener.silent());
      assertEquals(DataPath.RESIDENT, model.fit(data(100, 2), training).dataPath());
      // A second, larger data set replaces the first: every one of its rows must be reachable.
      TrainingSummary second = model.fit(data(400, 3), training);
      assertEquals(400, second.examples());
      assertTrue(Double.isFinite(second.finalObjective()));
    }
    assertEquals(DataPath.FED, DataPath.AUTO.resolve(DataPath.RESIDENT_LIMIT_BYTES + 1));
    assertEquals(DataPath.RESIDENT, DataPath.AUTO.resolve(DataPath.RESIDENT_LIMIT_BYTES));
  }
}
