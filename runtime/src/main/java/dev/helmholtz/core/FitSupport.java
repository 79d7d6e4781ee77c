package dev.helmholtz.core;

import dev.helmholtz.train.CheckpointFailedException;
import dev.helmholtz.train.CheckpointManager;
import dev.helmholtz.train.Checkpoints;
import dev.helmholtz.train.EpochRecord;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ScalarSchedule;
import dev.helmholtz.train.StopReason;
import dev.helmholtz.train.StopRequest;
import dev.helmholtz.train.TensorBoardWriter;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingCurvesPlot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/** What both training loops ({@code FitLoop}, {@code AdversarialFitLoop}) do alike around their steps. */
public final class FitSupport {
  private static final Logger LOG = LoggerFactory.getLogger(FitSupport.class);

  private FitSupport() {}

  /**
   * Opens the checkpoint root of {@code training}, or returns {@code null} when it has none. Only
   * this run's checkpoints stay in the root: its own earlier steps when it resumes from there;
   * another run's (or a later, abandoned continuation's) are moved aside.
   */
  public static CheckpointManager openCheckpoints(Training training, Path resumedFrom, long resumedStep) throws IOException {
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
  public static Path lastCheckpoint(CheckpointManager checkpoints, Path resumedFrom) {
    return checkpoints != null && checkpoints.last().isPresent() ? checkpoints.last().get() : resumedFrom;
  }

  /** Writes a checkpoint after {@code step}, or says which earlier ones are intact. */
  public static Path save(CheckpointManager checkpoints, long step, Properties properties,
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

  /**
   * What to throw for an exception of a training step: one TensorFlow raised (an assertion on a fed
   * value, say; its exceptions are {@code org.tensorflow.exceptions}) said again with where it was
   * and the hyperparameters the step was fed, the cause kept; any other as it is.
   */
  public static RuntimeException stepFailed(String modelName, long step, int epoch, int batch,
      ScheduledInputs scheduled, RuntimeException cause) {
    if (!cause.getClass().getPackageName().equals("org.tensorflow.exceptions")) {
      return cause;
    }
    String fed = scheduled.values().isEmpty() ? "" : "; scheduled hyperparameters " + scheduled.values();
    return new IllegalStateException("training of " + modelName + " failed at step " + step + " (epoch " + epoch
        + ", batch " + batch + "): " + cause.getMessage().strip() + fed, cause);
  }

  /**
   * Why the loop stops after the step that made {@code steps} of this call ({@code step} of the
   * run): {@code already} if set (early stopping), else the step cap, else a stop request, else
   * {@code null} (go on).
   */
  public static StopReason stopReason(Training training, StopReason already, long steps, long step, String modelName) {
    if (already != null) {
      return already;
    }
    if (training.maxSteps() > 0 && steps >= training.maxSteps()) {
      return StopReason.MAX_STEPS;
    }
    StopRequest stopRequest = training.stopRequest();
    if (stopRequest != null && stopRequest.isRequested()) {
      LOG.warn("{}: stopping {} after step {}", stopRequest.reason().orElse("stop requested"), modelName, step);
      return StopReason.INTERRUPTED;
    }
    return null;
  }

  /** Tells the listener how far an epoch cut short got (such an epoch is not recorded). */
  public static void reportCutShort(ProgressListener progress, int epoch, double objective, long examples, long epochStart) {
    long now = System.nanoTime();
    progress.epochFinished(epoch, objective, examples / ((now - epochStart) / 1e9), Duration.ofNanos(now - epochStart));
  }

  /** Whether the periodic checkpoint falls after {@code step}. */
  public static boolean checkpointDue(CheckpointManager checkpoints, Training training, long step) {
    return checkpoints != null && training.checkpointEvery() > 0 && step % training.checkpointEvery() == 0;
  }

  /** The end of a divergence message: what is kept to resume from. */
  public static String checkpointNote(Path lastCheckpoint, Training training) {
    return lastCheckpoint != null
        ? "; the last good checkpoint, " + lastCheckpoint + ", is kept: resume from it"
        : training.checkpointDirectory() != null ? "; no checkpoint had been written yet"
        : "; no checkpoints were configured";
  }

  public static void closeQuietly(TensorBoardWriter tensorBoard) {
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
  public static void writePlot(Training training, List<EpochRecord> history, String title) {
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
  public static void createParent(Path file, String what) {
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

  /**
   * Refuses a schedule of a hyperparameter the model does not declare.
   *
   * @throws IllegalArgumentException naming the schedule and the model's hyperparameters
   */
  public static void checkSchedules(String modelName, Map<String, Operand<TFloat32>> declared, Training training) {
    for (String name : training.schedules().keySet()) {
      if (!declared.containsKey(name)) {
        throw new IllegalArgumentException("Training schedules the hyperparameter '" + name + "', but "
            + modelName + (declared.isEmpty() ? " declares none (Nn.hyperparameter)"
            : " declares only " + String.join(", ", declared.keySet())));
      }
    }
  }

  /**
   * The scheduled hyperparameters of a run ({@link Training#schedules()}) and the tensors fed for
   * them, remade only when a value changes. Built before the first step: a schedule of a name the
   * model does not declare is refused then.
   */
  public static final class ScheduledInputs implements AutoCloseable {
    private final List<String> names = new ArrayList<>();
    private final List<Operand<TFloat32>> inputs = new ArrayList<>();
    private final List<ScalarSchedule> schedules = new ArrayList<>();
    private final List<ScalarTensor> tensors = new ArrayList<>();
    private final Map<String, Double> values = new LinkedHashMap<>();

    public ScheduledInputs(String modelName, Map<String, Operand<TFloat32>> declared, Training training) {
      checkSchedules(modelName, declared, training);
      for (Map.Entry<String, ScalarSchedule> e : training.schedules().entrySet()) {
        Operand<TFloat32> input = declared.get(e.getKey());
        names.add(e.getKey());
        inputs.add(input);
        schedules.add(e.getValue());
        tensors.add(new ScalarTensor());
      }
    }

    /**
     * The values for the step about to run ({@code step} counted from 0).
     *
     * @throws IllegalArgumentException when a schedule's value is not finite
     */
    public void update(long step, int epoch) {
      for (int i = 0; i < names.size(); i++) {
        double v = schedules.get(i).value(step, epoch);
        if (!Double.isFinite((float) v)) {
          throw new IllegalArgumentException("the schedule of hyperparameter " + names.get(i) + " ("
              + schedules.get(i) + ") gives " + v + " at step " + step + ": a value must be finite in float32");
        }
        tensors.get(i).of(v);
        values.put(names.get(i), v);
      }
    }

    /** Feeds the values of the last {@link #update}. */
    public void feed(Session.Runner runner) {
      for (int i = 0; i < names.size(); i++) {
        runner.feed(inputs.get(i), tensors.get(i).current());
      }
    }

    /** The values of the last {@link #update}, by name (for TensorBoard). */
    public Map<String, Double> values() {
      return values;
    }

    @Override
    public void close() {
      tensors.forEach(ScalarTensor::close);
    }
  }

  /** A float32 scalar fed each step (the learning rate, a hyperparameter), remade only when its value changes. */
  public static final class ScalarTensor implements AutoCloseable {
    private double value = Double.NaN;
    private TFloat32 tensor;

    public TFloat32 of(double v) {
      if (tensor == null || Double.compare(v, value) != 0) {
        close();
        tensor = TFloat32.scalarOf((float) v);
        value = v;
      }
      return tensor;
    }

    /** The tensor of the last {@link #of}. */
    public TFloat32 current() {
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
