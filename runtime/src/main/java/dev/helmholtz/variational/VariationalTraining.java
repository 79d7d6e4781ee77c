package dev.helmholtz.variational;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.distributed.Cluster;
import dev.helmholtz.distributed.ClusterFailedException;
import dev.helmholtz.train.DataPath;
import dev.helmholtz.train.EpochBatches;
import dev.helmholtz.train.ObjectiveStep;
import dev.helmholtz.train.StepFeeds;
import dev.helmholtz.train.StepOutcome;
import dev.helmholtz.train.TrainableModel;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A variational model as {@link TrainingLoop} trains it, for one {@code fit} call on data with
 * {@code columns}: a step ascends the model's objective (clipped if asked), on fed rows or on the
 * data uploaded to the graph (resident path); validation takes the model's own objective.
 */
final class VariationalTraining implements TrainableModel {
  /** The checkpoint property of the tower count, which a resumed run must share. */
  private static final String TOWERS = "training.towers";

  private final VariationalModel model;
  private final String[] columns;
  private final List<String> parameters;

  VariationalTraining(VariationalModel model, String[] columns) {
    this.model = model;
    this.columns = columns;
    this.parameters = model.parameterNames();
  }

  @Override
  public Description description() {
    ModelSpec spec = model.spec();
    return new Description(spec.modelName(), "step", spec.objective().toString(), "epoch/train_objective",
        model.seed(), model.hyperparameterInputs(), columns);
  }

  @Override
  public void checkTraining(Training training) {
    if (training.validation() != null) {
      try {
        model.checkColumns(training.validation());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("validation data: " + e.getMessage(), e);
      }
    }
    if (training.earlyStopping() != null && training.validation() == null) {
      throw new IllegalArgumentException("early stopping needs validation data: add"
          + " Training.validation(dataset), or drop earlyStopping");
    }
  }

  @Override
  public DataPath dataPath(Training training, long bytes) {
    return training.dataPath().resolve(bytes);
  }

  @Override
  public void checkResumable(Properties checkpoint, Path path, List<String> differences) {
    // Each tower draws from its own random streams, so another tower count cannot restore them.
    String towers = checkpoint.getProperty(TOWERS);
    if (towers != null && !towers.equals(Integer.toString(model.trainingTowers()))) {
      differences.add(towers + " training tower(s) (this run: " + model.trainingTowers() + ")");
    }
  }

  @Override
  public void restore(Path checkpoint, Properties properties, long step) throws IOException {
    model.restoreVariables(checkpoint, properties);
    model.setStepsTaken(step);
  }

  @Override
  public void begin(Dataset data, DataPath path) {
    if (path == DataPath.RESIDENT) {
      model.uploadResident(data, columns);
    }
    if (model.trainingCluster() != null) {
      model.awaitWorkers();
    }
  }

  @Override
  public StepOutcome step(EpochBatches batches, StepFeeds feeds, long step) {
    VariationalModel.StepResult r;
    try {
      r = model.trainStep(batches, columns, feeds);
    } catch (org.tensorflow.exceptions.TensorFlowException e) {
      Cluster cluster = model.trainingCluster();
      // TensorFlow names the op that failed: the all-reduce, or the collective executor's abort.
      String message = String.valueOf(e.getMessage());
      if (cluster == null || !(message.contains("all_reduce") || message.contains("ollective"))) {
        throw e;
      }
      throw new ClusterFailedException(cluster, "step " + step + "'s all-reduce", e);
    }
    return new ObjectiveStep(model.spec().objective().toString(), r.objective(), model.termNames(), r.terms(),
        parameters, r.gradientSquaredNorms());
  }

  @Override
  public double validationObjective(Dataset validation) {
    return model.objective(validation);
  }

  /**
   * 8 x 8 samples of each observed node that is a grey image: of event shape {@code [h, w]} or
   * {@code [h, w, 1]}, or a vector of a square width.
   */
  @Override
  public Map<String, ImageGrid.Pixels> sampleImages() {
    Map<String, ImageGrid.Pixels> grids = new LinkedHashMap<>();
    List<ModelSpec.Node> images = model.spec().observed().stream().filter(node -> imageSize(node) != null).toList();
    if (!images.isEmpty()) {
      Map<String, float[][]> samples = model.generate(64);
      for (ModelSpec.Node node : images) {
        int[] size = imageSize(node);
        grids.put(node.name(), ImageGrid.pixels(samples.get(node.name()), size[0], size[1], 8));
      }
    }
    return grids;
  }

  /** {height, width} of a node that is a grey image, or null. */
  private static int[] imageSize(ModelSpec.Node node) {
    List<Integer> shape = node.shape();
    if (shape.size() == 2 || (shape.size() == 3 && shape.get(2) == 1)) {
      return new int[] {shape.get(0), shape.get(1)};
    }
    int side = (int) Math.round(Math.sqrt(node.width()));
    return shape.size() == 1 && node.width() > 1 && side * side == node.width() ? new int[] {side, side} : null;
  }

  @Override
  public Map<String, String> settings() {
    dev.helmholtz.train.ThreadSettings t = model.threadSettings();
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("threads", t.intraOp() + "," + t.interOp());
    ModelSpec spec = model.spec();
    settings.put("objective", spec.objective() + ", " + spec.samples() + " sample(s)"
        + (spec.enumerated().isPresent() ? ", classification weight " + spec.classificationWeight() : ""));
    return settings;
  }

  @Override
  public Properties checkpointProperties(Properties position) {
    Properties p = new Properties();
    p.putAll(position);
    p.setProperty(TOWERS, Integer.toString(model.trainingTowers()));
    return model.checkpointProperties(p);
  }

  @Override
  public boolean trainsInCluster() {
    return true;
  }

  @Override
  public void writeVariables(Path prefix) throws IOException {
    model.writeVariables(prefix);
  }
}
