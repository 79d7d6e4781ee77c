package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.DataPath;
import dev.helmholtz.train.EpochRecord;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A training step's copy with static shapes for one batch size (TrainingStep#staticStepFor) is
 * the step itself: trained side by side with a model that never builds one, from the same seed,
 * every parameter ends bit-identical, the last partial batch included (run on the graph's own
 * step, then on a copy of its own).
 */
class StaticShapesTest {
  private static Dataset gaussianData(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[n][LinearGaussian.OBSERVED];
    for (float[] row : rows) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) (random.nextDouble() * 4 - 2);
      }
    }
    return Dataset.of("x", rows);
  }

  /** Grey levels in [0, 1], binarized afresh every step (in the graph on the resident path). */
  private static Dataset greyData(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[n][SelfCheckVae.OBSERVED];
    for (float[] row : rows) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) random.nextDouble();
      }
    }
    return Dataset.of("x", rows).dynamicallyBinarized("x");
  }

  private record Trained(List<float[]> parameters, Set<Integer> staticSizes, List<EpochRecord> history) {}

  /**
   * Trains {@code model} three epochs of batches of 30 on {@code data}, its step moving a batch size
   * to a static copy after {@code after} steps of it; 200 rows end each epoch with 20 (two towers:
   * 10 + 10), which after 2 steps of that size moves in the third epoch.
   */
  private static Trained train(VariationalModel model, Dataset data, DataPath path, int after) {
    try (model) {
      model.trainingStep().staticShapesAfter(after);
      TrainingSummary summary = model.fit(data, Training.epochs(3).batchSize(30).adam(1e-2).seed(5)
          .dataPath(path).progress(ProgressListener.silent()));
      assertEquals(path, summary.dataPath());
      return new Trained(model.parameterNames().stream().map(model::parameter).toList(),
          model.trainingStep().staticBatchSizes(), summary.history());
    }
  }

  private static void assertSameTraining(Function<Seed, VariationalModel> model, Dataset data, DataPath path) {
    Trained dynamic = train(model.apply(Seed.of(9)), data, path, Integer.MAX_VALUE);
    Trained copied = train(model.apply(Seed.of(9)), data, path, 2);
    assertEquals(Set.of(), dynamic.staticSizes());
    assertEquals(Set.of(30, 20), copied.staticSizes(), "the full and the partial batch's size have copies");
    for (int i = 0; i < dynamic.parameters().size(); i++) {
      assertArrayEquals(dynamic.parameters().get(i), copied.parameters().get(i), "parameter " + i);
    }
    for (int e = 0; e < dynamic.history().size(); e++) {
      // The reported objective is a mean over the batch, which the optimizer may compute otherwise
      // with the count known: the same to float rounding.
      double expected = dynamic.history().get(e).trainObjective();
      assertEquals(expected, copied.history().get(e).trainObjective(), 1e-6 * Math.abs(expected), "epoch " + e);
    }
  }

  @ParameterizedTest(name = "{0}, k = {1}, {2}")
  @CsvSource({"ELBO, 1, RESIDENT", "ELBO, 1, FED", "IWAE, 3, RESIDENT"})
  void twoTowersTrainBitIdenticallyOnTheCopies(ObjectiveKind objective, int k, DataPath path) {
    assertSameTraining(seed -> new LinearGaussian(seed, objective, k, true, ThreadSettings.of(1, 2, 2)),
        gaussianData(200, 1), path);
  }

  /** The resident path's binarization draws are replayed too: the copies binarize as the graph's step. */
  @Test
  void dynamicBinarizationDrawsTheSameBits() {
    assertSameTraining(seed -> new SelfCheckVae(seed, SelfCheckVae.Mistake.NONE, ThreadSettings.of(1, 2, 2)),
        greyData(200, 2), DataPath.RESIDENT);
  }

  /** Batch normalization's moving averages are state a copy would duplicate: such a model keeps its one step. */
  @Test
  void aModelWithMovingAveragesKeepsTheGraphsStep() {
    try (BatchNormGaussian model = new BatchNormGaussian(Seed.of(4), ObjectiveKind.ELBO, 1, ThreadSettings.of(1, 2, 2))) {
      model.trainingStep().staticShapesAfter(0);
      model.fit(gaussianData(120, 3), Training.epochs(1).batchSize(30).adam(1e-2).progress(ProgressListener.silent()));
      assertTrue(model.trainingStep().staticBatchSizes().isEmpty());
      assertTrue(!model.trainingStep().prepareStaticShapes(30));
    }
  }

  @Test
  void aStaticCopyTakesOnlyItsBatchSize() {
    try (LinearGaussian model = new LinearGaussian(Seed.of(4), ObjectiveKind.ELBO, 1, true, ThreadSettings.of(1, 2, 2))) {
      assertTrue(model.trainingStep().prepareStaticShapes(30));
      assertEquals(Set.of(30), model.trainingStep().staticBatchSizes());
      // A batch smaller than the towers would leave a tower empty: the graph's own step takes it.
      assertTrue(!model.trainingStep().prepareStaticShapes(1));
      assertThrows(IllegalArgumentException.class, () -> model.trainingStep().towers().forBatchSize(1));
    }
  }
}
