package dev.helmholtz.energy;

import dev.helmholtz.data.Batch;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.train.DataPath;
import dev.helmholtz.train.EpochBatches;
import dev.helmholtz.train.StepFeeds;
import dev.helmholtz.train.StepOutcome;
import dev.helmholtz.train.TrainableModel;
import dev.helmholtz.train.Training;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A deep Boltzmann machine as the training loop trains it ({@link DeepBoltzmannMachine#fit}): a
 * step is the mean-field posterior of the minibatch, then one contrastive-divergence update of the
 * energy model underneath with h2 clamped to it. The loop batches the visibles only; checkpoints,
 * resume checks and the model's state are the energy model's ({@link EnergyTraining}'s), plus the
 * mean-field rounds, which a resume must not change.
 */
final class DbmTraining implements TrainableModel {
  /** Checkpoint property: the mean-field rounds per step of the run that wrote it. */
  static final String MEAN_FIELD = "dbm.meanFieldIterations";

  private final DeepBoltzmannMachine dbm;
  private final EnergyModel model;
  private final EnergyTraining energy;
  private final String[] columns;
  private final int meanFieldIterations;

  DbmTraining(DeepBoltzmannMachine dbm, int meanFieldIterations) {
    this.dbm = dbm;
    this.model = dbm.energyModel();
    this.columns = model.checkColumns(Dataset.of(DeepBoltzmannMachine.VISIBLE, new float[1][dbm.visible()])
        .with(DeepBoltzmannMachine.SECOND, new float[1][model.spec().node(DeepBoltzmannMachine.SECOND)
            .orElseThrow().width()]));
    this.energy = new EnergyTraining(model, columns);
    this.meanFieldIterations = meanFieldIterations;
  }

  @Override
  public Description description() {
    Description d = energy.description();
    return new Description(d.name(), d.stepName(), "negative reconstruction error (mean field, PCD)",
        d.epochObjectiveTag(), d.seed(), d.hyperparameterInputs(), new String[] {DeepBoltzmannMachine.VISIBLE});
  }

  @Override
  public void checkTraining(Training training) {
    List<String> unsupported = new ArrayList<>();
    if (training.clipGradientNorm() > 0) {
      unsupported.add("clipGradientNorm");
    }
    if (training.dataPath() == DataPath.RESIDENT) {
      unsupported.add("dataPath(RESIDENT) (each batch is fed: use FED or AUTO)");
    }
    if (training.validation() != null) {
      unsupported.add("validation");
    }
    if (!unsupported.isEmpty()) {
      throw new IllegalArgumentException("a deep Boltzmann machine's fit does not support "
          + String.join(", ", unsupported));
    }
  }

  @Override
  public DataPath dataPath(Training training, long bytes) {
    return DataPath.FED;
  }

  @Override
  public void checkResumable(Properties p, Path checkpoint, List<String> differences) throws IOException {
    energy.checkResumable(p, checkpoint, differences);
    String written = p.getProperty(MEAN_FIELD);
    if (written == null) {
      throw new IOException(checkpoint.toAbsolutePath() + " holds no deep Boltzmann machine training state ("
          + MEAN_FIELD + " is missing)");
    }
    if (!written.equals(Integer.toString(meanFieldIterations))) {
      differences.add(written + " mean-field rounds per step (this run: " + meanFieldIterations + ")");
    }
  }

  @Override
  public void restore(Path checkpoint, Properties properties, long step) throws IOException {
    energy.restore(checkpoint, properties, step);
  }

  @Override
  public void begin(Dataset data, DataPath path) {
    // Every batch is fed: nothing to upload.
  }

  @Override
  public StepOutcome step(EpochBatches batches, StepFeeds feeds, long step) {
    Batch batch = batches.batch();
    int n = batch.size();
    int width = dbm.visible();
    float[] flat = batch.column(DeepBoltzmannMachine.VISIBLE);
    float[][] v = new float[n][width];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * width, v[i], 0, width);
    }
    DeepBoltzmannMachine.MeanField q = dbm.meanField(Dataset.of(DeepBoltzmannMachine.VISIBLE, v), meanFieldIterations);
    Batch clamped = Dataset.of(DeepBoltzmannMachine.VISIBLE, v).with(DeepBoltzmannMachine.SECOND, q.second())
        .batches(n, false, 0, columns).next();
    double reconstruction = model.update(clamped, columns, feeds);
    return new ReconstructionOutcome(reconstruction, "the reconstruction error", "lower the learning rate");
  }

  @Override
  public double validationObjective(Dataset validation) {
    throw new IllegalStateException("a deep Boltzmann machine's fit takes no validation set");
  }

  @Override
  public Map<String, ImageGrid.Pixels> sampleImages() {
    return Map.of();
  }

  @Override
  public Properties checkpointProperties(Properties position) {
    position.setProperty(MEAN_FIELD, Integer.toString(meanFieldIterations));
    return energy.checkpointProperties(position);
  }

  @Override
  public void writeVariables(Path prefix) throws IOException {
    energy.writeVariables(prefix);
  }
}
