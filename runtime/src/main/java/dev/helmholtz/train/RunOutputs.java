package dev.helmholtz.train;

import dev.helmholtz.data.ImageGrid;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one {@link TrainingLoop} run writes: its checkpoints, TensorBoard events and curves plot.
 * A checkpoint that cannot be written stops the run; TensorBoard and the plot only warn.
 */
final class RunOutputs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunOutputs.class);

  private final Training training;
  private final CheckpointManager checkpoints;
  private final TensorBoardWriter tensorBoard;
  private Path lastCheckpoint;

  private RunOutputs(Training training, CheckpointManager checkpoints, TensorBoardWriter tensorBoard,
      Path resumedFrom) {
    this.training = training;
    this.checkpoints = checkpoints;
    this.tensorBoard = tensorBoard;
    this.lastCheckpoint = checkpoints != null && checkpoints.last().isPresent() ? checkpoints.last().get()
        : resumedFrom;
  }

  /**
   * Opens the checkpoint root and the TensorBoard directory of {@code training}, where it has
   * them. Only this run's checkpoints stay in the root: its own earlier steps when it resumes
   * from there; another run's (or a later, abandoned continuation's) are moved aside.
   */
  static RunOutputs open(Training training, Path resumedFrom, long resumedStep) throws IOException {
    CheckpointManager checkpoints = null;
    if (training.checkpointDirectory() != null) {
      // Locked before anything in the root changes: one run at a time per checkpoint root.
      checkpoints = CheckpointManager.openLocked(training.checkpointDirectory(), training.keepCheckpoints(),
          "the checkpoint directory (Training.checkpoints)");
      try {
        boolean resumedHere = resumedFrom != null
            && checkpoints.root().equals(resumedFrom.toAbsolutePath().normalize().getParent());
        checkpoints.archiveAfter(resumedHere ? resumedStep : -1, resumedFrom);
      } catch (IOException | RuntimeException e) {
        checkpoints.close();
        throw e;
      }
    }
    TensorBoardWriter tensorBoard;
    try {
      tensorBoard = training.tensorBoardDirectory() != null
          ? TensorBoardWriter.open(training.tensorBoardDirectory()) : null;
    } catch (IOException | RuntimeException e) {
      if (checkpoints != null) {
        checkpoints.close();
      }
      throw e;
    }
    return new RunOutputs(training, checkpoints, tensorBoard, resumedFrom);
  }

  /** The last checkpoint of this run, or the one it resumed from; {@code null} if neither. */
  Path lastCheckpoint() {
    return lastCheckpoint;
  }

  /** Whether the periodic checkpoint falls after {@code step}. */
  boolean checkpointDue(long step) {
    return checkpoints != null && training.checkpointEvery() > 0 && step % training.checkpointEvery() == 0;
  }

  /**
   * Writes the checkpoint after {@code step} and tells {@code progress}, or says which earlier
   * ones are intact.
   */
  void checkpoint(long step, Supplier<Properties> properties, Checkpoints.VariableWriter variables,
      ProgressListener progress) {
    try {
      lastCheckpoint = checkpoints.save(step, properties.get(), variables);
      progress.checkpointWritten(step, lastCheckpoint);
    } catch (IOException e) {
      String before = checkpoints.last().map(p -> "the checkpoints written before are intact; the newest is " + p)
          .orElse("no checkpoint had been written before");
      throw new CheckpointFailedException("cannot write the checkpoint after step " + step
          + " into " + checkpoints.root() + ": " + e.getMessage() + "; " + before, step, e);
    }
  }

  /**
   * The checkpoint at the end of a run, unless the root holds this step's already: the periodic
   * one of the last step, or the one a run with nothing left resumed from.
   */
  void finalCheckpoint(long step, Supplier<Properties> properties, Checkpoints.VariableWriter variables,
      ProgressListener progress) {
    if (checkpoints != null && checkpoints.last().map(Checkpoints::step).orElse(-1L) != step) {
      checkpoint(step, properties, variables, progress);
    }
  }

  /** After a step that ran finite: the checkpoint it started from resumes into a finite step. */
  void stepWasFinite(long step) {
    if (checkpoints == null) {
      return;
    }
    try {
      checkpoints.confirm(step);
    } catch (IOException e) {
      LOG.warn("cannot remove old checkpoints from {}: {}", checkpoints.root(), e.getMessage());
    }
  }

  /** At the end of a run that did not diverge: older checkpoints beyond the number kept go. */
  void finished() {
    if (checkpoints == null) {
      return;
    }
    try {
      checkpoints.finish();
    } catch (IOException e) {
      LOG.warn("cannot remove old checkpoints from {}: {}", checkpoints.root(), e.getMessage());
    }
  }

  /**
   * After a step diverged: the checkpoint of the step before it (whose weights the diverging step
   * started from, so that resuming from it would diverge at once) is moved aside into {@code
   * diverged-<time>}, and the one before it is kept. Returns the end of the divergence message:
   * which checkpoint is kept to resume from, and which was moved aside.
   */
  String diverged(long step) {
    if (checkpoints == null) {
      return lastCheckpoint != null
          ? "; the checkpoint this run resumed from, " + lastCheckpoint + ", is kept"
          : "; no checkpoints were configured";
    }
    Path before = lastCheckpoint;
    String moved = "";
    try {
      Path kept = checkpoints.diverged().orElse(null);
      if (before != null && !before.equals(kept) && checkpoints.root().equals(before.getParent())) {
        moved = " (checkpoint " + before.getFileName() + ", whose weights step " + step
            + " started from, was moved aside into " + checkpoints.root().resolve("diverged-*") + ")";
        lastCheckpoint = kept;
        if (kept == null) {
          return "; no checkpoint of this run resumes into a finite step" + moved + ": train from scratch";
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot move the checkpoint of the diverging step's weights aside in {}: {}", checkpoints.root(),
          e.getMessage());
    }
    return checkpointNote() + moved;
  }

  /** The end of a divergence message: what is kept to resume from. */
  private String checkpointNote() {
    return lastCheckpoint != null
        ? "; the last good checkpoint, " + lastCheckpoint + ", is kept: resume from it"
        : training.checkpointDirectory() != null ? "; no checkpoint had been written yet"
        : "; no checkpoints were configured";
  }

  /** Whether TensorBoard takes the step scalars of {@code step}. */
  boolean scalarsDue(long step) {
    return tensorBoard != null && step % training.tensorBoardEvery() == 0;
  }

  /** A step's scalars: the model's, then the learning rate, throughput and scheduled hyperparameters. */
  void stepScalars(long step, StepOutcome outcome, double learningRate, double examplesPerSecond,
      Map<String, Double> hyperparameters) {
    try {
      Map<String, Double> values = new LinkedHashMap<>(outcome.scalars());
      values.put("train/learning_rate", learningRate);
      values.put("train/examples_per_second", examplesPerSecond);
      hyperparameters.forEach((name, v) -> values.put("train/" + name, v));
      tensorBoard.scalars(step, values);
    } catch (RuntimeException e) {
      LOG.warn("cannot write TensorBoard scalars at step {} to {}: {}", step, tensorBoard.directory(), e.toString());
    }
  }

  /** An epoch's mean objective (under {@code tag}), its validation objective and sample images. */
  void epochSummaries(long step, String tag, double train, double validation,
      Supplier<Map<String, ImageGrid.Pixels>> images) {
    if (tensorBoard == null) {
      return;
    }
    try {
      tensorBoard.scalar(tag, step, train);
      if (!Double.isNaN(validation)) {
        tensorBoard.scalar("epoch/validation_objective", step, validation);
      }
      images.get().forEach((name, grid) ->
          tensorBoard.image("samples/" + name, step, grid.gray(), grid.height(), grid.width()));
      tensorBoard.flush();
    } catch (RuntimeException e) {
      LOG.warn("cannot write TensorBoard epoch summaries at step {} to {}: {}", step, tensorBoard.directory(),
          e.toString());
    }
  }

  /** The curves plot of {@code history}, if {@code training} asks for one; a failure is a warning. */
  void plot(List<EpochRecord> history, String title) {
    if (training.curvesPlot() == null || history.isEmpty()) {
      return;
    }
    try {
      TrainingCurvesPlot.write(training.curvesPlot(), history, title);
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot write the training-curves plot {}: {}", training.curvesPlot(), e.toString());
    }
  }

  /** Creates the directory {@code file} will be written into, naming {@code what} if it cannot. */
  static void createParent(Path file, String what) {
    Path parent = file.toAbsolutePath().normalize().getParent();
    try {
      Files.createDirectories(parent);
    } catch (FileSystemException e) {
      throw new UncheckedIOException(new NotDirectoryException(parent + ": cannot create the directory"
          + " of the " + what + " (" + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName())
          + ")"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Closes the TensorBoard event file; a failure is a warning. */
  @Override
  public void close() {
    if (checkpoints != null) {
      try {
        checkpoints.close();
      } catch (IOException e) {
        LOG.warn("cannot release the lock of {}: {}", checkpoints.root(), e.getMessage());
      }
    }
    if (tensorBoard == null) {
      return;
    }
    try {
      tensorBoard.close();
    } catch (RuntimeException e) {
      LOG.warn("cannot close the TensorBoard event file in {}: {}", tensorBoard.directory(), e.toString());
    }
  }
}
