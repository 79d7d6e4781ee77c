package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.Checkpoints;
import dev.helmholtz.train.DataPath;
import dev.helmholtz.train.EpochRecord;
import dev.helmholtz.train.LearningRateSchedule;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.StopReason;
import dev.helmholtz.train.StopRequest;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A run resumed from a checkpoint continues exactly as the uninterrupted run: same weights,
 * optimizer state, random draws (the model's noise and the in-graph binarization), batch order,
 * learning rates and epoch records, bit for bit, whether it stopped mid-epoch or at an epoch's
 * end, and whether it was stopped by a checkpoint schedule or a stop request.
 */
class ResumeTest {
  /** 200 rows: 7 batches of 32 per epoch (the last one short), 4 epochs, 28 steps. */
  private static final int ROWS = 200;

  static Dataset data(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[n][3];
    for (float[] row : rows) {
      for (int j = 0; j < 3; j++) {
        row[j] = (float) random.nextDouble();
      }
    }
    return Dataset.of("x", rows).dynamicallyBinarized("x");
  }

  private static Training training(DataPath path) {
    return Training.epochs(4).batchSize(32).adam(2e-2).seed(5).dataPath(path)
        .validation(data(50, 9).binarized("x", 3))
        .learningRateSchedule(LearningRateSchedule.exponentialDecay(0.9, 5))
        .clipGradientNorm(3)
        // a KL warm-up across the resume points: a resumed run must feed the uninterrupted run's weights
        .schedule(VariationalModel.KL_WEIGHT, dev.helmholtz.train.ScalarSchedule.linear(0.2, 1, 20))
        .progress(ProgressListener.silent());
  }

  private record Outcome(Map<String, float[]> parameters, float[][] samples, TrainingSummary summary) {}

  private static Outcome run(Training training) {
    return run(training, 1);
  }

  private static Outcome run(Training training, int towers) {
    // Monte Carlo KL: the objective itself is random, so a wrong random stream would show.
    try (LinearGaussian model = new LinearGaussian(Seed.of(3), ObjectiveKind.ELBO, 1, false,
        ThreadSettings.of(1, 2, towers))) {
      TrainingSummary summary = model.fit(data(ROWS, 1), training);
      Map<String, float[]> parameters = new LinkedHashMap<>();
      for (String name : model.parameterNames()) {
        parameters.put(name, model.parameter(name));
      }
      return new Outcome(parameters, model.generate(4).get("x"), summary);
    }
  }

  private static void assertSameRun(Outcome expected, Outcome actual) {
    assertEquals(expected.parameters().keySet(), actual.parameters().keySet());
    expected.parameters().forEach((name, values) ->
        assertArrayEquals(values, actual.parameters().get(name), 0f, name));
    for (int i = 0; i < expected.samples().length; i++) {
      assertArrayEquals(expected.samples()[i], actual.samples()[i], 0f, "generated sample " + i);
    }
    List<EpochRecord> a = expected.summary().history();
    List<EpochRecord> b = actual.summary().history();
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).epoch(), b.get(i).epoch());
      assertEquals(a.get(i).step(), b.get(i).step());
      assertEquals(a.get(i).trainObjective(), b.get(i).trainObjective(), 0, "train objective, epoch " + (i + 1));
      assertEquals(a.get(i).validationObjective(), b.get(i).validationObjective(), 0,
          "validation objective, epoch " + (i + 1));
      assertEquals(a.get(i).learningRate(), b.get(i).learningRate(), 0);
    }
    assertEquals(expected.summary().finalObjective(), actual.summary().finalObjective(), 0);
  }

  /** In one tower and in two (each tower with its own draws and binarization). */
  @ParameterizedTest(name = "{0}, towers: {1}")
  @CsvSource({"RESIDENT, 1", "FED, 1", "RESIDENT, 2", "FED, 2"})
  void resumedRunsContinueExactlyAsTheUninterruptedRun(DataPath path, int towers, @TempDir Path dir) throws Exception {
    Path all = dir.resolve("all");
    Outcome uninterrupted = run(training(path).checkpoints(all).checkpointEvery(2).keepCheckpoints(100), towers);
    assertEquals(StopReason.COMPLETED, uninterrupted.summary().stopReason());
    assertEquals(28, uninterrupted.summary().steps());
    assertEquals(4, uninterrupted.summary().history().size());
    assertEquals(14, Checkpoints.list(all).size());

    // Mid-epoch (epoch 2, batch 3), right after an epoch's end (validated, recorded), and the
    // root directory, whose latest checkpoint is the final one: nothing is left to do.
    for (int step : new int[] {4, 10, 14}) {
      Outcome resumed = run(training(path).resumeFrom(all.resolve(Checkpoints.name(step)))
          .checkpoints(dir.resolve("resumed-" + step)), towers);
      assertEquals(28 - step, resumed.summary().steps(), "steps after resuming at " + step);
      assertSameRun(uninterrupted, resumed);
    }
    Outcome nothingLeft = run(training(path).resumeFrom(all), towers);
    assertEquals(0, nothingLeft.summary().steps());
    assertSameRun(uninterrupted, nothingLeft);
  }

  @ParameterizedTest
  @EnumSource(value = DataPath.class, names = {"RESIDENT"})
  void aStopRequestEndsTheStepWritesACheckpointAndTheResumedRunMatches(DataPath path,
      @TempDir Path dir) {
    Outcome uninterrupted = run(training(path));
    StopRequest stop = new StopRequest();
    ProgressListener stopAtEpoch2Batch3 = new ProgressListener() {
      @Override
      public void progress(int epoch, int batch, int batches, double objective, double examplesPerSecond) {
        if (epoch == 2 && batch == 3) {
          stop.request("test");
        }
      }
    };
    Path checkpoints = dir.resolve("ckpt");
    Outcome interrupted = run(training(path).checkpoints(checkpoints).stopRequest(stop)
        .progress(stopAtEpoch2Batch3).logEvery(java.time.Duration.ZERO));
    assertEquals(StopReason.INTERRUPTED, interrupted.summary().stopReason());
    assertEquals(10, interrupted.summary().steps());
    assertEquals(checkpoints.toAbsolutePath().resolve("step-0000000010"),
        interrupted.summary().lastCheckpoint().orElseThrow());
    assertNotEquals(uninterrupted.parameters().get("decode/dense_0/kernel")[0],
        interrupted.parameters().get("decode/dense_0/kernel")[0]);

    Outcome resumed = run(training(path).resumeFrom(checkpoints));
    assertEquals(StopReason.COMPLETED, resumed.summary().stopReason());
    assertEquals(18, resumed.summary().steps());
    assertSameRun(uninterrupted, resumed);
  }

  @ParameterizedTest
  @EnumSource(value = DataPath.class, names = {"RESIDENT"})
  void resumingWithOtherSettingsOrAnotherModelIsAClearError(DataPath path, @TempDir Path dir)
      throws Exception {
    Path checkpoints = dir.resolve("ckpt");
    run(training(path).maxSteps(5).checkpoints(checkpoints));
    Path latest = Checkpoints.latest(checkpoints).orElseThrow();
    IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
        () -> run(training(path).batchSize(16).resumeFrom(checkpoints)));
    assertTrue(batch.getMessage().contains(latest.toAbsolutePath().toString())
        && batch.getMessage().contains("batch size 32 (this run: 16)"), batch.getMessage());
    IllegalArgumentException seed = assertThrows(IllegalArgumentException.class,
        () -> run(training(path).seed(6).resumeFrom(checkpoints)));
    assertTrue(seed.getMessage().contains("training seed 5 (this run: 6)"), seed.getMessage());

    try (LinearGaussian iwae = new LinearGaussian(Seed.of(3), ObjectiveKind.IWAE, 4, false)) {
      // Same class, so same nodes: the restore itself works, as for any checkpoint of the model.
      iwae.restoreCheckpoint(latest);
      assertEquals(5, iwae.stepsTaken());
    }
    java.io.UncheckedIOException missing = assertThrows(java.io.UncheckedIOException.class,
        () -> run(training(path).resumeFrom(dir.resolve("nowhere"))));
    assertTrue(missing.getMessage().contains("nowhere") && missing.getMessage().contains("no checkpoint"),
        missing.getMessage());
    assertFalse(Checkpoints.isCheckpoint(dir));
  }
}
