package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.CheckpointFailedException;
import dev.helmholtz.train.Checkpoints;
import dev.helmholtz.train.EarlyStopping;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingDivergedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training fails with a message that says what and where, and loses nothing already written:
 * NaN in the objective or a gradient, data of the wrong shape, unusable output paths, damaged
 * checkpoints, a checkpoint that cannot be written mid-run.
 */
class FailureHandlingTest {

  private static Dataset data(int n, int width, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[n][width];
    for (float[] row : rows) {
      for (int j = 0; j < width; j++) {
        row[j] = (float) (random.nextDouble() * 4 - 2);
      }
    }
    return Dataset.of("x", rows);
  }

  private static Training quiet(int epochs) {
    return Training.epochs(epochs).batchSize(10).adam(1e-2).progress(ProgressListener.silent());
  }

  private static LinearGaussian model() {
    return new LinearGaussian(Seed.of(3), ObjectiveKind.ELBO, 1, true);
  }

  @Test
  void nanInTheDataStopsAtItsStepNamingTheTermsAndTheLastGoodCheckpointIsKept(@TempDir Path dir)
      throws IOException {
    Path checkpoints = dir.resolve("ckpt");
    Dataset clean = data(100, 3, 1);
    float[][] rows = new float[100][];
    for (int i = 0; i < 100; i++) {
      rows[i] = java.util.Arrays.copyOfRange(clean.flat("x"), 3 * i, 3 * i + 3);
    }
    rows[55][1] = Float.NaN;
    Dataset dirty = Dataset.of("x", rows);
    TrainingDivergedException e;
    try (LinearGaussian model = model()) {
      model.fit(clean, quiet(1).checkpoints(checkpoints));
      e = assertThrows(TrainingDivergedException.class, () -> model.fit(dirty,
          quiet(2).resumeFrom(checkpoints).checkpoints(checkpoints).checkpointEvery(1)));
    }
    long step = e.step();
    assertTrue(step >= 11 && step <= 20, "the NaN row is met in epoch 2: step " + step);
    assertTrue(e.getMessage().startsWith("training of LinearGaussian diverged at step " + step + " (epoch 2, batch "),
        e.getMessage());
    assertTrue(e.getMessage().contains("log_likelihood/x = NaN") && e.getMessage().contains("not finite: kl/z, log_likelihood/x"),
        e.getMessage());
    assertEquals("kl/z", e.quantity().orElseThrow());
    // The diverging step started from step - 1's weights, so resuming from that checkpoint would
    // diverge at once (issue 25): it is moved aside and the one before it is the last good one.
    Path lastGood = checkpoints.toAbsolutePath().resolve(Checkpoints.name(step - 2));
    assertEquals(lastGood, e.lastCheckpoint().orElseThrow());
    assertTrue(e.getMessage().contains("the last good checkpoint, " + lastGood + ", is kept"), e.getMessage());
    assertEquals(lastGood, Checkpoints.latest(checkpoints).orElseThrow(), "no checkpoint of the diverged step");
    try (LinearGaussian restored = model()) {
      restored.restoreCheckpoint(checkpoints);
      assertEquals(step - 2, restored.stepsTaken());
      for (String name : restored.parameterNames()) {
        for (float v : restored.parameter(name)) {
          assertTrue(Float.isFinite(v), name + " is finite in the last good checkpoint");
        }
      }
    }
  }

