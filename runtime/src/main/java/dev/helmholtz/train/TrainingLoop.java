package dev.helmholtz.train;

import dev.helmholtz.data.Dataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code fit} call, for every kind of model: the epoch loop around {@link
 * TrainableModel#step}, with the learning-rate schedule and scheduled hyperparameters, the
 * divergence check, validation and early stopping, checkpoints (periodic, final, and on a {@link
 * StopRequest}) and resuming, TensorBoard, the curves plot and the progress listener.
 *
 * <p>Order within a step, which resuming relies on: the update; the divergence check; at the end
 * of an epoch, validation, the history record and early stopping; then, with the position moved
 * past the finished epoch, the stop conditions and the periodic checkpoint. So a checkpoint
 * always holds a canonical position ({@link TrainingState}), and a run resumed from it (same data,
 * batch size and seed) repeats the uninterrupted run's steps, random draws included, exactly.
 */
public final class TrainingLoop {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);
  /** The prefix of the settings a checkpoint records and a resumed run may change. */
  private static final String SETTINGS = "settings.";

  private final TrainableModel model;
  private final TrainableModel.Description description;
  private final Dataset data;
  private final Training training;
  private final ProgressListener progress;
  private final String modelName;

  private TrainingLoop(TrainableModel model, Dataset data, Training training) {
    this.model = model;
    this.description = model.description();
    this.data = data;
    this.training = training;
    this.progress = training.progress();
    this.modelName = description.name();
  }

  /**
   * Trains {@code model} on {@code data} as {@code training} configures it. Every option and
   * path is checked, and a checkpoint to resume from read, before the model changes.
   *
   * @throws TrainingDivergedException when a step computes something not finite; the message
   *     names the step and the quantity, and the checkpoints written before are kept
   * @throws IllegalArgumentException for an option the model cannot train with, or a checkpoint
   *     written by a run with other settings
   * @throws UncheckedIOException naming the path, when an output directory cannot be created or
   *     written, or the checkpoint to resume from is missing or damaged
   * @throws CheckpointFailedException when a checkpoint cannot be written during training
   */
  public static TrainingSummary run(TrainableModel model, Dataset data, Training training) {
    return new TrainingLoop(model, data, training).run();
  }

  private TrainingSummary run() {
    if (training.cluster() != null && !model.trainsInCluster()) {
      throw new IllegalArgumentException(modelName + " cannot train data-parallel: only variational models"
          + " join a cluster (docs/distributed.md); drop Training.cluster");
    }
    model.checkTraining(training);
    StepFeeds.checkSchedules(modelName, description.hyperparameterInputs(), training);
    if (training.curvesPlot() != null) {
      RunOutputs.createParent(training.curvesPlot(), "training-curves plot");
    }

    // Everything that can fail for a bad path or checkpoint fails here, before the first step, and
    // every check of the checkpoint comes before anything on disk changes (RunOutputs.open).
    TrainingState state = new TrainingState();
    Path resumedFrom = null;
    Properties resumeProperties = null;
    List<String> changed = List.of();
    RunOutputs outputs;
    try {
      if (training.resumeFrom() != null) {
        resumedFrom = Checkpoints.resolve(training.resumeFrom());
        resumeProperties = Checkpoints.properties(resumedFrom);
        state = TrainingState.fromProperties(resumeProperties, resumedFrom);
        checkResumable(state, resumeProperties, resumedFrom);
        state.checkConsistent(resumedFrom);
        Checkpoints.checkVariableFiles(resumedFrom);
        changed = changedSettings(resumeProperties);
      }
      outputs = RunOutputs.open(training, resumedFrom, state.step);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }

    try (outputs) {
      for (String change : changed) {
        LOG.warn("resuming {} from {} with a changed setting: {}", modelName, resumedFrom, change);
      }
      if (training.batchSize() > data.size()) {
        LOG.warn("the batch size ({}) is larger than the {} training examples: each epoch is one step of {}",
            training.batchSize(), data.size(), data.size());
      }
      String[] columns = description.columns();
      long bytes = 0;
      for (String column : columns) {
        bytes += 4L * data.size() * data.width(column);
      }
      DataPath path = resumedFrom != null ? state.dataPath : model.dataPath(training, bytes);
      state.batchSize = training.batchSize();
      state.seed = training.seed();
      state.dataSize = data.size();
      state.dataPath = path;
      if (resumedFrom != null) {
        // Only now, with every path checked: the model changes when nothing else can fail first.
        try {
          model.restore(resumedFrom, resumeProperties, state.step);
        } catch (IOException e) {
          throw new UncheckedIOException(e.getMessage(), e);
        }
        LOG.info("resuming {} from {}: {} {}, epoch {}, batch {}", modelName, resumedFrom, description.stepName(),
            state.step, state.epoch, state.batchesDone);
      }
      model.begin(data, path);
      LOG.debug("training {} on {} examples ({} data path): {}", modelName, data.size(), path, training);
      return loop(state, columns, path, outputs, changed);
    }
  }

  /**
   * The settings a resumed run may change, as a checkpoint records them under {@code settings.}:
   * the learning rate and its schedule, gradient clipping, each scheduled hyperparameter, and the
   * model's own ({@link TrainableModel#settings()}: threads and towers, the objective).
   */
  private Properties settings() {
    Properties p = new Properties();
    p.setProperty(SETTINGS + "learning rate", Double.toString(training.learningRate()));
    p.setProperty(SETTINGS + "learning-rate schedule", training.learningRateSchedule().toString());
    p.setProperty(SETTINGS + "gradient clipping norm", training.clipGradientNorm() > 0
        ? Double.toString(training.clipGradientNorm()) : "none");
    training.schedules().forEach((name, schedule) ->
        p.setProperty(SETTINGS + "schedule of " + name, schedule.toString()));
    model.settings().forEach((name, value) -> p.setProperty(SETTINGS + name, value));
    return p;
  }

  /**
   * What this run sets differently from the checkpoint's run, among the settings a resume may
   * change ({@link #settings()}): each as {@code "name: before -> now"}. A checkpoint written
   * before settings were recorded has none to compare.
   */
  private List<String> changedSettings(Properties checkpoint) {
    if (checkpoint.stringPropertyNames().stream().noneMatch(k -> k.startsWith(SETTINGS))) {
      return List.of();
    }
    Properties now = settings();
    java.util.TreeSet<String> names = new java.util.TreeSet<>(now.stringPropertyNames());
    checkpoint.stringPropertyNames().stream().filter(k -> k.startsWith(SETTINGS)).forEach(names::add);
    List<String> changes = new ArrayList<>();
    for (String key : names) {
      String before = checkpoint.getProperty(key, "none");
      String after = now.getProperty(key, "none");
      if (!before.equals(after)) {
        changes.add(key.substring(SETTINGS.length()) + ": " + before + " -> " + after);
      }
    }
    return changes;
  }

  /** The checkpoint's properties: the loop's position, the settings and the model's own. */
  private Properties checkpointProperties(TrainingState state) {
    Properties p = state.toProperties();
    p.putAll(settings());
    return model.checkpointProperties(p);
  }

  private void checkResumable(TrainingState s, Properties p, Path checkpoint) throws IOException {
    List<String> differences = new ArrayList<>();
    if (s.batchSize != training.batchSize()) {
      differences.add("batch size " + s.batchSize + " (this run: " + training.batchSize() + ")");
    }
    if (s.dataSize != data.size()) {
      differences.add(s.dataSize + " training examples (this run: " + data.size() + ")");
    }
    if (s.seed != training.seed()) {
      differences.add("training seed " + s.seed + " (this run: " + training.seed() + ")");
    }
    if (training.dataPath() != DataPath.AUTO && training.dataPath() != s.dataPath) {
      differences.add("data path " + s.dataPath + " (this run: " + training.dataPath() + ")");
    }
    model.checkResumable(p, checkpoint, differences);
    if (!differences.isEmpty()) {
      throw new IllegalArgumentException("checkpoint " + checkpoint.toAbsolutePath() + " was written by a run with "
          + String.join(", ", differences) + "; resume with the same data and settings, or train from scratch");
    }
  }

  private TrainingSummary loop(TrainingState state, String[] columns, DataPath path, RunOutputs outputs,
      List<String> changed) {
    long shuffleSeed = description.seed().derive("batches").value() ^ training.seed();
    LearningRateSchedule schedule = training.learningRateSchedule();
    EarlyStopping earlyStopping = training.earlyStopping();
    long steps = 0;
    long examples = 0;
    StopReason reason = null;
    double lastObjective = state.history.isEmpty() ? Double.NaN
        : state.history.get(state.history.size() - 1).trainObjective();
    int lastEpoch = state.history.isEmpty() ? 0 : state.history.get(state.history.size() - 1).epoch();
    long started = System.nanoTime();
    long tensorBoardNanos = started;
    long tensorBoardExamples = 0;
    boolean[] binarized = new boolean[columns.length];
    for (int i = 0; i < columns.length; i++) {
      binarized[i] = path == DataPath.RESIDENT && data.isDynamicallyBinarized(columns[i]);
    }
    try (StepFeeds feeds = new StepFeeds(modelName, description.hyperparameterInputs(), training, binarized)) {
      epochs:
      while (state.epoch <= training.epochs()) {
        if (earlyStopping != null && earlyStopping.exhausted(state.epochsWithoutImprovement)) {
          reason = StopReason.EARLY_STOPPED;
          break;
        }
        int epoch = state.epoch;
        EpochBatches batches = path == DataPath.RESIDENT
            ? EpochBatches.resident(data.indexBatches(training.batchSize(), true, shuffleSeed + epoch))
            : EpochBatches.fed(data.batches(training.batchSize(), true, shuffleSeed + epoch, columns));
        for (int skip = 0; skip < state.batchesDone; skip++) {
          batches.advance();
        }
        progress.epochStarted(epoch, training.epochs(), batches.count());
        lastEpoch = epoch;
        long epochStart = System.nanoTime();
        long stepStart = epochStart;
        long lastReport = epochStart;
        long callEpochExamples = 0;
        while (batches.hasNext()) {
          int size = batches.advance();
          double rate = schedule.rate(training.learningRate(), state.step, epoch);
          feeds.update(rate, state.step, epoch);
          long step = state.step + 1;
          StepOutcome outcome;
          try {
            outcome = model.step(batches, feeds, step);
          } catch (RuntimeException e) {
            throw stepFailed(step, epoch, state.batchesDone + 1, feeds, e);
          }
          checkFinite(outcome, step, epoch, state.batchesDone + 1, outputs);
          outputs.stepWasFinite(step);
          state.step = step;
          state.batchesDone++;
          state.epochSum += outcome.objective() * size;
          state.epochExamples += size;
          state.examples += size;
          steps++;
          examples += size;
          callEpochExamples += size;
          long now = System.nanoTime();
          state.epochSeconds += (now - stepStart) / 1e9;
          stepStart = now;
          lastObjective = state.epochSum / state.epochExamples;

          if (outputs.scalarsDue(step)) {
            double seconds = (now - tensorBoardNanos) / 1e9;
            outputs.stepScalars(step, outcome, rate, (examples - tensorBoardExamples) / seconds,
                feeds.hyperparameters());
            tensorBoardNanos = now;
            tensorBoardExamples = examples;
          }
          if (now - lastReport >= training.logEvery().toNanos()) {
            progress.progress(epoch, state.batchesDone, batches.count(), lastObjective,
                callEpochExamples / ((now - epochStart) / 1e9));
            lastReport = now;
          }
          if (!batches.hasNext()) {
            boolean stop = finishEpoch(state, rate, outputs);
            stepStart = System.nanoTime();
            if (stop) {
              reason = StopReason.EARLY_STOPPED;
            }
          }
          reason = stopReason(reason, steps, step);
          if (reason != null) {
            if (state.epoch == epoch) {
              reportCutShort(epoch, lastObjective, callEpochExamples, epochStart);
            }
            break epochs;
          }
          if (outputs.checkpointDue(step)) {
            outputs.checkpoint(step, () -> checkpointProperties(state), model::writeVariables, progress);
          }
        }
      }
      if (reason == null) {
        reason = StopReason.COMPLETED;
      }
      outputs.finalCheckpoint(state.step, () -> checkpointProperties(state), model::writeVariables, progress);
      outputs.finished();
    } finally {
      String name = modelName.substring(modelName.lastIndexOf('.') + 1);
      outputs.plot(state.history, name + " (" + description.objectiveName() + ")");
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    TrainingSummary summary = new TrainingSummary(Math.max(lastEpoch, 1), steps, examples,
        lastObjective, took, examples / Math.max(1e-9, took.toNanos() / 1e9), path, reason,
        state.history, outputs.lastCheckpoint(), changed);
    progress.finished(summary);
    return summary;
  }

  /**
   * The end of an epoch: the listener, validation, the history record, early stopping and
   * TensorBoard; then the position moves to the next epoch. Returns whether to stop early.
   */
  private boolean finishEpoch(TrainingState state, double lastRate, RunOutputs outputs) {
    int epoch = state.epoch;
    double mean = state.epochExamples == 0 ? Double.NaN : state.epochSum / state.epochExamples;
    progress.epochFinished(epoch, mean, state.epochExamples / Math.max(1e-9, state.epochSeconds),
        Duration.ofNanos((long) (state.epochSeconds * 1e9)));
    double validated = Double.NaN;
    EarlyStopping earlyStopping = training.earlyStopping();
    if (training.validation() != null) {
      validated = model.validationObjective(training.validation());
      progress.validated(epoch, validated);
      boolean improved = earlyStopping != null ? earlyStopping.improves(validated, state.bestValidation)
          : Double.isNaN(state.bestValidation) || validated > state.bestValidation;
      if (improved) {
        state.bestValidation = validated;
        state.bestEpoch = epoch;
        state.epochsWithoutImprovement = 0;
      } else {
        state.epochsWithoutImprovement++;
      }
    }
    state.history.add(new EpochRecord(epoch, state.step, mean, validated, lastRate, state.epochSeconds));
    outputs.epochSummaries(state.step, description.epochObjectiveTag(), mean, validated, model::sampleImages);
    state.startEpoch(epoch + 1);
    boolean stop = earlyStopping != null && earlyStopping.exhausted(state.epochsWithoutImprovement);
    if (stop) {
      LOG.info("early stopping {} after epoch {}: the validation objective has not improved for {}"
          + " epochs (best {} at epoch {})", modelName, epoch, state.epochsWithoutImprovement,
          String.format(Locale.ROOT, "%.4f", state.bestValidation), state.bestEpoch);
    }
    return stop;
  }

  /** Stops training, naming the step and what was not finite, when the step diverged. */
  private void checkFinite(StepOutcome outcome, long step, int epoch, int batch, RunOutputs outputs) {
    StepOutcome.Divergence divergence = outcome.divergence();
    if (divergence == null) {
      return;
    }
    throw new TrainingDivergedException("training of " + modelName + " diverged at " + description.stepName() + " "
        + step + " (epoch " + epoch + ", batch " + batch + "): " + divergence.description()
        + outputs.diverged(step), step, divergence.quantity(), outputs.lastCheckpoint());
  }

  /**
   * What to throw for an exception of a training step: one TensorFlow raised (an assertion on a fed
   * value, say; its exceptions are {@code org.tensorflow.exceptions}) said again with where it was
   * and the hyperparameters the step was fed, the cause kept; any other as it is.
   */
  private RuntimeException stepFailed(long step, int epoch, int batch, StepFeeds feeds, RuntimeException cause) {
    if (!cause.getClass().getPackageName().equals("org.tensorflow.exceptions")) {
      return cause;
    }
    String fed = feeds.hyperparameters().isEmpty() ? "" : "; scheduled hyperparameters " + feeds.hyperparameters();
    return new IllegalStateException("training of " + modelName + " failed at step " + step + " (epoch " + epoch
        + ", batch " + batch + "): " + cause.getMessage().strip() + fed, cause);
  }

  /**
   * Why the loop stops after the step that made {@code steps} of this call ({@code step} of the
   * run): {@code already} if set (early stopping), else the step cap, else a stop request, else
   * {@code null} (go on).
   */
  private StopReason stopReason(StopReason already, long steps, long step) {
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
  private void reportCutShort(int epoch, double objective, long examples, long epochStart) {
    long now = System.nanoTime();
    progress.epochFinished(epoch, objective, examples / ((now - epochStart) / 1e9), Duration.ofNanos(now - epochStart));
  }
}
