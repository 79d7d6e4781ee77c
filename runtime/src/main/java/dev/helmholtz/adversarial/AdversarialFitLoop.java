package dev.helmholtz.adversarial;

import dev.helmholtz.core.FitSupport;
import dev.helmholtz.core.TrainingDivergedException;
import dev.helmholtz.core.TrainingState;
import dev.helmholtz.data.Batch;
import dev.helmholtz.data.Batches;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.train.CheckpointManager;
import dev.helmholtz.train.Checkpoints;
import dev.helmholtz.train.DataPath;
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
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.types.TFloat32;

/**
 * One {@link AdversarialModel#fit} call: the epoch loop of discriminator and generator updates,
 * with the learning-rate schedule, the divergence check, checkpoints and resuming, stop requests,
 * TensorBoard scalars and the curves plot (the discriminator's epoch loss).
 *
 * <p>The position is a {@link TrainingState} whose step counts discriminator updates; the
 * generator updates after every {@code discriminatorSteps}-th of them, counted over the whole
 * run, so a resumed run (same data, batch size, seed and discriminator steps) repeats the
 * uninterrupted run's updates, random draws included, exactly. Order within a step, as in {@code
 * FitLoop}: the updates; the divergence check; at the end of an epoch the history record; then the
 * stop conditions and the periodic checkpoint.
 */
final class AdversarialFitLoop {
  private static final Logger LOG = LoggerFactory.getLogger(AdversarialFitLoop.class);
  /** Checkpoint property: discriminator updates per generator update of the run that wrote it. */
  static final String DISCRIMINATOR_STEPS = "adversarial.discriminatorSteps";
  /** Checkpoint property: the generator's last loss, as a hexadecimal double. */
  static final String LAST_GENERATOR_LOSS = "adversarial.lastGeneratorLoss";

  private final AdversarialModel model;
  private final Dataset data;
  private final Training training;
  private final int discriminatorSteps;
  private final ProgressListener progress;
  private final String modelName;

  AdversarialFitLoop(AdversarialModel model, Dataset data, Training training, int discriminatorSteps) {
    this.model = model;
    this.data = data;
    this.training = training;
    this.discriminatorSteps = discriminatorSteps;
    this.progress = training.progress();
    this.modelName = model.spec().modelName();
  }