  @Test
  void anInfiniteGradientStopsTheStepItAppearsInNamingTheVariable() {
    try (SqrtOffsetModel model = new SqrtOffsetModel()) {
      TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
          () -> model.fit(data(40, 3, 2), quiet(1)));
      assertEquals(1, e.step());
      assertEquals("gradient/decode/offset", e.quantity().orElseThrow());
      assertTrue(e.getMessage().contains("diverged at step 1 (epoch 1, batch 1): the gradient of decode/offset is")
          && e.getMessage().contains("while the objective is finite")
          && e.getMessage().contains("no checkpoints were configured"), e.getMessage());
      assertFalse(e.getMessage().contains("gradient of decode/dense_0/kernel"), "only the bad ones: " + e.getMessage());
    }
  }

  @Test
  void dataOfTheWrongShapeIsRejectedBeforeAnyStep() {
    try (LinearGaussian model = model()) {
      IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
          () -> model.fit(data(20, 4, 1), quiet(1)));
      assertEquals("column 'x' has [4] values per example, but node 'x' of LinearGaussian declares 3",
          width.getMessage());
      IllegalArgumentException column = assertThrows(IllegalArgumentException.class,
          () -> model.fit(Dataset.of("y", new float[][] {{1, 2, 3}}), quiet(1)));
      assertTrue(column.getMessage().contains("no column 'x'") && column.getMessage().contains("[y]"),
          column.getMessage());
      IllegalArgumentException validation = assertThrows(IllegalArgumentException.class,
          () -> model.fit(data(20, 3, 1), quiet(1).validation(data(5, 2, 1))));
      assertTrue(validation.getMessage().startsWith("validation data: column 'x' has [2] values"),
          validation.getMessage());
      IllegalArgumentException early = assertThrows(IllegalArgumentException.class,
          () -> model.fit(data(20, 3, 1), quiet(1).earlyStopping(EarlyStopping.patience(2))));
      assertTrue(early.getMessage().contains("early stopping needs validation data"), early.getMessage());
      assertEquals(0, model.stepsTaken());
    }
  }

  @Test
  void unusableOutputPathsAreClearErrorsBeforeAnyStep(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("plain-file"), "keep me");
    try (LinearGaussian model = model()) {
      for (Training bad : new Training[] {
          quiet(1).checkpoints(file.resolve("ckpt")),
          quiet(1).checkpoints(file),
          quiet(1).tensorBoard(file.resolve("tb")),
          quiet(1).curvesPlot(file.resolve("sub/curves.png"))}) {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> model.fit(data(20, 3, 1), bad));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
      }
      assertEquals(0, model.stepsTaken());
    }
    assertEquals("keep me", Files.readString(file));
  }

  @Test
  void damagedCheckpointsAreClearErrorsAndLeaveTheModelAsItWas(@TempDir Path dir) throws IOException {
    Path checkpoint = dir.resolve("saved");
    try (LinearGaussian model = model()) {
      model.fit(data(50, 3, 1), quiet(1));
      model.saveCheckpoint(checkpoint);
      assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> model.saveCheckpoint(checkpoint));
    }
    Path data = checkpoint.resolve("variables.data-00000-of-00001");
    byte[] original = Files.readAllBytes(data);
    try (LinearGaussian fresh = model()) {
      float[] before = fresh.parameter("decode/dense_0/kernel");
      // Flipped bytes: TensorFlow's checksums catch them.
      byte[] flipped = original.clone();
      for (int i = 0; i < flipped.length; i += 7) {
        flipped[i] ^= 0x5A;
      }
      Files.write(data, flipped);
      IOException corrupt = assertThrows(IOException.class, () -> fresh.restoreCheckpoint(checkpoint));
      assertTrue(corrupt.getMessage().contains(checkpoint.toAbsolutePath().toString())
          && corrupt.getMessage().contains("cannot restore"), corrupt.getMessage());
      // Truncated.
      Files.write(data, java.util.Arrays.copyOf(original, original.length / 2));
      IOException truncated = assertThrows(IOException.class, () -> fresh.restoreCheckpoint(checkpoint));
      assertTrue(truncated.getMessage().contains("cannot restore"), truncated.getMessage());
      assertArrayEquals(before, fresh.parameter("decode/dense_0/kernel"), 0f, "unchanged");
      assertEquals(0, fresh.stepsTaken());
      // Intact variables, a damaged step count: refused before any variable changes.
      Files.write(data, original, StandardOpenOption.TRUNCATE_EXISTING);
      Path properties = checkpoint.resolve(dev.helmholtz.train.Checkpoints.PROPERTIES_FILE);
      String intact = Files.readString(properties);
      Files.writeString(properties, intact.replace("steps=5", "steps=five"));
      IOException steps = assertThrows(IOException.class, () -> fresh.restoreCheckpoint(checkpoint));
      assertTrue(steps.getMessage().contains("damaged step count 'five'"), steps.getMessage());
      assertArrayEquals(before, fresh.parameter("decode/dense_0/kernel"), 0f, "unchanged");
      // Intact again: it restores.
      Files.writeString(properties, intact);
      fresh.restoreCheckpoint(checkpoint);
      assertEquals(5, fresh.stepsTaken());
    }
    try (SqrtOffsetModel other = new SqrtOffsetModel()) {
      IOException wrongModel = assertThrows(IOException.class, () -> other.restoreCheckpoint(checkpoint));
      assertTrue(wrongModel.getMessage().contains("is a checkpoint of LinearGaussian")
          && wrongModel.getMessage().contains("not of SqrtOffset"), wrongModel.getMessage());
    }
    try (LinearGaussian model = model()) {
      IOException notForResume = assertThrows(UncheckedIOException.class,
          () -> model.fit(data(50, 3, 1), quiet(1).resumeFrom(checkpoint))).getCause();
      assertTrue(notForResume.getMessage().contains("holds no training state"), notForResume.getMessage());
    }
  }

  @Test
  void aCheckpointThatCannotBeWrittenMidRunStopsTrainingAndKeepsTheEarlierOnes(@TempDir Path dir)
      throws IOException {
    Path checkpoints = dir.resolve("ckpt");
    try (LinearGaussian model = model()) {
      ProgressListener removeTheDirectoryAfterTheFirst = new ProgressListener() {
        @Override
        public void checkpointWritten(long step, Path checkpoint) {
          if (step == 5) {
            // Replace the checkpoint root by a file: the next checkpoint cannot be written.
            try {
              Path moved = dir.resolve("moved");
              Files.move(checkpoints, moved);
              Files.writeString(checkpoints, "in the way");
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        }
      };
      CheckpointFailedException e = assertThrows(CheckpointFailedException.class,
          () -> model.fit(data(100, 3, 1), quiet(1).checkpoints(checkpoints).checkpointEvery(5)
              .progress(removeTheDirectoryAfterTheFirst)));
      assertEquals(10, e.step());
      assertTrue(e.getMessage().startsWith("cannot write the checkpoint after step 10 into "
          + checkpoints.toAbsolutePath()), e.getMessage());
      assertTrue(e.getMessage().contains("the checkpoints written before are intact"), e.getMessage());
    }
    assertTrue(Checkpoints.isCheckpoint(dir.resolve("moved/step-0000000005")));
  }
}
