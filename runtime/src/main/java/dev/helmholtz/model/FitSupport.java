package dev.helmholtz.model;

import dev.helmholtz.train.CheckpointFailedException;
import dev.helmholtz.train.CheckpointManager;
import dev.helmholtz.train.Checkpoints;
import dev.helmholtz.train.EpochRecord;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.TensorBoardWriter;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingCurvesPlot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.types.TFloat32;

/** What both training loops ({@link FitLoop}, {@link AdversarialFitLoop}) do alike around their steps. */
final class FitSupport {
  private static final Logger LOG = LoggerFactory.getLogger(FitSupport.class);

  private FitSupport() {}

  /**
   * Opens the checkpoint root of {@code training}, or returns {@code null} when it has none. Only
   * this run's checkpoints stay in the root: its own earlier steps when it resumes from there;
   * another run's (or a later, abandoned continuation's) are moved aside.
   */
  static CheckpointManager openCheckpoints(Training training, Path resumedFrom, long resumedStep) throws IOException {
    if (training.checkpointDirectory() == null) {
      return null;
    }
    CheckpointManager checkpoints = CheckpointManager.open(training.checkpointDirectory(), training.keepCheckpoints());
    boolean resumedHere = resumedFrom != null
        && checkpoints.root().equals(resumedFrom.toAbsolutePath().normalize().getParent());
    checkpoints.archiveAfter(resumedHere ? resumedStep : -1);
    return checkpoints;
  }

  /** The last checkpoint of this run, or the one it resumed from; {@code null} if neither. */
  static Path lastCheckpoint(CheckpointManager checkpoints, Path resumedFrom) {
    return checkpoints != null && checkpoints.last().isPresent() ? checkpoints.last().get() : resumedFrom;
  }

  /** Writes a checkpoint after {@code step}, or says which earlier ones are intact. */
  static Path save(CheckpointManager checkpoints, long step, Properties properties,
      Checkpoints.VariableWriter variables, ProgressListener progress) {
    try {
      Path written = checkpoints.save(step, properties, variables);
      progress.checkpointWritten(step, written);
      return written;
    } catch (IOException e) {
      String before = checkpoints.last().map(p -> "the checkpoints written before are intact; the newest is " + p)
          .orElse("no checkpoint had been written before");
      throw new CheckpointFailedException("cannot write the checkpoint after step " + step
          + " into " + checkpoints.root() + ": " + e.getMessage() + "; " + before, step, e);
    }
  }

  /** The end of a divergence message: what is kept to resume from. */
  static String checkpointNote(Path lastCheckpoint, Training training) {
    return lastCheckpoint != null
        ? "; the last good checkpoint, " + lastCheckpoint + ", is kept: resume from it"
        : training.checkpointDirectory() != null ? "; no checkpoint had been written yet"
        : "; no checkpoints were configured";
  }

  static void closeQuietly(TensorBoardWriter tensorBoard) {
    if (tensorBoard == null) {
      return;
    }
    try {
      tensorBoard.close();
    } catch (RuntimeException e) {
      LOG.warn("cannot close the TensorBoard event file in {}: {}", tensorBoard.directory(), e.toString());
    }
  }

  /** The curves plot of {@code history}, if {@code training} asks for one; a failure is a warning. */
  static void writePlot(Training training, List<EpochRecord> history, String title) {
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

  /** The learning-rate tensor fed each step, remade only when the rate changes. */
  static final class RateTensor implements AutoCloseable {
    private double value = Double.NaN;
    private TFloat32 tensor;

    TFloat32 of(double rate) {
      if (tensor == null || Double.compare(rate, value) != 0) {
        close();
        tensor = TFloat32.scalarOf((float) rate);
        value = rate;
      }
      return tensor;
    }

    @Override
    public void close() {
      if (tensor != null) {
        tensor.close();
        tensor = null;
      }
    }
  }
}
