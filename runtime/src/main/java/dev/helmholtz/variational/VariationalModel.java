package dev.helmholtz.variational;

import dev.helmholtz.core.DataColumns;
import dev.helmholtz.core.SavedModelExporter;
import dev.helmholtz.core.VariableCheckpoint;
import dev.helmholtz.data.Batch;
import dev.helmholtz.data.Batches;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.ImportanceSampling;
import dev.helmholtz.infer.LogMarginalLikelihood;
import dev.helmholtz.nn.VariableStore;
import dev.helmholtz.objective.BoundEstimators;
import dev.helmholtz.objective.ElboObjective;
import dev.helmholtz.objective.ImportanceWeightedBound;
import dev.helmholtz.objective.LogSumExp;
import dev.helmholtz.objective.ObjectiveInputs;
import dev.helmholtz.objective.TrainingObjective;
import dev.helmholtz.objective.TrainingTarget;
import dev.helmholtz.train.Adam;
import dev.helmholtz.train.Checkpoints;
import dev.helmholtz.train.DataPath;
import dev.helmholtz.train.EpochBatches;
import dev.helmholtz.train.ObjectiveStep;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.StepFeeds;
import dev.helmholtz.train.StepOutcome;
import dev.helmholtz.train.TaskProgress;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.TrainableModel;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingDivergedException;
import dev.helmholtz.train.TrainingLoop;
import dev.helmholtz.train.TrainingSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The base of every generated model: one TensorFlow graph holding the training objective and
 * update, a mean-field pass for reconstruction and encoding, and an ancestral sampler, all
 * sharing the networks' variables; and the session that runs them. Subclasses (generated) only
 * describe the model in {@link #defineInference} and {@link #defineGeneration}.
 *
 * <p>Data is given as a {@link Dataset} with one column per observed node, named like the node.
 * Not safe for concurrent {@code fit} calls; close it to free native memory.
 */
public abstract class VariationalModel implements AutoCloseable, BoundEstimators {
  /** Rows ([samples x examples]) evaluated per session run when estimating log-likelihoods. */
  private static final int EVALUATION_ROWS = 16_384;
  private static final int EVALUATION_BATCH = 500;

  private final ModelSpec spec;
  private final TrainingObjective objective;
  private final Seed seed;
  private final ThreadSettings threads;
  private Graph graph;
  private Session session;

  private final Map<String, Operand<TFloat32>> observed = new LinkedHashMap<>();
  /** Given nodes' values for ancestral sampling, fed by {@link #generate(Dataset)}. */
  private final Map<String, Placeholder<TFloat32>> givenInputs = new LinkedHashMap<>();
  /** The resident data path: per observed node, where its data is uploaded and how a step selects rows. */
  private final Map<String, ResidentColumn> resident = new LinkedHashMap<>();
  /** The training batch's towers: each tower's inputs, resident or fed. */
  private TrainingTowers towers;
  private Dataset residentSource;
  private Placeholder<TInt32> samples;
  private Placeholder<TInt32> generateCount;
  private Placeholder<TFloat32> learningRate;
  private Placeholder<TFloat32> maxGradientNorm;
  private Operand<TFloat32> elboPerExample;
  private Operand<TFloat32> logSumExpWeights;
  private Operand<TFloat32> logSumExpSquaredWeights;
  private Operand<TFloat32> objectiveMean;
  private List<String> termNames;
  private List<Operand<TFloat32>> termMeans;
  private Op trainStep;
  private Operand<TFloat32> trainingLoss;
  private InferencePass trainingPass;
  private Op clippedTrainStep;
  private Operand<TFloat32> gradientSquaredNorms;
  private VariableCheckpoint checkpointOps;
  private VariableStore variables;
  private InferencePass meanPass;
  private GenerativePass generativePass;
  private long stepsTaken;

  /**
   * The hyperparameter of an ELBO model (without an enumerated latent) that weighs the latents' KL
   * terms in the training loss, 1 by default: {@code Training.schedule("kl_weight",
   * ScalarSchedule.linear(0, 1, 10_000))} warms it up. The reported objective stays the ELBO.
   */
  public static final String KL_WEIGHT = ElboObjective.KL_WEIGHT;

  protected VariationalModel(ModelSpec spec, Seed seed, ThreadSettings threads) {
    this.spec = spec;
    this.objective = spec.trainingObjective();
    this.seed = java.util.Objects.requireNonNull(seed, "seed");
    this.threads = java.util.Objects.requireNonNull(threads, "threads");
  }

  /** Describes q (latents in inference order) and p (every node) for one pass. Generated. */
  protected abstract void defineInference(InferencePass pass);

  /** Describes ancestral sampling from p. Generated. */
  protected abstract void defineGeneration(GenerativePass pass);

  /** Builds the graph and session and initializes the variables; generated constructors call it once. */
  protected final void build() {
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      RandomSource random = new RandomSource(tf, seed.derive("graph"));
      variables = new VariableStore(tf, random);
      Map<String, Integer> widths = new LinkedHashMap<>();
      for (ModelSpec.Node node : dataNodes()) {
        resident.put(node.name(), ResidentColumn.build(tf, node.width()));
        widths.put(node.name(), node.width());
        // Evaluation, sampling and export feed whole batches; training feeds its towers.
        observed.put(node.name(), tf.placeholder(TFloat32.class,
            Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, node.width()))));
      }
      towers = TrainingTowers.build(tf, random, objective.splitsIntoTowers() ? threads.towers() : 1, widths,
          resident);
      samples = tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
      generateCount = tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
      learningRate = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      maxGradientNorm = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));

      // Training runs with the objective's fixed k, known now: at k = 1 the pass has no sample
      // axis at all. Evaluation feeds k (1 for the ELBO, chunks of k for log-likelihoods).
      int trainingSamples = objective.trainingSamples();
      List<InferencePass> towerPasses = new ArrayList<>();
      List<TrainingTarget> towerTargets = new ArrayList<>();
      for (int t = 0; t < towers.count(); t++) {
        InferencePass tower = new InferencePass(tf, spec, variables, random,
            towers.inputs(t), tf.constant(trainingSamples), trainingSamples,
            objective.differentiatesSamples() ? InferencePass.Mode.SAMPLE : InferencePass.Mode.DETACHED,
            Map.of(), spec.enumerated().isPresent());
        defineInference(tower);
        towerPasses.add(tower);
        Map<String, Operand<TFloat32>> towerInputs = towers.inputs(t);
        towerTargets.add(objective.target(new ObjectiveInputs(tf, tower, variables, towerInputs,
            () -> sleepPass(tf, random, tower, towerInputs))));
      }
      InferencePass training = towerPasses.get(0);
      TrainingTarget target = objective.acrossTowers(tf, towerPasses, towerTargets);
      trainingPass = training;
      trainingLoss = target.loss();
      objectiveMean = tf.math.mean(target.perExample(), tf.constant(0));
      termNames = new ArrayList<>(training.termMeans().keySet());
      termMeans = towerPasses.size() == 1 ? new ArrayList<>(training.termMeans().values())
          : termMeansAcrossTowers(tf, towerPasses, termNames);
      termNames.addAll(target.terms().keySet());
      termMeans.addAll(target.terms().values());

      // Evaluation draws every latent without a gradient: discrete and relaxed latents are
      // scored as the discrete variables they are.
      InferencePass evaluation = new InferencePass(tf, spec, variables, random,
          new LinkedHashMap<>(observed), samples, 0, InferencePass.Mode.DETACHED);
      defineInference(evaluation);
      elboPerExample = evaluation.elboPerExample();
      if (spec.enumerated().isPresent()) {
        // The ELBO sums the enumerated latent out exactly; log-likelihoods draw it from q above.
        int classes = spec.enumerated().get().width();
        InferencePass enumeration = new InferencePass(tf, spec, variables, random,
            new LinkedHashMap<>(observed), tf.constant(classes), classes, InferencePass.Mode.DETACHED,
            Map.of(), true);
        defineInference(enumeration);
        elboPerExample = enumeration.elboPerExample();
      }
      logSumExpWeights = LogSumExp.reduce(tf, evaluation.logWeights(), 0);
      logSumExpSquaredWeights = LogSumExp.reduce(tf, tf.math.mul(tf.constant(2f), evaluation.logWeights()), 0);
      Adam adam = Adam.create(tf, "adam", target.loss(), variables.trainableVariables(), learningRate,
          Adam.DEFAULT_BETA1, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPSILON, maxGradientNorm);
      // The objective's own updates (NVIL's moving averages) follow whichever step runs.
      trainStep = target.after(tf, adam.step());
      clippedTrainStep = target.after(tf, adam.clippedStep());
      gradientSquaredNorms = adam.gradientSquaredNorms();

      meanPass = new InferencePass(tf, spec, variables, random, new LinkedHashMap<>(observed),
          tf.constant(1), 1, InferencePass.Mode.MEAN);
      defineInference(meanPass);
      for (ModelSpec.Node node : spec.given()) {
        givenInputs.put(node.name(), tf.placeholder(TFloat32.class,
            Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, node.width()))));
      }
      generativePass = new GenerativePass(tf, spec, variables, random, generateCount,
          new LinkedHashMap<>(givenInputs));
      defineGeneration(generativePass);

      session = new Session(graph, threads.toConfig());
      Session.Runner init = session.runner();
      variables.initializers().forEach(init::addTarget);
      adam.initializers().forEach(init::addTarget);
      target.initializers().forEach(init::addTarget);
      init.run().close();
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /**
   * Each term's mean over the whole batch from its towers' means, weighted by their rows; a tower
   * with no rows (a batch smaller than the tower count) has a NaN mean and weight 0, and adds 0.
   */
  private static List<Operand<TFloat32>> termMeansAcrossTowers(Ops tf, List<InferencePass> passes,
      List<String> names) {
    List<Operand<TFloat32>> rows = new ArrayList<>();
    for (InferencePass pass : passes) {
      rows.add(tf.dtypes.cast(pass.batchSize(), TFloat32.class));
    }
    Operand<TFloat32> total = tf.math.addN(rows);
    List<Operand<TFloat32>> means = new ArrayList<>();
    for (String name : names) {
      List<Operand<TFloat32>> weighted = new ArrayList<>();
      for (int t = 0; t < passes.size(); t++) {
        weighted.add(tf.math.mulNoNan(passes.get(t).termMeans().get(name), rows.get(t)));
      }
      means.add(tf.math.div(tf.math.addN(weighted), total));
    }
    return means;
  }

  /**
   * The sleep phase's pass: (latents, observed nodes) dreamed from p by ancestral sampling, one
   * dream per training example, then every latent scored under its encoder.
   */
  private InferencePass sleepPass(Ops tf, RandomSource random, InferencePass training,
      Map<String, Operand<TFloat32>> trainingInputs) {
    // Dreams are conditioned on the training batch's given nodes.
    Map<String, Operand<TFloat32>> given = new LinkedHashMap<>();
    spec.given().forEach(node -> given.put(node.name(), trainingInputs.get(node.name())));
    GenerativePass dreamer = new GenerativePass(tf, spec, variables, random, training.batchSize(), given);
    defineGeneration(dreamer);
    Map<String, Operand<TFloat32>> dreamedObserved = new LinkedHashMap<>();
    Map<String, Operand<TFloat32>> dreamedLatents = new LinkedHashMap<>();
    for (ModelSpec.Node node : spec.nodes()) {
      (node.latent() ? dreamedLatents : dreamedObserved).put(node.name(), dreamer.samples().get(node.name()));
    }
    InferencePass sleep = new InferencePass(tf, spec, variables, random, dreamedObserved,
        tf.constant(1), 1, InferencePass.Mode.DREAM, dreamedLatents);
    defineInference(sleep);
    return sleep;
  }

  public ModelSpec spec() {
    return spec;
  }

  /** The names of the model's trainable variables, such as {@code decode/dense_0/kernel}, in creation order. */
  public List<String> parameterNames() {
    requireOpen();
    return variables.trainableVariables().stream().map(v -> v.op().name()).toList();
  }

  /** The current value of a trainable variable, flattened row-major. */
  public float[] parameter(String name) {
    requireOpen();
    var variable = variables.trainableVariables().stream()
        .filter(v -> v.op().name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no variable '" + name + "' in " + spec.modelName()
            + "; its variables are " + parameterNames()));
    try (Result result = session.runner().fetch(variable).run()) {
      TFloat32 value = (TFloat32) result.get(0);
      float[] flat = new float[(int) value.shape().size()];
      value.copyTo(DataBuffers.of(flat, false, false));
      return flat;
    }
  }

  // For tests of the objective in this package: the graph as built.
  Graph graph() {
    return graph;
  }

  Session session() {
    return session;
  }

  Operand<TFloat32> objectiveMean() {
    return objectiveMean;
  }

  VariableStore variableStore() {
    return variables;
  }

  /**
   * For tests: feeds {@code value} as data node {@code name}'s whole batch to every pass, the
   * training pass included (which needs a model that trains in one tower).
   */
  Session.Runner feedWholeBatch(Session.Runner runner, String name, Tensor value) {
    if (towers.count() != 1) {
      throw new IllegalStateException("the training pass of " + spec.modelName() + " is split into "
          + towers.count() + " towers; a whole batch cannot be fed to it");
    }
    return runner.feed(observed.get(name), value).feed(towers.inputs(0).get(name), value);
  }

  Placeholder<TInt32> sampleCount() {
    return samples;
  }

  /** The scalar loss the optimizer minimizes: minus the mean surrogate, plus any baseline loss. */
  Operand<TFloat32> trainingLoss() {
    return trainingLoss;
  }

  /** The pass the training objective is built on (its log weights, score-function log q). */
  InferencePass trainingPass() {
    return trainingPass;
  }

  // For StepProfile: what one training step runs and feeds.
  Op trainStepOp() {
    return trainStep;
  }

  Placeholder<TFloat32> learningRateInput() {
    return learningRate;
  }

  TrainingTowers towers() {
    return towers;
  }

  ResidentColumn residentColumn(String name) {
    return resident.get(name);
  }

  /**
   * How many towers a training step splits its batch into: {@link ThreadSettings#towers()} for
   * an objective that is a mean of per-example terms (ELBO, M2's enumerated one included, IWAE,
   * VIMCO), 1 for the others (NVIL, wake-sleep).
   */
  public int trainingTowers() {
    return towers.count();
  }

  /** Training steps taken so far by {@link #fit}. */
  /**
   * The scalar hyperparameters the model's networks declare ({@code Nn.hyperparameter}), by name,
   * with their defaults: the names {@code Training.schedule} can anneal.
   */
  public Map<String, Float> hyperparameters() {
    return variables.hyperparameterDefaults();
  }

  public long stepsTaken() {
    return stepsTaken;
  }

  /**
   * Trains on {@code data} (one column per observed node) by maximizing the model's objective
   * with Adam over shuffled minibatches, as {@code training} configures it: learning-rate
   * schedule, gradient clipping, validation and early stopping, checkpoints (periodic, final,
   * and on a {@link dev.helmholtz.train.StopRequest}), resuming from one, TensorBoard and a plot
   * of the training curves. Every output path is checked before the first step.
   *
   * @throws TrainingDivergedException when the objective, one of its terms or a gradient is not
   *     finite; the message names the step and the quantity, and the checkpoints written before
   *     are kept
   * @throws IllegalArgumentException for data that does not fit the model (naming the column),
   *     or a checkpoint to resume from that does not fit this model or run
   * @throws java.io.UncheckedIOException naming the path, when an output directory cannot be
   *     created or written, or the checkpoint to resume from is missing or damaged
   * @throws dev.helmholtz.train.CheckpointFailedException when a checkpoint cannot be written
   *     during training
   */
  public TrainingSummary fit(Dataset data, Training training) {
    requireOpen();
    Dataset labelled = withLabelColumns(data);
    return TrainingLoop.run(new Trainable(checkColumns(labelled)), labelled, training);
  }

  /** This model as {@link TrainingLoop} trains it on data with {@code columns}. */
  private final class Trainable implements TrainableModel {
    private final String[] columns;
    private final List<String> parameters = parameterNames();

    Trainable(String[] columns) {
      this.columns = columns;
    }

    @Override
    public Description description() {
      return new Description(spec.modelName(), "step", spec.objective().toString(), "epoch/train_objective", seed,
          variables.hyperparameters(), columns);
    }

    @Override
    public void checkTraining(Training training) {
      if (training.validation() != null) {
        try {
          checkColumns(training.validation());
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
    public void checkResumable(java.util.Properties checkpoint, Path path, List<String> differences) {
      // Nothing beyond the loop's position: the variables hold the rest, and restoring checks them.
    }

    @Override
    public void restore(Path checkpoint, java.util.Properties properties, long step) throws IOException {
      restoreVariables(checkpoint, properties);
      stepsTaken = step;
    }

    @Override
    public void begin(Dataset data, DataPath path) {
      if (path == DataPath.RESIDENT) {
        upload(data, columns);
      }
    }

    @Override
    public StepOutcome step(EpochBatches batches, StepFeeds feeds, long step) {
      StepResult r = trainStep(batches, columns, feeds);
      return new ObjectiveStep(spec.objective().toString(), r.objective(), termNames, r.terms(), parameters,
          r.gradientSquaredNorms());
    }

    @Override
    public double validationObjective(Dataset validation) {
      return objective(validation);
    }

    /** 8 x 8 samples of each observed node that is a square image. */
    @Override
    public Map<String, ImageGrid.Pixels> sampleImages() {
      Map<String, ImageGrid.Pixels> grids = new LinkedHashMap<>();
      List<ModelSpec.Node> images = spec.observed().stream()
          .filter(node -> node.width() > 1 && imageSide(node) * imageSide(node) == node.width()).toList();
      if (!images.isEmpty()) {
        Map<String, float[][]> samples = generate(64);
        for (ModelSpec.Node node : images) {
          grids.put(node.name(), ImageGrid.pixels(samples.get(node.name()), imageSide(node), imageSide(node), 8));
        }
      }
      return grids;
    }

    private static int imageSide(ModelSpec.Node node) {
      return (int) Math.round(Math.sqrt(node.width()));
    }

    @Override
    public java.util.Properties checkpointProperties(java.util.Properties position) {
      return VariationalModel.this.checkpointProperties(position);
    }

    @Override
    public void writeVariables(Path prefix) throws IOException {
      VariationalModel.this.writeVariables(prefix);
    }
  }

  /** Uploads the observed columns into the graph, unless this very data set is already there. */
  private void upload(Dataset data, String[] columns) {
    if (residentSource == data) {
      return;
    }
    residentSource = null;
    Session.Runner runner = session.runner();
    List<TFloat32> tensors = new ArrayList<>();
    try {
      for (String column : columns) {
        TFloat32 all = TFloat32.tensorOf(Shape.of(data.size(), data.width(column)),
            DataBuffers.of(data.flat(column), true, false));
        tensors.add(all);
        ResidentColumn target = resident.get(column);
        runner.feed(target.upload(), all).addTarget(target.assign());
      }
      runner.run().close();
    } finally {
      tensors.forEach(Tensor::close);
    }
    residentSource = data;
  }

  /** What one training step computed: its mean objective, term means and gradient squared norms. */
  record StepResult(double objective, float[] terms, float[] gradientSquaredNorms) {}

  /**
   * One update on the current batch at the fed learning rate, with the gradients clipped to the
   * fed global norm unless there is none. The objective, terms and gradients
   * are those before the update; nothing is checked here.
   */
  StepResult trainStep(EpochBatches batches, String[] columns, StepFeeds feeds) {
    Session.Runner runner = session.runner().feed(learningRate, feeds.learningRate());
    feeds.feedHyperparameters(runner);
    List<Tensor> fed = new ArrayList<>();
    try {
      if (batches.isResident()) {
        towers.feedIndices(runner, batches.indices(), batches.size(), fed);
        for (int i = 0; i < columns.length; i++) {
          runner.feed(resident.get(columns[i]).binarize(), feeds.binarize(i));
        }
      } else {
        towers.feedRows(runner, batches.batch(), columns, fed);
      }
      if (feeds.clipNorm() != null) {
        runner.feed(maxGradientNorm, feeds.clipNorm()).addTarget(clippedTrainStep);
      } else {
        runner.addTarget(trainStep);
      }
      runner.fetch(objectiveMean).fetch(gradientSquaredNorms);
      termMeans.forEach(runner::fetch);
      try (Result result = runner.run()) {
        double value = ((TFloat32) result.get(0)).getFloat();
        TFloat32 norms = (TFloat32) result.get(1);
        float[] squaredNorms = new float[(int) norms.shape().size()];
        norms.copyTo(DataBuffers.of(squaredNorms, false, false));
        float[] terms = new float[termNames.size()];
        for (int i = 0; i < terms.length; i++) {
          terms[i] = ((TFloat32) result.get(i + 2)).getFloat();
        }
        stepsTaken++;
        return new StepResult(value, terms, squaredNorms);
      }
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  // For tests: what a step feeds and fetches.
  /** The inputs of the declared hyperparameters, by name, for a run to feed. */
  Map<String, Operand<TFloat32>> hyperparameterInputs() {
    return variables.hyperparameters();
  }

  List<String> termNames() {
    return termNames;
  }

  /** The term means a training step fetches, in the order of {@link #termNames()} (for tests). */
  List<Operand<TFloat32>> termMeanOperands() {
    return termMeans;
  }

  boolean isResident(Dataset data) {
    return residentSource == data;
  }

  /**
   * Writes the graph's variables (weights, optimizer state, random stream positions) and the
   * given properties into a new checkpoint directory, atomically; see {@link Checkpoints}.
   */
  void writeCheckpoint(Path directory, java.util.Properties extra) throws IOException {
    Checkpoints.write(directory, checkpointProperties(extra), this::writeVariables);
  }

  java.util.Properties checkpointProperties(java.util.Properties extra) {
    return VariableCheckpoint.describing(extra, spec.modelName(), nodesDescription(), stepsTaken);
  }

  private String nodesDescription() {
    return String.join(",", spec.nodes().stream()
        .map(n -> n.name() + ":" + (n.latent() ? "latent" : "observed") + ":" + n.width()).toList());
  }

  void writeVariables(Path prefix) throws IOException {
    checkpointOps().write(session, prefix, spec.modelName());
  }

  private VariableCheckpoint checkpointOps() {
    if (checkpointOps == null) {
      checkpointOps = VariableCheckpoint.build(graph);
    }
    return checkpointOps;
  }

  /**
   * Writes this model's state into a new directory, atomically: the networks' weights, the
   * optimizer's state and the position of every random stream, in TensorFlow's checkpoint
   * format, with {@code checkpoint.properties} naming the model. {@link #restoreCheckpoint}
   * brings a model built from the same class back to exactly this state.
   *
   * @throws java.nio.file.FileAlreadyExistsException if {@code directory} exists
   * @throws java.nio.file.NoSuchFileException if its parent directory does not exist
   */
  public void saveCheckpoint(Path directory) throws IOException {
    requireOpen();
    writeCheckpoint(directory, new java.util.Properties());
  }

  /**
   * Sets this model's state (weights, optimizer state, random streams) to a checkpoint written by
   * {@link #saveCheckpoint} or by {@code fit} for a model of the same class: a checkpoint
   * directory, or a checkpoint root whose latest checkpoint is taken. All or nothing: on an
   * error the model is unchanged.
   *
   * @return the checkpoint restored
   * @throws java.nio.file.NoSuchFileException if there is no checkpoint at {@code path}
   * @throws IOException if the checkpoint is damaged or belongs to another model (the message
   *     says which)
   */
  public Path restoreCheckpoint(Path path) throws IOException {
    requireOpen();
    Path checkpoint = Checkpoints.resolve(path);
    java.util.Properties p = Checkpoints.properties(checkpoint);
    restoreVariables(checkpoint, p);
    return checkpoint;
  }

  void restoreVariables(Path checkpoint, java.util.Properties p) throws IOException {
    stepsTaken = checkpointOps().restoreChecked(session, checkpoint, p, spec.modelName(), nodesDescription());
  }

  /**
   * Exports a TensorFlow SavedModel (tag {@code serve}) into the new directory {@code directory},
   * atomically, for TensorFlow Serving or any TensorFlow runtime. Its signatures, each with
   * method name {@code tensorflow/serving/predict} and a leading batch dimension:
   *
   * <ul>
   *   <li>{@code generate}: input {@code n} (int32 scalar) and, for a model with given nodes (a
   *       conditional VAE's class), each given node {@code [n, width]}, named like it; outputs one
   *       {@code [n, width]} tensor per node, named like it: latents their draws, observed nodes
   *       the means of p, given nodes their values;
   *   <li>{@code generate_classes} (models with an enumerated latent, such as M2): the inputs of
   *       {@code generate} and the enumerated latent's one-hot rows {@code [n, classes]}, named like
   *       it, set in place of its draws (as {@link #generate(Dataset)} with that column); outputs
   *       as {@code generate};
   *   <li>{@code encode} (models with latents): inputs the observed nodes {@code [batch, width]};
   *       outputs the mean of q for each latent;
   *   <li>{@code reconstruct} (models with latents): inputs as {@code encode}; outputs the mean of
   *       p for each observed node with latents at their posterior means;
   *   <li>{@code serving_default}: {@code reconstruct}, or {@code generate} without latents.
   * </ul>
   *
   * <p>The export holds every variable, including the random streams' positions: a fresh
   * process that loads it draws, on its first {@code generate} call, exactly what this model
   * draws on its next one.
   *
   * @throws java.nio.file.FileAlreadyExistsException if {@code directory} exists (nothing is
   *     overwritten)
   * @throws IOException naming the path if it cannot be written
   */
  public void exportSavedModel(Path directory) throws IOException {
    requireOpen();
    Map<String, Operand<?>> generateOutputs = new LinkedHashMap<>();
    for (ModelSpec.Node node : spec.nodes()) {
      generateOutputs.put(node.name(), node.latent()
          ? generativePass.samples().get(node.name()) : generativePass.means().get(node.name()));
    }
    // Given nodes are placeholders of the generative pass: generate cannot run without them.
    Map<String, Operand<?>> generateInputs = new LinkedHashMap<>();
    generateInputs.put("n", generateCount);
    spec.given().forEach(node -> generateInputs.put(node.name(), givenInputs.get(node.name())));
    Map<String, Operand<?>> classInputs = null;
    if (spec.enumerated().isPresent()) {
      // TensorFlow Serving requires every input of a signature, so the class is a signature of
      // its own rather than an optional input of generate.
      classInputs = new LinkedHashMap<>(generateInputs);
      String name = spec.enumerated().get().name();
      classInputs.put(name, generativePass.clamps().get(name));
    }
    Map<String, Operand<?>> inputs = new LinkedHashMap<>();
    // An enumerated latent's labels are an input of training only: encoding ignores them.
    spec.observed().forEach(node -> inputs.put(node.name(), observed.get(node.name())));
    Map<String, Operand<?>> encodeOutputs = new LinkedHashMap<>(meanPass.latentValues());
    Map<String, Operand<?>> reconstructOutputs = new LinkedHashMap<>(meanPass.observedMeans());
    SavedModelExporter.export(session, directory, generateInputs, generateOutputs, classInputs,
        spec.latents().isEmpty() ? null : inputs, encodeOutputs, reconstructOutputs);
  }

  /** The mean single-sample ELBO per example (with analytic KLs where the model has them). */
  public double elbo(Dataset data) {
    requireOpen();
    data = withLabelColumns(data);
    String[] columns = checkColumns(data);
    double sum = 0;
    try (TInt32 k = TInt32.scalarOf(1)) {
      Batches batches = data.batches(EVALUATION_BATCH, false, seed.derive("evaluation").value(), columns);
      while (batches.hasNext()) {
        Batch batch = batches.next();
        float[] values = run(batch, columns, k, elboPerExample);
        for (int i = 0; i < batch.size(); i++) {
          sum += values[i];
        }
      }
    }
    return sum / data.size();
  }

  /**
   * The mean importance-sampled estimate of log p(x) per example with {@code k} samples from q
   * (the IWAE bound at k, which approaches log p(x) as k grows; Burda et al. evaluate at
   * k = 5000). Samples are processed in chunks, so memory does not grow with k.
   */
  public double logLikelihood(Dataset data, int k) {
    return logLikelihoods(data, k).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /** Per-example importance-sampled estimates of log p(x), as in {@link #logLikelihood}. */
  public List<Double> logLikelihoods(Dataset data, int k) {
    return java.util.Arrays.stream(logLikelihoodWithError(data, k).estimates()).boxed().toList();
  }

  /**
   * {@link #logLikelihood} reporting its progress, in examples, to {@code progress} (a progress
   * bar with ETA, say).
   */
  public double logLikelihood(Dataset data, int k, ProgressListener progress) {
    return logLikelihoodWithError(data, k, progress).mean();
  }

  /**
   * The model's own training objective on {@code data}, as the validation objective of {@code
   * fit}: the importance-weighted bound at the model's k for IWAE, VIMCO and reweighted
   * wake-sleep, the single-sample ELBO otherwise. Higher is better.
   */
  public double objective(Dataset data) {
    return objective.validation(this, data);
  }

  /** {@link #logLikelihoods(Dataset, int)} reporting its progress, in examples, to {@code progress}. */
  public List<Double> logLikelihoods(Dataset data, int k, ProgressListener progress) {
    return java.util.Arrays.stream(logLikelihoodWithError(data, k, progress).estimates()).boxed().toList();
  }

  /**
   * Per-example importance-sampled estimates of log p(x) with {@code k} samples from q, as in
   * {@link #logLikelihood}, with their delta-method standard errors and effective sample sizes;
   * {@code mean()} and {@code standardError()} of the result give the data set's figure (see
   * {@link ImportanceSampling}).
   */
  public LogMarginalLikelihood logLikelihoodWithError(Dataset data, int k) {
    return logLikelihoodWithError(data, k, ProgressListener.silent());
  }

  /** {@link #logLikelihoodWithError(Dataset, int)} reporting its progress to {@code progress}. */
  public LogMarginalLikelihood logLikelihoodWithError(Dataset data, int k, ProgressListener progress) {
    requireOpen();
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, was " + k);
    }
    long started = System.nanoTime();
    data = withLabelColumns(data);
    String[] columns = checkColumns(data);
    int chunk = Math.min(k, EVALUATION_ROWS);
    int examplesPerRun = Math.max(1, Math.min(EVALUATION_BATCH, EVALUATION_ROWS / chunk));
    double[] sums = new double[data.size()];
    double[] squares = new double[data.size()];
    int offset = 0;
    Batches batches = data.batches(examplesPerRun, false, seed.derive("evaluation").value(), columns);
    try (TaskProgress task = progress.task("log-likelihood (k = " + k + ")", data.size(), "examples")) {
      while (batches.hasNext()) {
        Batch batch = batches.next();
        java.util.Arrays.fill(sums, offset, offset + batch.size(), Double.NEGATIVE_INFINITY);
        java.util.Arrays.fill(squares, offset, offset + batch.size(), Double.NEGATIVE_INFINITY);
        for (int done = 0; done < k; done += chunk) {
          try (TInt32 samplesNow = TInt32.scalarOf(Math.min(chunk, k - done))) {
            float[][] partial = run(batch, columns, samplesNow, logSumExpWeights, logSumExpSquaredWeights);
            for (int i = 0; i < batch.size(); i++) {
              sums[offset + i] = ImportanceWeightedBound.logAddExp(sums[offset + i], partial[0][i]);
              squares[offset + i] = ImportanceWeightedBound.logAddExp(squares[offset + i], partial[1][i]);
            }
          }
        }
        offset += batch.size();
        task.advance(batch.size());
      }
    }
    return LogMarginalLikelihood.fromLogSums(sums, squares, k, (System.nanoTime() - started) / 1e9);
  }

  /**
   * Draws {@code n} examples by ancestral sampling. Observed nodes map to the mean of their
   * p(node | parents) (what one shows of a VAE's samples), latents to their draws; each
   * {@code [n][width]}.
   *
   * @throws IllegalStateException when the model has given nodes: use {@link #generate(Dataset)}
   */
  public Map<String, float[][]> generate(int n) {
    requireOpen();
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1, was " + n);
    }
    if (!spec.given().isEmpty()) {
      throw new IllegalStateException(spec.modelName() + " conditions on given nodes "
          + spec.given().stream().map(ModelSpec.Node::name).toList()
          + ": sample with generate(Dataset) and a column of values for each");
    }
    return generate(n, Map.of());
  }

  /**
   * Draws one example by ancestral sampling per row of {@code given}, which holds a column per
   * given node (for a conditional VAE: the class to draw), as {@link #generate(int)} does. For
   * a model with an enumerated latent, a column named like it (one-hot rows) sets its value in
   * place of a draw from p: the class of a semi-supervised model to generate.
   */
  public Map<String, float[][]> generate(Dataset given) {
    requireOpen();
    Map<Operand<TFloat32>, TFloat32> fed = new LinkedHashMap<>();
    try {
      for (ModelSpec.Node node : spec.given()) {
        if (!given.has(node.name()) || given.width(node.name()) != node.width()) {
          throw new IllegalArgumentException("generate needs a column '" + node.name() + "' of width "
              + node.width() + " for given node '" + node.name() + "' of " + spec.modelName() + "; the data has "
              + given.columns());
        }
        fed.put(givenInputs.get(node.name()), TFloat32.tensorOf(Shape.of(given.size(), node.width()),
            DataBuffers.of(given.flat(node.name()), true, false)));
      }
      if (spec.enumerated().isPresent() && given.has(spec.enumerated().get().name())) {
        ModelSpec.Node node = spec.enumerated().get();
        DataColumns.requireLabels(spec.modelName(), given, node.name(), node.width());
        fed.put(generativePass.clamps().get(node.name()), TFloat32.tensorOf(Shape.of(given.size(), node.width()),
            DataBuffers.of(given.flat(node.name()), true, false)));
      }
      return generate(given.size(), fed);
    } finally {
      fed.values().forEach(Tensor::close);
    }
  }

  /**
   * Draws one example by ancestral sampling per entry of {@code classes}, with the enumerated
   * latent set to that class (from 0) instead of drawn from p, as {@link #generate(Dataset)}.
   *
   * @throws IllegalStateException when the model has no enumerated latent
   * @throws IllegalArgumentException for a class outside 0..classes-1 (naming its position)
   */
  public Map<String, float[][]> generateClasses(int... classes) {
    ModelSpec.Node node = requireEnumerated("generateClasses");
    if (classes.length == 0) {
      throw new IllegalArgumentException("generateClasses needs at least one class");
    }
    float[][] oneHot = new float[classes.length][node.width()];
    for (int i = 0; i < classes.length; i++) {
      if (classes[i] < 0 || classes[i] >= node.width()) {
        throw new IllegalArgumentException("classes[" + i + "] = " + classes[i] + ", but '" + node.name()
            + "' of " + spec.modelName() + " has classes 0.." + (node.width() - 1));
      }
      oneHot[i][classes[i]] = 1f;
    }
    return generate(Dataset.of(node.name(), oneHot));
  }

  private Map<String, float[][]> generate(int n, Map<Operand<TFloat32>, TFloat32> fed) {
    List<String> names = new ArrayList<>();
    List<Operand<TFloat32>> fetches = new ArrayList<>();
    for (ModelSpec.Node node : spec.nodes()) {
      names.add(node.name());
      fetches.add(node.latent() ? generativePass.samples().get(node.name()) : generativePass.means().get(node.name()));
    }
    Map<String, float[][]> out = new LinkedHashMap<>();
    try (TInt32 count = TInt32.scalarOf(n)) {
      Session.Runner runner = session.runner().feed(generateCount, count);
      fed.forEach(runner::feed);
      fetches.forEach(runner::fetch);
      try (Result result = runner.run()) {
        for (int i = 0; i < names.size(); i++) {
          out.put(names.get(i), rows((TFloat32) result.get(i), n, spec.require(names.get(i)).width()));
        }
      }
    }
    return out;
  }

  /** For each example: latents set to their posterior means, then the mean of each observed node's p. */
  public Map<String, float[][]> reconstructAll(Dataset data) {
    return meanPass(data, meanPass.observedMeans());
  }

  /** For each example, the mean of q for each latent, in inference order. */
  public Map<String, float[][]> encodeAll(Dataset data) {
    return meanPass(data, meanPass.latentValues());
  }

  private Map<String, float[][]> meanPass(Dataset unlabelled, Map<String, Operand<TFloat32>> outputs) {
    requireOpen();
    Dataset data = withLabelColumns(unlabelled);
    String[] columns = checkColumns(data);
    Map<String, float[][]> out = new LinkedHashMap<>();
    outputs.keySet().forEach(name -> out.put(name, new float[data.size()][]));
    int offset = 0;
    Batches batches = data.batches(EVALUATION_BATCH, false, seed.derive("evaluation").value(), columns);
    while (batches.hasNext()) {
      Batch batch = batches.next();
      List<TFloat32> fed = feedTensors(batch, columns);
      try {
        Session.Runner runner = session.runner();
        for (int i = 0; i < columns.length; i++) {
          runner.feed(observed.get(columns[i]), fed.get(i));
        }
        outputs.values().forEach(runner::fetch);
        try (Result result = runner.run()) {
          int i = 0;
          for (String name : outputs.keySet()) {
            float[][] rows = rows((TFloat32) result.get(i++), batch.size(), spec.require(name).width());
            System.arraycopy(rows, 0, out.get(name), offset, batch.size());
          }
        }
      } finally {
        fed.forEach(Tensor::close);
      }
      offset += batch.size();
    }
    return out;
  }

  private float[] run(Batch batch, String[] columns, TInt32 k, Operand<TFloat32> fetch) {
    return run(batch, columns, k, fetch, null)[0];
  }

  /** Runs one batch at k, fetching one per-example value ([B]) per operand (the second may be null). */
  private float[][] run(Batch batch, String[] columns, TInt32 k, Operand<TFloat32> fetch,
      Operand<TFloat32> alsoFetch) {
    List<TFloat32> fed = feedTensors(batch, columns);
    try {
      Session.Runner runner = session.runner().feed(samples, k);
      for (int i = 0; i < columns.length; i++) {
        runner.feed(observed.get(columns[i]), fed.get(i));
      }
      runner.fetch(fetch);
      if (alsoFetch != null) {
        runner.fetch(alsoFetch);
      }
      try (Result result = runner.run()) {
        float[][] values = new float[alsoFetch == null ? 1 : 2][batch.size()];
        for (int j = 0; j < values.length; j++) {
          ((TFloat32) result.get(j)).copyTo(DataBuffers.of(values[j], false, false));
        }
        return values;
      }
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  private List<TFloat32> feedTensors(Batch batch, String[] columns) {
    List<TFloat32> tensors = new ArrayList<>(columns.length);
    try {
      for (String column : columns) {
        int width = batch.width(column);
        tensors.add(TFloat32.tensorOf(Shape.of(batch.size(), width),
            DataBuffers.of(batch.column(column), true, false).narrow((long) batch.size() * width)));
      }
      return tensors;
    } catch (RuntimeException e) {
      tensors.forEach(Tensor::close);
      throw e;
    }
  }

  private static float[][] rows(TFloat32 tensor, int count, int width) {
    float[] flat = new float[count * width];
    tensor.copyTo(DataBuffers.of(flat, false, false));
    float[][] rows = new float[count][];
    for (int i = 0; i < count; i++) {
      rows[i] = java.util.Arrays.copyOfRange(flat, i * width, (i + 1) * width);
    }
    return rows;
  }

  /**
   * The observed columns, and the enumerated latent's labels where the data has them, checked
   * against the model before anything runs.
   */
  String[] checkColumns(Dataset data) {
    Map<String, Integer> widths = new LinkedHashMap<>();
    spec.observed().forEach(node -> widths.put(node.name(), node.width()));
    spec.enumerated().filter(node -> data.has(node.name()))
        .ifPresent(node -> widths.put(node.name(), node.width()));
    return DataColumns.require(spec.modelName(), data, widths);
  }

  /** The nodes whose values data sets hold: the observed ones, then an enumerated latent's labels. */
  private List<ModelSpec.Node> dataNodes() {
    List<ModelSpec.Node> nodes = new ArrayList<>(spec.observed());
    spec.enumerated().ifPresent(nodes::add);
    return nodes;
  }

  /**
   * {@code data} with a column of labels for the enumerated latent: its own, checked to hold a
   * one-hot or all-zero row per example, or all zeros (every example unlabelled) when it has none.
   */
  private Dataset withLabelColumns(Dataset data) {
    if (spec.enumerated().isEmpty()) {
      return data;
    }
    ModelSpec.Node node = spec.enumerated().get();
    if (!data.has(node.name())) {
      return data.with(node.name(), new float[data.size() * node.width()], node.width());
    }
    DataColumns.requireLabels(spec.modelName(), data, node.name(), node.width());
    return data;
  }

  /**
   * q(y | x) of the enumerated latent y for each example, {@code [rows][classes]}: the
   * classifier the semi-supervised model learns.
   *
   * @throws IllegalStateException when the model has no enumerated latent
   */
  public float[][] classProbabilities(Dataset data) {
    ModelSpec.Node node = requireEnumerated("classProbabilities");
    return meanPass(data, Map.of(node.name(), meanPass.latentValues().get(node.name()))).get(node.name());
  }

  /**
   * The most probable class under q(y | x) of the enumerated latent y for each example (the
   * argmax of {@link #classProbabilities}), from 0.
   *
   * @throws IllegalStateException when the model has no enumerated latent
   */
  public int[] classify(Dataset data) {
    float[][] probabilities = classProbabilities(data);
    int[] classes = new int[probabilities.length];
    for (int i = 0; i < classes.length; i++) {
      int best = 0;
      for (int j = 1; j < probabilities[i].length; j++) {
        if (probabilities[i][j] > probabilities[i][best]) {
          best = j;
        }
      }
      classes[i] = best;
    }
    return classes;
  }

  private ModelSpec.Node requireEnumerated(String method) {
    requireOpen();
    return spec.enumerated().orElseThrow(() -> new IllegalStateException(method + ": " + spec.modelName()
        + " has no enumerated latent (@Latent(enumerate = true)) to classify by"));
  }

  private void requireOpen() {
    if (session == null) {
      throw new IllegalStateException(spec.modelName() + " model is closed");
    }
  }

  /** Frees the session and graph (native memory). Idempotent. */
  @Override
  public void close() {
    if (session != null) {
      session.close();
      session = null;
    }
    if (graph != null) {
      graph.close();
      graph = null;
    }
  }
}
