package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.Checkpoints;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Batch normalization in a trained model: the training step moves the moving averages (and only
 * it), evaluation and export use them, and checkpoints carry them so a resumed run is exact.
 */
class BatchNormModelTest {
  private static final double[] MEANS = {1.5, -2, 0.5};

  private static float[][] rows(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[n][3];
    for (float[] row : rows) {
      for (int j = 0; j < 3; j++) {
        row[j] = (float) (MEANS[j] + random.nextGaussian());
      }
    }
    return rows;
  }

  private static BatchNormGaussian model(ObjectiveKind objective, int k) {
    return new BatchNormGaussian(Seed.of(3), objective, k, ThreadSettings.of(1, 2));
  }

  @Test
  void aTrainingStepMovesTheMovingAveragesByTheBatchAndEvaluationUsesThem() {
    float[][] x = rows(64, 1);
    try (BatchNormGaussian model = model(ObjectiveKind.IWAE, 5)) {
      assertEquals(List.of("encode/batch_norm_0/moving_mean", "encode/batch_norm_0/moving_variance",
          "decode/batch_norm_0/moving_mean", "decode/batch_norm_0/moving_variance"), model.stateNames());
      assertFalse(model.parameterNames().contains("encode/batch_norm_0/moving_mean"));
      // One step on the whole data set (its order does not change the statistics).
      model.fit(Dataset.of("x", x), Training.epochs(1).batchSize(64).adam(1e-2).progress(ProgressListener.silent()));
      float[] mean = model.parameter("encode/batch_norm_0/moving_mean");
      float[] variance = model.parameter("encode/batch_norm_0/moving_variance");
      for (int j = 0; j < 3; j++) {
        double m = 0;
        for (float[] row : x) {
          m += row[j] / 64.0;
        }
        double v = 0;
        for (float[] row : x) {
          v += (row[j] - m) * (row[j] - m) / 64.0;
        }
        assertEquals(0.01 * m, mean[j], 1e-6, "moving mean " + j);
        assertEquals(0.99 + 0.01 * v, variance[j], 1e-6, "moving variance " + j);
      }
      // The decoder saw k = 5 copies of the batch: its moving mean moved by the mean of the copies'
      // means, which is the mean over all 320 rows; it moved at all.
      assertNotEquals(0f, model.parameter("decode/batch_norm_0/moving_mean")[0]);

      // Evaluation normalizes by the moving averages, so each row's code is its own: encoding one
      // row alone gives what it gets in a batch (batch statistics of one row would be degenerate).
      Map<String, float[][]> all = model.encodeAll(Dataset.of("x", x));
      for (int i = 0; i < 3; i++) {
        Map<String, float[][]> one = model.encodeAll(Dataset.of("x", new float[][] {x[i]}));
        for (String key : all.keySet()) {
          assertArrayEquals(all.get(key)[i], one.get(key)[0], 1e-6f, key + " row " + i);
        }
      }
      assertNotEquals(all.get(all.keySet().iterator().next())[0][0], all.get(all.keySet().iterator().next())[1][0]);
      // Evaluations move nothing.
      model.elbo(Dataset.of("x", x));
      model.logLikelihood(Dataset.of("x", x), 10);
      assertArrayEquals(mean, model.parameter("encode/batch_norm_0/moving_mean"));
    }
  }

  private record Outcome(Map<String, float[]> variables, float[][] samples, double objective) {}

  private static Outcome run(Training training) {
    try (BatchNormGaussian model = model(ObjectiveKind.ELBO, 1)) {
      TrainingSummary summary = model.fit(Dataset.of("x", rows(200, 7)), training);
      Map<String, float[]> variables = new LinkedHashMap<>();
      for (String name : model.parameterNames()) {
        variables.put(name, model.parameter(name));
      }
      for (String name : model.stateNames()) {
        variables.put(name, model.parameter(name));
      }
      return new Outcome(variables, model.generate(4).get("x"), summary.finalObjective());
    }
  }

  @Test
  void aResumedRunWithBatchNormalizationContinuesBitForBit(@TempDir Path dir) {
    Path all = dir.resolve("all");
    Training training = Training.epochs(3).batchSize(32).adam(1e-2).seed(4).progress(ProgressListener.silent());
    Outcome uninterrupted = run(training.checkpoints(all).checkpointEvery(2).keepCheckpoints(100));
    Outcome resumed = run(training.resumeFrom(all.resolve(Checkpoints.name(10))).checkpoints(dir.resolve("again")));
    assertEquals(uninterrupted.variables().keySet(), resumed.variables().keySet());
    uninterrupted.variables().forEach((name, values) ->
        assertArrayEquals(values, resumed.variables().get(name), 0f, name));
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(uninterrupted.samples()[i], resumed.samples()[i], 0f, "sample " + i);
    }
    assertEquals(uninterrupted.objective(), resumed.objective(), 0);
  }

  @Test
  void theSavedModelNormalizesByTheMovingAverages(@TempDir Path dir) throws Exception {
    float[][] x = rows(40, 2);
    Path export = dir.resolve("bn/1");
    Map<String, float[][]> expected;
    try (BatchNormGaussian model = model(ObjectiveKind.ELBO, 1)) {
      model.fit(Dataset.of("x", x), Training.epochs(3).batchSize(8).adam(1e-2).progress(ProgressListener.silent()));
      expected = model.encodeAll(Dataset.of("x", x));
      model.exportSavedModel(export);
    }
    try (SavedModelBundle bundle = SavedModelBundle.loader(export.toString()).withTags("serve").load()) {
      for (int i = 0; i < 3; i++) {
        // One row at a time: batch statistics would make every code the same.
        try (TFloat32 row = TFloat32.tensorOf(Shape.of(1, 3), DataBuffers.of(x[i], true, false));
            Result result = bundle.function("encode").call(Map.<String, Tensor>of("x", row))) {
          for (Map.Entry<String, float[][]> e : expected.entrySet()) {
            TFloat32 t = (TFloat32) result.get(e.getKey()).orElseThrow();
            float[] got = new float[(int) t.shape().size()];
            t.copyTo(DataBuffers.of(got, false, false));
            assertArrayEquals(e.getValue()[i], got, 1e-6f, e.getKey() + " row " + i);
          }
        }
      }
    }
  }
}