  TrainingSummary run(String[] columns) {
    rejectUnsupported();
    FitSupport.checkSchedules(modelName, model.hyperparameterInputs(), training);
    if (training.curvesPlot() != null) {
      FitSupport.createParent(training.curvesPlot(), "training-curves plot");
    }
    // Everything that can fail for a bad path or checkpoint fails here, before the first update.
    TrainingState state = new TrainingState();
    Path resumedFrom = null;
    Properties resumeProperties = null;
    double lastGeneratorLoss = Double.NaN;
    CheckpointManager checkpoints = null;
    TensorBoardWriter tensorBoard = null;
    try {
      if (training.resumeFrom() != null) {
        resumedFrom = Checkpoints.resolve(training.resumeFrom());
        resumeProperties = Checkpoints.properties(resumedFrom);
        state = TrainingState.fromProperties(resumeProperties, resumedFrom);
        checkResumable(state, resumeProperties, resumedFrom);
        lastGeneratorLoss = parseLastGeneratorLoss(resumeProperties, resumedFrom);
      }
      checkpoints = FitSupport.openCheckpoints(training, resumedFrom, state.step);
      if (training.tensorBoardDirectory() != null) {
        tensorBoard = TensorBoardWriter.open(training.tensorBoardDirectory());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    state.batchSize = training.batchSize();
    state.seed = training.seed();
    state.dataSize = data.size();
    state.dataPath = DataPath.FED;
    try {
      if (resumedFrom != null) {
        // Only now, with every path checked: the model changes when nothing else can fail first.
        try {
          model.restoreForResume(resumedFrom, resumeProperties);
        } catch (IOException e) {
          throw new UncheckedIOException(e.getMessage(), e);
        }
        model.setLastGeneratorLoss(lastGeneratorLoss);
        LOG.info("resuming {} from {}: discriminator step {}, epoch {}, batch {}", modelName, resumedFrom,
            state.step, state.epoch, state.batchesDone);
      }
      return loop(state, columns, checkpoints, tensorBoard, resumedFrom);
    } finally {
      FitSupport.closeQuietly(tensorBoard);
    }
  }

  /** Options of {@link Training} that only the likelihood-based models' fit has: a clear error, not silence. */
  private void rejectUnsupported() {
    List<String> unsupported = new ArrayList<>();
    if (training.validation() != null) {
      unsupported.add("validation data (an adversarial game has no validation objective)");
    }
    if (training.earlyStopping() != null) {
      unsupported.add("earlyStopping");
    }
    if (training.clipGradientNorm() > 0) {
      unsupported.add("clipGradientNorm");
    }
    if (training.dataPath() == DataPath.RESIDENT) {
      unsupported.add("dataPath(RESIDENT) (adversarial models feed each batch: use FED or AUTO)");
    }
    if (!unsupported.isEmpty()) {
      throw new IllegalArgumentException(modelName + " is an adversarial model; its fit does not support "
          + String.join(", ", unsupported));
    }
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
    String written = p.getProperty(DISCRIMINATOR_STEPS);
    if (written == null) {
      throw new IOException(checkpoint.toAbsolutePath() + " holds no adversarial training state (" + DISCRIMINATOR_STEPS
          + " is missing): it was not written by an adversarial model's fit");
    }
    if (!written.equals(Integer.toString(discriminatorSteps))) {
      differences.add(written + " discriminator steps per generator step (this run: " + discriminatorSteps + ")");
    }
    if (!differences.isEmpty()) {
      throw new IllegalArgumentException("checkpoint " + checkpoint.toAbsolutePath() + " was written by a run with "
          + String.join(", ", differences) + "; resume with the same data and settings, or train from scratch");
    }
  }

  private static double parseLastGeneratorLoss(Properties p, Path checkpoint) throws IOException {
    String v = p.getProperty(LAST_GENERATOR_LOSS);
    if (v == null) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IOException(checkpoint.toAbsolutePath() + ": damaged value of " + LAST_GENERATOR_LOSS + " (" + v + ")", e);
    }
  }

  private TrainingSummary loop(TrainingState state, String[] columns, CheckpointManager checkpoints,
      TensorBoardWriter tensorBoard, Path resumedFrom) {
    long shuffleSeed = model.seed().derive("batches").value() ^ training.seed();
    LearningRateSchedule schedule = training.learningRateSchedule();
    long steps = 0;
    long examples = 0;
    StopReason reason = null;
    double lastObjective = state.history.isEmpty() ? Double.NaN
        : state.history.get(state.history.size() - 1).trainObjective();
    int lastEpoch = state.history.isEmpty() ? 0 : state.history.get(state.history.size() - 1).epoch();
    Path lastCheckpoint = FitSupport.lastCheckpoint(checkpoints, resumedFrom);
    long started = System.nanoTime();
    try (FitSupport.ScalarTensor rateTensor = new FitSupport.ScalarTensor();
        FitSupport.ScheduledInputs scheduled = new FitSupport.ScheduledInputs(modelName, model.hyperparameterInputs(),
            training)) {
      epochs:
      while (state.epoch <= training.epochs()) {
        int epoch = state.epoch;
        Batches batches = data.batches(training.batchSize(), true, shuffleSeed + epoch, columns);
        for (int skip = 0; skip < state.batchesDone; skip++) {
          batches.next();
        }
        progress.epochStarted(epoch, training.epochs(), batches.batchCount());
        lastEpoch = epoch;
        long epochStart = System.nanoTime();
        long stepStart = epochStart;
        long lastReport = epochStart;
        long callEpochExamples = 0;
        while (batches.hasNext()) {
          Batch batch = batches.next();
          double r = schedule.rate(training.learningRate(), state.step, epoch);
          TFloat32 rate = rateTensor.of(r);
          scheduled.update(state.step, epoch);
          long step = state.step + 1;
          double loss;
          try {
            loss = model.discriminatorUpdate(batch, columns, rate, scheduled);
            checkFinite(loss, "discriminator", step, epoch, state.batchesDone + 1, lastCheckpoint);
            if (model.hasGenerator() && step % discriminatorSteps == 0) {
              double g = model.generatorUpdate(batch, columns, rate, scheduled);
              checkFinite(g, "generator", step, epoch, state.batchesDone + 1, lastCheckpoint);
            }
          } catch (RuntimeException e) {
            throw FitSupport.stepFailed(modelName, step, epoch, state.batchesDone + 1, scheduled, e);
          }
          state.step = step;
          state.batchesDone++;
          state.epochSum += loss * batch.size();
          state.epochExamples += batch.size();
          state.examples += batch.size();
          steps++;
          examples += batch.size();
          callEpochExamples += batch.size();
          long now = System.nanoTime();
          state.epochSeconds += (now - stepStart) / 1e9;
          stepStart = now;
          lastObjective = state.epochSum / state.epochExamples;
          if (tensorBoard != null && step % training.tensorBoardEvery() == 0) {
            writeStepScalars(tensorBoard, step, loss, r, scheduled.values());
          }
          if (now - lastReport >= training.logEvery().toNanos()) {
            progress.progress(epoch, state.batchesDone, batches.batchCount(), lastObjective,
                callEpochExamples / ((now - epochStart) / 1e9));
            lastReport = now;
          }
          if (!batches.hasNext()) {
            finishEpoch(state, r, tensorBoard);
            stepStart = System.nanoTime();
          }
          reason = FitSupport.stopReason(training, null, steps, step, modelName);
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
      String name = modelName.substring(modelName.lastIndexOf('.') + 1);
      FitSupport.writePlot(training, state.history, name + " (discriminator " + model.spec().loss() + " loss)");
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    TrainingSummary summary = new TrainingSummary(Math.max(lastEpoch, 1), steps, examples, lastObjective, took,
        examples / Math.max(1e-9, took.toNanos() / 1e9), DataPath.FED, reason, state.history, lastCheckpoint);
    progress.finished(summary);
    return summary;
  }

  private void checkFinite(double loss, String player, long step, int epoch, int batch, Path lastCheckpoint) {
    if (Double.isFinite(loss)) {
      return;
    }
    String checkpointNote = FitSupport.checkpointNote(lastCheckpoint, training);
    throw new TrainingDivergedException("training of " + modelName + " diverged at discriminator step " + step
        + " (epoch " + epoch + ", batch " + batch + "): the " + player + "'s " + model.spec().loss() + " loss is "
        + loss + "; lower the learning rate or check the data for NaN or extreme values" + checkpointNote,
        step, player + "_loss", lastCheckpoint);
  }

  /** The end of an epoch: the listener, the history record, TensorBoard; then the position moves on. */
  private void finishEpoch(TrainingState state, double lastRate, TensorBoardWriter tensorBoard) {
    int epoch = state.epoch;
    double mean = state.epochExamples == 0 ? Double.NaN : state.epochSum / state.epochExamples;
    progress.epochFinished(epoch, mean, state.epochExamples / Math.max(1e-9, state.epochSeconds),
        Duration.ofNanos((long) (state.epochSeconds * 1e9)));
    state.history.add(new EpochRecord(epoch, state.step, mean, Double.NaN, lastRate, state.epochSeconds));
    if (tensorBoard != null) {
      try {
        tensorBoard.scalar("epoch/discriminator_loss", state.step, mean);
        tensorBoard.flush();
      } catch (RuntimeException e) {
        LOG.warn("cannot write TensorBoard epoch summaries at step {} to {}: {}", state.step,
            tensorBoard.directory(), e.toString());
      }
    }
    state.startEpoch(epoch + 1);
  }

  private Path save(CheckpointManager checkpoints, TrainingState state) {
    Properties p = state.toProperties();
    p.setProperty(DISCRIMINATOR_STEPS, Integer.toString(discriminatorSteps));
    p.setProperty(LAST_GENERATOR_LOSS, Double.toHexString(model.lastGeneratorLoss()));
    return FitSupport.save(checkpoints, state.step, model.checkpointProperties(p), model::writeVariables, progress);
  }

  private void writeStepScalars(TensorBoardWriter tb, long step, double discriminatorLoss, double learningRate,
      Map<String, Double> hyperparameters) {
    try {
      Map<String, Double> values = new LinkedHashMap<>();
      values.put("train/discriminator_loss", discriminatorLoss);
      if (!Double.isNaN(model.lastGeneratorLoss())) {
        values.put("train/generator_loss", model.lastGeneratorLoss());
      }
      values.put("train/learning_rate", learningRate);
      hyperparameters.forEach((name, v) -> values.put("train/" + name, v));
      tb.scalars(step, values);
    } catch (RuntimeException e) {
      LOG.warn("cannot write TensorBoard scalars at step {} to {}: {}", step, tb.directory(), e.toString());
    }
  }
}
