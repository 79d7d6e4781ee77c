package dev.helmholtz.train;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.graph.Seed;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A model as {@link TrainingLoop} trains it: its steps, their inputs and its checkpoints. Each
 * kind of model implements it in one block, made by its {@code fit} for one run on one data set
 * (the columns are checked then); what differs between kinds, such as a game's discriminator
 * steps per generator step, lives there and not in the loop.
 */
public interface TrainableModel {

  /**
   * What the loop reads of the model once, before the first step.
   *
   * @param name the model's name in messages and logs: its class's name
   * @param stepName what the loop's steps are called in messages: {@code step}, or {@code
   *     discriminator step}
   * @param objectiveName the objective {@link StepOutcome#objective()} reports, for the curves
   *     plot's title
   * @param epochObjectiveTag the TensorBoard tag of an epoch's mean objective, such as {@code
   *     epoch/train_objective}
   * @param seed the model's seed; the batch order derives from it and {@link Training#seed()}
   * @param hyperparameterInputs the inputs of the hyperparameters the model declares, by name:
   *     what a schedule can feed
   * @param columns the data columns a step reads, in the order {@link StepFeeds#binarize} counts
   *     them
   */
  record Description(String name, String stepName, String objectiveName, String epochObjectiveTag, Seed seed,
      Map<String, Operand<TFloat32>> hyperparameterInputs, String[] columns) {}

  /** The model's name, seed, hyperparameter inputs and the data columns a step reads. */
  Description description();

  /**
   * Refuses what of {@code training} this model cannot train with, and validation data it cannot
   * read, before anything runs.
   *
   * @throws IllegalArgumentException naming what
   */
  void checkTraining(Training training);

  /** How the data reaches the graph in a run from scratch, for data of {@code bytes}. */
  DataPath dataPath(Training training, long bytes);

  /**
   * Checks the model's own part of a checkpoint to resume from: adds to {@code differences} what
   * this run does differently, and reads what {@link #restore} will need.
   *
   * @throws IOException when the checkpoint was not written by this kind of model's fit, or is
   *     damaged
   */
  void checkResumable(Properties checkpoint, Path path, List<String> differences) throws IOException;

  /** Sets the model to the checkpoint to resume from, the loop's position being {@code step}. */
  void restore(Path checkpoint, Properties properties, long step) throws IOException;

  /** Called once before the first step: for {@link DataPath#RESIDENT}, uploads {@code data}. */
  void begin(Dataset data, DataPath path);

  /**
   * One training step, the {@code step}-th of the run (from 1), on the batch {@code batches} is
   * at. Nothing is checked here: the loop checks {@link StepOutcome#divergence()}.
   */
  StepOutcome step(EpochBatches batches, StepFeeds feeds, long step);

  /** The objective on validation data (higher is better); only with validation data. */
  double validationObjective(Dataset validation);

  /** Images of samples for TensorBoard, by node name; empty when the model draws none. */
  Map<String, ImageGrid.Pixels> sampleImages();

  /** The checkpoint's properties: the loop's {@code position}, the model's own state and name. */
  Properties checkpointProperties(Properties position);

  /**
   * The model's settings that a resumed run may change, by name, as a checkpoint records them
   * (such as the thread layout, {@code intra,inter,towers}, or the objective's options): the loop
   * warns of a change and records it in the run's summary.
   */
  default Map<String, String> settings() {
    return Map.of();
  }

  /**
   * Whether this model trains as a worker of {@link Training#cluster()} (averaging its gradients
   * over the workers); the loop refuses a cluster for a model that does not.
   */
  default boolean trainsInCluster() {
    return false;
  }

  /** Writes the graph's variables at {@code prefix} (see {@link Checkpoints.VariableWriter}). */
  void writeVariables(Path prefix) throws IOException;
}
