package dev.helmholtz.samples.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.GaussianRing;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.DataPath;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.StopReason;
import dev.helmholtz.train.StopRequest;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code AdversarialModel.fit} honours the checkpoint options of {@link Training}: periodic and
 * final checkpoints, an exact resume of an interrupted run (the generator's cadence over the
 * run's critic steps included), stop requests, and a clear refusal of what a game has not.
 */
class AdversarialFitCheckpointTest {
  private static final Dataset DATA = GaussianRing.eight().dataset("x", 640, 1); // 10 batches of 64

  private static Training training(Path checkpoints) {
    // 3 epochs of 10 critic steps; checkpoints every 7 fall mid-epoch, and the generator (every
    // 5th critic step) updates at 5, 10, ..., so a resume at 17 must count from the run's start.
    return Training.epochs(3).batchSize(64).adam(1e-3).seed(4).progress(ProgressListener.silent())
        .checkpoints(checkpoints).checkpointEvery(7).keepCheckpoints(10);
  }

  private static RingWganModel model() {
    return RingWganModel.create(new RingWgan(), Seed.of(2), ThreadSettings.defaults());
  }

  private static List<String> checkpointNames(Path root) throws Exception {
    try (Stream<Path> s = Files.list(root)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step-")).sorted().toList();
    }
  }

  /** Each epoch's step and mean critic loss (its seconds differ between runs). */
  private static List<String> losses(TrainingSummary s) {
    return s.history().stream().map(r -> r.epoch() + ":" + r.step() + ":" + Double.toHexString(r.trainObjective()))
        .toList();
  }

  @Test
  void anInterruptedRunResumesExactlyAndCheckpointsAsItGoes(@TempDir Path dir) throws Exception {
    float[][] expected;
    TrainingSummary whole;
    try (RingWganModel wgan = model()) {
      whole = wgan.fit(DATA, training(dir.resolve("whole")));
      expected = wgan.sample(100);
    }
    assertEquals(StopReason.COMPLETED, whole.stopReason());
    assertEquals(30, whole.steps());
    assertEquals(3, whole.history().size());
    assertTrue(whole.lastCheckpoint().isPresent());
    // Every 7 critic steps and at the end.
    assertEquals(List.of("step-0000000007", "step-0000000014", "step-0000000021", "step-0000000028",
        "step-0000000030"), checkpointNames(dir.resolve("whole")));

    Path root = dir.resolve("interrupted");
    try (RingWganModel wgan = model()) {
      TrainingSummary first = wgan.fit(DATA, training(root).maxSteps(17));
      assertEquals(StopReason.MAX_STEPS, first.stopReason());
      assertEquals(17, first.steps());
    }
    try (RingWganModel wgan = model()) {
      TrainingSummary rest = wgan.fit(DATA, training(root).resumeFrom(root));
      assertEquals(StopReason.COMPLETED, rest.stopReason());
      assertEquals(13, rest.steps());
      assertEquals(losses(whole), losses(rest)); // the epoch split at 17 too, bit for bit
      assertArrayEquals(expected, wgan.sample(100));
    }
    try (RingWganModel fresh = model()) {
      fresh.fit(DATA, training(dir.resolve("other")).seed(5));
      assertFalse(java.util.Arrays.deepEquals(expected, fresh.sample(100)), "another seed trains differently");
    }
  }

  @Test
  void aStopRequestEndsTheStepAndWritesACheckpoint(@TempDir Path dir) throws Exception {
    StopRequest stop = new StopRequest();
    ProgressListener stopAfterFour = new ProgressListener() {
      @Override
      public void progress(int epoch, int batch, int batches, double objective, double examplesPerSecond) {
        if (epoch == 1 && batch == 4) {
          stop.request("test");
        }
      }
    };
    try (RingWganModel wgan = model()) {
      TrainingSummary s = wgan.fit(DATA, training(dir).progress(stopAfterFour).logEvery(Duration.ZERO)
          .stopRequest(stop));
      assertEquals(StopReason.INTERRUPTED, s.stopReason());
      assertEquals(4, s.steps());
      assertEquals(dir.resolve("step-0000000004"), s.lastCheckpoint().orElseThrow());
    }
  }

  @Test
  void whatAGameHasNotIsRefusedBeforeTraining(@TempDir Path temp) throws Exception {
    Path dir = temp.resolve("checkpoints");
    try (RingWganModel wgan = model()) {
      Training t = training(dir);
      IllegalArgumentException validation = assertThrows(IllegalArgumentException.class,
          () -> wgan.fit(DATA, t.validation(DATA)));
      assertTrue(validation.getMessage().contains("validation data"), validation.getMessage());
      IllegalArgumentException resident = assertThrows(IllegalArgumentException.class,
          () -> wgan.fit(DATA, t.dataPath(DataPath.RESIDENT)));
      assertTrue(resident.getMessage().contains("dataPath(RESIDENT)"), resident.getMessage());
      IllegalArgumentException clip = assertThrows(IllegalArgumentException.class,
          () -> wgan.fit(DATA, t.clipGradientNorm(1)));
      assertTrue(clip.getMessage().contains("clipGradientNorm"), clip.getMessage());
      assertTrue(wgan.hyperparameters().isEmpty());
      IllegalArgumentException schedule = assertThrows(IllegalArgumentException.class,
          () -> wgan.fit(DATA, t.schedule("temperature", dev.helmholtz.train.ScalarSchedule.constant(1))));
      assertTrue(schedule.getMessage().contains("declares none"), schedule.getMessage());
      assertEquals(0, wgan.stepsTaken());
      assertFalse(Files.exists(dir), "nothing was written");

      wgan.fit(DATA, t.maxSteps(3));
      IllegalArgumentException cadence = assertThrows(IllegalArgumentException.class,
          () -> wgan.fit(DATA, t.resumeFrom(dir), 2));
      assertTrue(cadence.getMessage().contains("5 discriminator steps per generator step (this run: 2)"),
          cadence.getMessage());
      IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
          () -> wgan.fit(DATA, t.batchSize(32).resumeFrom(dir)));
      assertTrue(batch.getMessage().contains("batch size 64 (this run: 32)"), batch.getMessage());
    }
    // A resume whose checkpoint root cannot be used fails before the model changes.
    Path file = Files.writeString(temp.resolve("a-file"), "keep");
    try (RingWganModel fresh = model()) {
      assertThrows(java.io.UncheckedIOException.class,
          () -> fresh.fit(DATA, training(file.resolve("sub")).resumeFrom(dir)));
      assertEquals(0, fresh.stepsTaken(), "not restored");
    }
    assertEquals("keep", Files.readString(file));
  }
}
