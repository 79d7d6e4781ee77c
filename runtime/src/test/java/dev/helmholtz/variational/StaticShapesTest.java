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
 * every parameter ends the same, the last partial batch included (run on the graph's own step in
 * the first epoch, then on a copy of its own). The ELBO's and IWAE's copies measured bit-identical
 * here; VIMCO's and the enumerated bound's differ in the last float bits (TensorFlow's optimizer
 * computes some divisions by a count otherwise once the count is known), so the comparison allows
 * rounding: a copy fed the wrong rows or draws is off in the first digits.
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

  /** 200 rows in batches of 30: 6 full batches and one of 20 (two towers: 10 + 10), 7 steps an epoch. */
  private static final int STEPS_PER_EPOCH = 7;

  private static Training training(DataPath path) {
    return Training.epochs(3).batchSize(30).adam(1e-2).seed(5).dataPath(path).progress(ProgressListener.silent());
  }

  /**
   * Trains {@code model} three epochs on {@code data}, batches running on static copies from the
   * model's step {@code after} on.
   */
  private static Trained train(VariationalModel model, Dataset data, DataPath path, long after) {
    try (model) {
      model.trainingStep().staticShapesAfter(after);
      TrainingSummary summary = model.fit(data, training(path));
      assertEquals(path, summary.dataPath());
      return new Trained(model.parameterNames().stream().map(model::parameter).toList(),
          model.trainingStep().staticBatchSizes(), summary.history());
    }
  }

  private static void assertSameTraining(Function<Seed, VariationalModel> model, Dataset data, DataPath path) {
    Trained dynamic = train(model.apply(Seed.of(9)), data, path, Long.MAX_VALUE);
    Trained copied = train(model.apply(Seed.of(9)), data, path, STEPS_PER_EPOCH);
    assertEquals(Set.of(), dynamic.staticSizes());
    assertEquals(Set.of(30, 20), copied.staticSizes(), "the full and the partial batch's size have copies");
    assertSameParameters(dynamic.parameters(), copied.parameters());
    for (int e = 0; e < dynamic.history().size(); e++) {
      // The reported objective is a mean over the batch, which the optimizer may compute otherwise
      // with the count known: the same to float rounding.
      double expected = dynamic.history().get(e).trainObjective();
      assertEquals(expected, copied.history().get(e).trainObjective(), 1e-6 * Math.abs(expected), "epoch " + e);
    }
  }

  private static void assertSameParameters(List<float[]> expected, List<float[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      float[] e = expected.get(i);
      float[] a = actual.get(i);
      assertEquals(e.length, a.length);
      for (int j = 0; j < e.length; j++) {
        assertEquals(e[j], a[j], 1e-5 * Math.max(1, Math.abs(e[j])), "parameter " + i + "[" + j + "]");
      }
    }
  }

  /**
   * A run resumed before the move to the copies takes every step where the uninterrupted run took
   * it (the move is keyed on the model's step count, which the checkpoint keeps): the same
   * parameters to the last bit, for VIMCO too, whose copies differ from the graph's step in
   * rounding.
   */
  @Test
  void aResumedRunMovesToTheCopiesAtTheSameStep(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    Dataset data = Dataset.of("x", bits(200, TinySigmoidBeliefNet.OBSERVED, new SplittableRandom(4)));
    List<float[]> uninterrupted;
    try (VariationalModel model = new TinySigmoidBeliefNet(Seed.of(9), ObjectiveKind.VIMCO, 3, ThreadSettings.of(1, 2, 2))) {
      model.trainingStep().staticShapesAfter(STEPS_PER_EPOCH + 3);
      model.fit(data, training(DataPath.FED).checkpoints(dir.resolve("all")).checkpointEvery(5).keepCheckpoints(10));
      uninterrupted = model.parameterNames().stream().map(model::parameter).toList();
    }
    try (VariationalModel model = new TinySigmoidBeliefNet(Seed.of(9), ObjectiveKind.VIMCO, 3, ThreadSettings.of(1, 2, 2))) {
      model.trainingStep().staticShapesAfter(STEPS_PER_EPOCH + 3);
      model.fit(data, training(DataPath.FED).resumeFrom(dir.resolve("all").resolve("step-0000000005"))
          .checkpoints(dir.resolve("resumed")));
      assertEquals(Set.of(30, 20), model.trainingStep().staticBatchSizes());
      for (int i = 0; i < uninterrupted.size(); i++) {
        assertArrayEquals(uninterrupted.get(i), model.parameter(model.parameterNames().get(i)), "parameter " + i);
      }
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

  private static float[][] bits(int n, int width, SplittableRandom random) {
    float[][] rows = new float[n][width];
    for (float[] row : rows) {
      for (int j = 0; j < width; j++) {
        row[j] = random.nextInt(2);
      }
    }
    return rows;
  }

  /** M2's enumerated bound, every fourth row labelled, q(z | x, y)'s first layer shared. */
  @Test
  void theEnumeratedBoundOnLabelledAndUnlabelledRows() {
    SplittableRandom random = new SplittableRandom(3);
    float[][] labels = new float[200][TinySemiSupervised.CLASSES];
    for (int i = 0; i < labels.length; i += 4) {
      labels[i][random.nextInt(TinySemiSupervised.CLASSES)] = 1;
    }
    Dataset data = Dataset.of("x", bits(200, TinySemiSupervised.OBSERVED, random)).with("y", labels);
    assertSameTraining(seed -> new TinySemiSupervised(seed, 1.0, ThreadSettings.of(1, 2, 2), true), data,
        DataPath.RESIDENT);
  }

  /** VIMCO's score-function estimator over discrete latents (k = 3). */
  @Test
  void vimcoOnDiscreteLatents() {
    Dataset data = Dataset.of("x", bits(200, TinySigmoidBeliefNet.OBSERVED, new SplittableRandom(4)));
    assertSameTraining(seed -> new TinySigmoidBeliefNet(seed, ObjectiveKind.VIMCO, 3, ThreadSettings.of(1, 2, 2)),
        data, DataPath.FED);
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
