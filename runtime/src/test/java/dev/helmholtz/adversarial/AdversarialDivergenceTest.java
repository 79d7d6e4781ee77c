package dev.helmholtz.adversarial;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.GanLoss;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.Checkpoints;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingDivergedException;
import dev.helmholtz.train.TrainingSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 25's divergence guarantee on the adversarial path (AdversarialTraining through the shared
 * training loop): an infinite data row makes the discriminator's loss non-finite at the step of
 * its batch; the checkpoint whose weights that step started from is moved aside, the one before
 * is kept and named, and resuming from it runs a finite step.
 */
class AdversarialDivergenceTest {
  private static Training quiet(int epochs) {
    return Training.epochs(epochs).batchSize(5).adam(1e-3).seed(3).progress(ProgressListener.silent());
  }

  @Test
  void afterADivergenceTheKeptCheckpointResumesIntoAFiniteStep(@TempDir Path dir) throws Exception {
    float[][] rows = new float[50][1];
    java.util.Random random = new java.util.Random(3);
    for (float[] row : rows) {
      row[0] = (float) random.nextGaussian();
    }
    rows[23][0] = Float.POSITIVE_INFINITY;
    Dataset dirty = Dataset.of("x", rows);
    Path root = dir.resolve("ckpt");
    TrainingDivergedException e;
    try (OneDimensionalGan gan = new OneDimensionalGan(Seed.of(1), GanLoss.NON_SATURATING, 0f, 1f)) {
      e = assertThrows(TrainingDivergedException.class,
          () -> gan.fit(dirty, quiet(3).checkpoints(root).checkpointEvery(1).keepCheckpoints(1)));
    }
    long step = e.step();
    assertTrue(step >= 3, "the infinite row's batch comes after two steps: " + e.getMessage());
    assertTrue(e.getMessage().contains("discriminator"), e.getMessage());
    Path kept = root.toAbsolutePath().resolve(Checkpoints.name(step - 2));
    assertEquals(kept, e.lastCheckpoint().orElseThrow(), e.getMessage());
    assertEquals(kept, Checkpoints.latest(root).orElseThrow());
    try (Stream<Path> aside = Files.list(root)) {
      Path diverged = aside.filter(p -> p.getFileName().toString().startsWith("diverged-")).findFirst().orElseThrow();
      assertTrue(Checkpoints.isCheckpoint(diverged.resolve(Checkpoints.name(step - 1))), "moved, not deleted");
    }
    try (OneDimensionalGan gan = new OneDimensionalGan(Seed.of(1), GanLoss.NON_SATURATING, 0f, 1f)) {
      TrainingSummary resumed = assertDoesNotThrow(
          () -> gan.fit(dirty, quiet(3).checkpoints(root).resumeFrom(kept).maxSteps(1)));
      assertEquals(1, resumed.steps());
      assertTrue(Double.isFinite(resumed.finalObjective()), resumed.toString());
    }
  }
}
