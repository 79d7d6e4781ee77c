package dev.helmholtz.variational;

import dev.helmholtz.core.FitSupport;
import dev.helmholtz.core.TrainingDivergedException;
import dev.helmholtz.core.TrainingState;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.train.CheckpointManager;
import dev.helmholtz.train.Checkpoints;
import dev.helmholtz.train.DataPath;
import dev.helmholtz.train.EarlyStopping;
import dev.helmholtz.train.EpochRecord;
import dev.helmholtz.train.LearningRateSchedule;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.StopReason;
import dev.helmholtz.train.TensorBoardWriter;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Tensor;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * One {@code fit} call: the epoch loop around {@link VariationalModel#trainStep}, with the
 * learning-rate schedule, gradient clipping, the divergence check, validation and early
 * stopping, checkpoints and resuming, TensorBoard, the curves plot and stop requests.
 *
 * <p>Order within a step, which resuming relies on: the update; the divergence check; at the end
 * of an epoch, validation, the history record and early stopping; then, with the position moved
 * past the finished epoch, the stop conditions and the periodic checkpoint. So a checkpoint
 * always holds a canonical position ({@link TrainingState}), and a run resumed from it repeats
 * the uninterrupted run's steps, random draws included, exactly.
 */
final class FitLoop {
  private static final Logger LOG = LoggerFactory.getLogger(FitLoop.class);
  /** Samples drawn for the TensorBoard image grid each epoch: 8 x 8. */
  private static final int GRID_SAMPLES = 64;

  private final VariationalModel model;
  private final Dataset data;
  private final Training training;
  private final ProgressListener progress;
  private final String modelName;

  FitLoop(VariationalModel model, Dataset data, Training training) {
    this.model = model;
    this.data = data;
    this.training = training;
    this.progress = training.progress();
    this.modelName = model.spec().modelName();
  }

  TrainingSummary run() {
    String[] columns = model.checkColumns(data);
    Dataset validation = training.validation();
    if (validation != null) {
      try {
        model.checkColumns(validation);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("validation data: " + e.getMessage(), e);
      }
    }
    if (training.earlyStopping() != null && validation == null) {
      throw new IllegalArgumentException("early stopping needs validation data: add"
          + " Training.validation(dataset), or drop earlyStopping");
    }
    FitSupport.checkSchedules(modelName, model.hyperparameterInputs(), training);
    if (training.curvesPlot() != null) {
      FitSupport.createParent(training.curvesPlot(), "training-curves plot");
    }

    // Everything that can fail for a bad path or checkpoint fails here, before the first step.
    TrainingState state = new TrainingState();
    Path resumedFrom = null;
    Properties resumeProperties = null;
    CheckpointManager checkpoints = null;
    try {
      if (training.resumeFrom() != null) {
        resumedFrom = Checkpoints.resolve(training.resumeFrom());
        resumeProperties = Checkpoints.properties(resumedFrom);
        state = TrainingState.fromProperties(resumeProperties, resumedFrom);
        checkResumable(state, resumedFrom);
      }
      checkpoints = FitSupport.openCheckpoints(training, resumedFrom, state.step);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }

    long bytes = 0;
    for (String column : columns) {
      bytes += 4L * data.size() * data.width(column);
    }
    DataPath path = resumedFrom != null ? state.dataPath : training.dataPath().resolve(bytes);
    state.batchSize = training.batchSize();
    state.seed = training.seed();
    state.dataSize = data.size();
    state.dataPath = path;

    TensorBoardWriter tensorBoard = null;
    try {
      if (training.tensorBoardDirectory() != null) {
        tensorBoard = TensorBoardWriter.open(training.tensorBoardDirectory());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }

    try {
      if (resumedFrom != null) {
        try {
          model.restoreVariables(resumedFrom, resumeProperties);
        } catch (IOException e) {
          throw new UncheckedIOException(e.getMessage(), e);
        }
        model.setStepsTaken(state.step);
        LOG.info("resuming {} from {}: step {}, epoch {}, batch {}", modelName, resumedFrom,
            state.step, state.epoch, state.batchesDone);
      }
      if (path == DataPath.RESIDENT) {
        model.uploadResident(data, columns);
      }
      LOG.debug("training {} on {} examples ({} data path): {}", modelName, data.size(), path, training);
      return loop(state, columns, path, checkpoints, tensorBoard, resumedFrom);
    } finally {
      FitSupport.closeQuietly(tensorBoard);
    }
  }

  private void checkResumable(TrainingState s, Path checkpoint) {
    String where = "checkpoint " + checkpoint.toAbsolutePath();
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
    if (!differences.isEmpty()) {
      throw new IllegalArgumentException(where + " was written by a run with "
          + String.join(", ", differences) + "; resume with the same data and settings, or train"
          + " from scratch");
    }
  }

  private TrainingSummary loop(TrainingState state, String[] columns, DataPath path,
      CheckpointManager checkpoints, TensorBoardWriter tensorBoard, Path resumedFrom) {
    long shuffleSeed = model.seed().derive("batches").value() ^ training.seed();
    LearningRateSchedule schedule = training.learningRateSchedule();
    EarlyStopping earlyStopping = training.earlyStopping();
    List<String> parameters = model.parameterNames();
    long steps = 0;
    long examples = 0;
    StopReason reason = null;
    double lastObjective = state.history.isEmpty() ? Double.NaN
        : state.history.get(state.history.size() - 1).trainObjective();
    int lastEpoch = state.history.isEmpty() ? 0 : state.history.get(state.history.size() - 1).epoch();
    Path lastCheckpoint = FitSupport.lastCheckpoint(checkpoints, resumedFrom);
    long started = System.nanoTime();
    long tensorBoardNanos = started;
    long tensorBoardExamples = 0;
    List<TBool> binarize = new ArrayList<>();
    FitSupport.ScalarTensor rate = new FitSupport.ScalarTensor();
    FitSupport.ScheduledInputs scheduled = new FitSupport.ScheduledInputs(modelName, model.hyperparameterInputs(),
        training);
    TFloat32 clip = training.clipGradientNorm() > 0
        ? TFloat32.scalarOf((float) training.clipGradientNorm()) : null;
    try {
      for (String column : columns) {
        binarize.add(TBool.scalarOf(path == DataPath.RESIDENT && data.isDynamicallyBinarized(column)));
      }
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
        double lastRate = Double.NaN;
        while (batches.hasNext()) {
          int size = batches.advance();
          lastRate = schedule.rate(training.learningRate(), state.step, epoch);
          scheduled.update(state.step, epoch);
          VariationalModel.StepResult result;
          try {
            result = model.trainStep(batches, columns, rate.of(lastRate), clip, binarize, scheduled);
          } catch (RuntimeException e) {
            throw FitSupport.stepFailed(modelName, state.step + 1, epoch, state.batchesDone + 1, scheduled, e);
          }
          long step = state.step + 1;
          checkFinite(result, step, epoch, state.batchesDone + 1, parameters, lastCheckpoint);
          state.step = step;
          state.batchesDone++;
          state.epochSum += result.objective() * size;
          state.epochExamples += size;
          state.examples += size;
          steps++;
          examples += size;
          callEpochExamples += size;
          long now = System.nanoTime();
          state.epochSeconds += (now - stepStart) / 1e9;
          stepStart = now;
          lastObjective = state.epochSum / state.epochExamples;

          if (tensorBoard != null && step % training.tensorBoardEvery() == 0) {
            double seconds = (now - tensorBoardNanos) / 1e9;
            writeStepScalars(tensorBoard, step, result, lastRate, (examples - tensorBoardExamples) / seconds,
                scheduled.values());
            tensorBoardNanos = now;
            tensorBoardExamples = examples;
          }
          if (now - lastReport >= training.logEvery().toNanos()) {
            progress.progress(epoch, state.batchesDone, batches.count(), lastObjective,
                callEpochExamples / ((now - epochStart) / 1e9));
            lastReport = now;
          }
          if (!batches.hasNext()) {
            boolean stop = finishEpoch(state, lastRate, callEpochExamples, tensorBoard);
            stepStart = System.nanoTime();
            if (stop) {
              reason = StopReason.EARLY_STOPPED;
            }
          }
          reason = FitSupport.stopReason(training, reason, steps, step, modelName);
          if (reason != null) {
            if (state.epoch == epoch) {
              FitSupport.reportCutShort(progress, epoch, lastObjective, callEpochExamples, epochStart);
            }
            break epochs;
          }
          if (FitSupport.checkpointDue(checkpoints, training, step)) {
            lastCheckpoint = save(checkpoints, state);
          }
        }
      }
      if (reason == null) {
        reason = StopReason.COMPLETED;
      }
      if (checkpoints != null) {
        lastCheckpoint = save(checkpoints, state);
      }
    } finally {
      binarize.forEach(Tensor::close);
      rate.close();
      scheduled.close();
      if (clip != null) {
        clip.close();
      }
      writePlot(state);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    TrainingSummary summary = new TrainingSummary(Math.max(lastEpoch, 1), steps, examples,
        lastObjective, took, examples / Math.max(1e-9, took.toNanos() / 1e9), path, reason,
        state.history, lastCheckpoint);
    progress.finished(summary);
    return summary;
  }

  /**
   * The end of an epoch: the listener, validation, the history record, early stopping and
   * TensorBoard; then the position moves to the next epoch. Returns whether to stop early.
   */
  private boolean finishEpoch(TrainingState state, double lastRate, long callEpochExamples,
      TensorBoardWriter tensorBoard) {
    int epoch = state.epoch;
    double mean = state.epochExamples == 0 ? Double.NaN : state.epochSum / state.epochExamples;
    progress.epochFinished(epoch, mean, state.epochExamples / Math.max(1e-9, state.epochSeconds),
        Duration.ofNanos((long) (state.epochSeconds * 1e9)));
    double validated = Double.NaN;
    EarlyStopping earlyStopping = training.earlyStopping();
    if (training.validation() != null) {
      validated = model.objective(training.validation());
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
    if (tensorBoard != null) {
      writeEpochSummaries(tensorBoard, state.step, mean, validated);
    }
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
  private void checkFinite(VariationalModel.StepResult r, long step, int epoch, int batch,
      List<String> parameters, Path lastCheckpoint) {
    if (allFinite(r)) {
      return;
    }
    List<String> termNames = model.termNames();
    StringBuilder terms = new StringBuilder();
    List<String> badTerms = new ArrayList<>();
    for (int i = 0; i < termNames.size(); i++) {
      float t = r.terms()[i];
      terms.append(i == 0 ? "" : ", ").append(termNames.get(i)).append(" = ").append(t);
      if (!Float.isFinite(t)) {
        badTerms.add(termNames.get(i));
      }
    }
    String quantity = null;
    String what = null;
    if (!Double.isFinite(r.objective()) || !badTerms.isEmpty()) {
      quantity = badTerms.isEmpty() ? "objective" : badTerms.get(0);
      what = "the " + model.spec().objective() + " objective is " + r.objective()
          + (badTerms.isEmpty() ? "" : "; not finite: " + String.join(", ", badTerms))
          + " (" + terms + ")";
    } else {
      List<String> badGradients = new ArrayList<>();
      float[] norms = r.gradientSquaredNorms();
      for (int i = 0; i < norms.length; i++) {
        if (!Float.isFinite(norms[i])) {
          badGradients.add(parameters.get(i));
        }
      }
      if (!badGradients.isEmpty()) {
        float first = norms[parameters.indexOf(badGradients.get(0))];
        quantity = "gradient/" + badGradients.get(0);
        what = "the gradient of " + badGradients.get(0) + " is "
            + (Float.isNaN(first) ? "NaN" : "infinite (or its squared norm overflows float32)")
            + (badGradients.size() > 1 ? " (also not finite: the gradients of "
                + String.join(", ", badGradients.subList(1, badGradients.size())) + ")" : "")
            + ", while the objective is finite (" + r.objective() + ": " + terms + ")";
      }
    }
    if (quantity == null) {
      return;
    }
    String checkpointNote = FitSupport.checkpointNote(lastCheckpoint, training);
    throw new TrainingDivergedException("training of " + modelName + " diverged at step " + step
        + " (epoch " + epoch + ", batch " + batch + "): " + what + "; lower the learning rate, clip"
        + " the gradient norm, or check the data for NaN or extreme values" + checkpointNote,
        step, quantity, lastCheckpoint);
  }

  /** The common case, checked without building any message. */
  private static boolean allFinite(VariationalModel.StepResult r) {
    if (!Double.isFinite(r.objective())) {
      return false;
    }
    for (float t : r.terms()) {
      if (!Float.isFinite(t)) {
        return false;
      }
    }
    for (float n : r.gradientSquaredNorms()) {
      if (!Float.isFinite(n)) {
        return false;
      }
    }
    return true;
  }

  private Path save(CheckpointManager checkpoints, TrainingState state) {
    return FitSupport.save(checkpoints, state.step, model.checkpointProperties(state.toProperties()),
        model::writeVariables, progress);
  }

  private void writeStepScalars(TensorBoardWriter tb, long step, VariationalModel.StepResult r,
      double learningRate, double examplesPerSecond, Map<String, Double> hyperparameters) {
    try {
      Map<String, Double> values = new LinkedHashMap<>();
      values.put("train/objective", r.objective());
      List<String> termNames = model.termNames();
      for (int i = 0; i < termNames.size(); i++) {
        values.put("train/" + termNames.get(i), (double) r.terms()[i]);
      }
      double squared = 0;
      for (float n : r.gradientSquaredNorms()) {
        squared += n;
      }
      values.put("train/gradient_norm", Math.sqrt(squared));
      values.put("train/learning_rate", learningRate);
      values.put("train/examples_per_second", examplesPerSecond);
      hyperparameters.forEach((name, v) -> values.put("train/" + name, v));
      tb.scalars(step, values);
    } catch (RuntimeException e) {
      LOG.warn("cannot write TensorBoard scalars at step {} to {}: {}", step, tb.directory(), e.toString());
    }
  }

  private void writeEpochSummaries(TensorBoardWriter tb, long step, double train, double validation) {
    try {
      tb.scalar("epoch/train_objective", step, train);
      if (!Double.isNaN(validation)) {
        tb.scalar("epoch/validation_objective", step, validation);
      }
      List<ModelSpec.Node> images = new ArrayList<>();
      for (ModelSpec.Node node : model.spec().observed()) {
        int side = (int) Math.round(Math.sqrt(node.width()));
        if (side * side == node.width() && side > 1) {
          images.add(node);
        }
      }
      if (!images.isEmpty()) {
        Map<String, float[][]> samples = model.generate(GRID_SAMPLES);
        for (ModelSpec.Node node : images) {
          int side = (int) Math.round(Math.sqrt(node.width()));
          ImageGrid.Pixels grid = ImageGrid.pixels(samples.get(node.name()), side, side, 8);
          tb.image("samples/" + node.name(), step, grid.gray(), grid.height(), grid.width());
        }
      }
      tb.flush();
    } catch (RuntimeException e) {
      LOG.warn("cannot write TensorBoard epoch summaries at step {} to {}: {}", step, tb.directory(),
          e.toString());
    }
  }

  private void writePlot(TrainingState state) {
    String name = modelName.substring(modelName.lastIndexOf('.') + 1);
    FitSupport.writePlot(training, state.history, name + " (" + model.spec().objective() + ")");
  }
}
