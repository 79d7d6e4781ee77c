package dev.helmholtz.energy;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.train.DataPath;
import dev.helmholtz.train.EpochBatches;
import dev.helmholtz.train.StepFeeds;
import dev.helmholtz.train.StepOutcome;
import dev.helmholtz.train.TrainableModel;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * An energy-based model as {@link TrainingLoop} trains it, for one {@code fit} call: a step is one
 * contrastive-divergence update on a fed batch. Everything a step depends on (weights, momentum,
 * persistent chains, random streams) is a graph variable, so a checkpoint holds it and a resumed
 * run repeats the uninterrupted run's updates exactly.
 */
final class EnergyTraining implements TrainableModel {
  /** Checkpoint property: the training method of the run that wrote it, such as {@code PCD-1x100}. */
  static final String METHOD = "energy.contrastiveDivergence";

  private final EnergyModel model;
  private final String[] columns;

  EnergyTraining(EnergyModel model, String[] columns) {
    this.model = model;
    this.columns = columns;
  }

  private String method() {
    EnergySpec spec = model.spec();
    return (spec.persistent() ? "PCD-" + spec.gibbsSteps() + "x" + spec.persistentChains() : "CD-" + spec.gibbsSteps())
        + (spec.meanReconstruction() ? " mean reconstruction" : "");
  }

  @Override
  public Description description() {
    return new Description(model.spec().modelName(), "step", "negative reconstruction error (" + method() + ")",
        "epoch/train_reconstruction", model.seed(), model.hyperparameterInputs(), columns);
  }

  @Override
  public void checkTraining(Training training) {
    List<String> unsupported = new ArrayList<>();
    if (training.clipGradientNorm() > 0) {
      unsupported.add("clipGradientNorm");
    }
    if (training.dataPath() == DataPath.RESIDENT) {
      unsupported.add("dataPath(RESIDENT) (energy models feed each batch: use FED or AUTO)");
    }
    if (!unsupported.isEmpty()) {
      throw new IllegalArgumentException(model.spec().modelName() + " is an energy-based model; its fit does not"
          + " support " + String.join(", ", unsupported));
    }
    if (training.validation() != null) {
      model.checkColumns(training.validation());
    }
  }

  @Override
  public DataPath dataPath(Training training, long bytes) {
    return DataPath.FED;
  }

  @Override
  public void checkResumable(Properties p, Path checkpoint, List<String> differences) throws IOException {
    String written = p.getProperty(METHOD);
    if (written == null) {
      throw new IOException(checkpoint.toAbsolutePath() + " holds no contrastive-divergence state (" + METHOD
          + " is missing): it was not written by an energy-based model's fit");
    }
    if (!written.equals(method())) {
      differences.add("trained by " + written + " (this run: " + method() + ")");
    }
  }

  @Override
  public void restore(Path checkpoint, Properties properties, long step) throws IOException {
    model.restoreForResume(checkpoint, properties);
  }

  @Override
  public void begin(Dataset data, DataPath path) {
    // Every batch is fed: nothing to upload.
  }

  @Override
  public StepOutcome step(EpochBatches batches, StepFeeds feeds, long step) {
    double reconstruction = model.update(batches.batch(), columns, feeds);
    return new ReconstructionOutcome(reconstruction, "the reconstruction error", "lower the learning rate or check the data for NaN or extreme values");
  }

  @Override
  public double validationObjective(Dataset validation) {
    return model.reconstruction(validation);
  }

  /** None: drawing them would move the random streams, and so the run's updates. */
  @Override
  public Map<String, ImageGrid.Pixels> sampleImages() {
    return Map.of();
  }

  @Override
  public Properties checkpointProperties(Properties position) {
    position.setProperty(METHOD, method());
    return model.checkpointProperties(position);
  }

  @Override
  public void writeVariables(Path prefix) throws IOException {
    model.writeVariables(prefix);
  }
}
