package dev.helmholtz.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.variational.LinearGaussian;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the training loop reports at the end of a run, and of a resumed run with nothing left. */
class TrainingLoopReportsTest {
  /** 100 rows in batches of 25: 4 steps an epoch, 3 epochs, 12 steps. */
  private static final Dataset DATA = data();

  private static Dataset data() {
    SplittableRandom random = new SplittableRandom(1);
    float[][] rows = new float[100][3];
    for (float[] row : rows) {
      for (int j = 0; j < 3; j++) {
        row[j] = (float) random.nextDouble();
      }
    }
    return Dataset.of("x", rows).binarized("x", 2);
  }

  private static Training training() {
    return Training.epochs(3).batchSize(25).adam(1e-2).seed(4);
  }

  private static TrainingSummary fit(Training training) {
    try (LinearGaussian model = new LinearGaussian(Seed.of(3), ObjectiveKind.ELBO, 1, false)) {
      return model.fit(DATA, training);
    }
  }

  /** Records the steps of the checkpoints reported. */
  private static final class Checkpointed implements ProgressListener {
    final List<Long> steps = new ArrayList<>();

    @Override
    public void checkpointWritten(long step, Path checkpoint) {
      steps.add(step);
    }
  }

  @Test
  void aCheckpointOfTheLastStepIsWrittenAndReportedOnce(@TempDir Path dir) {
    Checkpointed periodic = new Checkpointed();
    // The last step, 12, is a periodic checkpoint's: the final checkpoint is that one.
    TrainingSummary s = fit(training().checkpoints(dir).checkpointEvery(4).progress(periodic));
    assertEquals(12, s.steps());
    assertEquals(List.of(4L, 8L, 12L), periodic.steps);
    assertEquals(dir.toAbsolutePath().resolve(Checkpoints.name(12)), s.lastCheckpoint().orElseThrow());

    Checkpointed offCadence = new Checkpointed();
    fit(training().checkpoints(dir.resolve("other")).checkpointEvery(5).progress(offCadence));
    assertEquals(List.of(5L, 10L, 12L), offCadence.steps);
  }

  @Test
  void aResumedRunWithNothingLeftSaysSoAndWritesNothing(@TempDir Path dir) {
    fit(training().checkpoints(dir).progress(ProgressListener.silent()));
    Path last = dir.toAbsolutePath().resolve(Checkpoints.name(12));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Checkpointed checkpointed = new Checkpointed();
    ProgressListener console = new ConsoleProgressListener(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
    TrainingSummary s = fit(training().checkpoints(dir).resumeFrom(dir).progress(new ProgressListener() {
      @Override
      public void checkpointWritten(long step, Path checkpoint) {
        checkpointed.checkpointWritten(step, checkpoint);
        console.checkpointWritten(step, checkpoint);
      }

      @Override
      public void finished(TrainingSummary summary) {
        console.finished(summary);
      }
    }));

    assertEquals(0, s.steps());
    assertEquals(StopReason.COMPLETED, s.stopReason());
    assertTrue(s.trainedNothing());
    assertEquals(last, s.lastCheckpoint().orElseThrow());
    assertEquals(List.of(), checkpointed.steps, "the checkpoint resumed from is not written again");
    String output = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(output.startsWith("nothing trained: the checkpoint " + last
        + " had already finished the requested epochs (3 epochs, 12 steps, objective "), output);
    assertFalse(output.contains("ex/s") || output.contains("done"), output);
    assertEquals(1, output.lines().count(), output);
  }
}
