package dev.helmholtz.variational;

import dev.helmholtz.data.Batch;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.distributed.Cluster;
import dev.helmholtz.distributed.ClusterFailedException;
import dev.helmholtz.distributed.CollectiveAllReduce;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.nn.VariableStore;
import dev.helmholtz.objective.ObjectiveInputs;
import dev.helmholtz.objective.TrainingObjective;
import dev.helmholtz.objective.TrainingTarget;
import dev.helmholtz.train.Adam;
import dev.helmholtz.train.EpochBatches;
import dev.helmholtz.train.StepFeeds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The training half of a variational model's graph and its run: each tower's pass and the
 * objective's target over it, combined over the batch; the optimizer's step on it; the resident
 * copy of the training data; and one step's session run. Built in two phases, {@link #target} and
 * {@link #optimizer}, because the evaluation passes are built between them (the order in which
 * ops are made fixes the graph's random streams).
 *
 * <p>Public for tools that time or profile a step (the benchmark's step profile): they upload the
 * data, feed a batch and run {@link #trainStepOp()}; what {@code fit} runs around it stays inside.
 */
public final class TrainingStep {
  private final VariationalModel model;
  private final ModelSpec spec;
  private final VariableStore variables;
  private final TrainingTowers towers;
  /** The resident data path: per data node, where its data is uploaded and how a step selects rows. */
  private final Map<String, ResidentColumn> resident;
  private final Placeholder<TFloat32> learningRate;
  private final Placeholder<TFloat32> maxGradientNorm;
  private InferencePass trainingPass;
  private TrainingTarget target;
  private Operand<TFloat32> objectiveMean;
  private List<String> termNames;
  private List<Operand<TFloat32>> termMeans;
  private Op trainStep;
  private Op clippedTrainStep;
  private Operand<TFloat32> gradientSquaredNorms;
  private Dataset residentSource;
  private List<InferencePass> towerPasses;
  private Cluster cluster;
  private Op barrier;
  /** What a static copy of the step is built from (see {@link #staticStepFor}). */
  private Ops tf;
  private RandomSource random;
  private TrainingObjective objective;
  private Adam adam;
  /** The run seeds the towers' passes took, in order: a static copy takes the same ones. */
  private List<Operand<TInt64>> towerSeeds;
  /** The graph's own step, which takes batches of any size. */
  private StepGraph dynamicStep;
  /** Whether this step may have static copies (see {@link #staticStepFor}). */
  private boolean staticShapesAllowed;
  /** The static copies built so far, by batch size. */
  private final Map<Integer, StepGraph> staticSteps = new HashMap<>();
  private long staticShapesAfterSteps = STATIC_SHAPES_AFTER_STEPS;
  /**
   * The model's steps (its step count, which a checkpoint keeps) before {@code fit} runs batches
   * on static copies: enough that a short fit (a test, a one-off step) does not pay a copy's
   * build (a few hundred ms), few enough that a training run is on them within its first epoch.
   * Keyed on the model's step count, not on this fit's, so that a resumed run takes each step on
   * the copy or on the graph's own step exactly as the uninterrupted run did: the two compute the
   * same numbers, but for some objectives (VIMCO, the enumerated bound) not to the last bit.
   */
  static final long STATIC_SHAPES_AFTER_STEPS = 50;
  /** The most batch sizes with a static copy; others run on the dynamic step. */
  static final int MAX_STATIC_STEPS = 4;
  /** How long a worker waits at fit's start for the others to arrive. */
  static final float STARTUP_TIMEOUT_SECONDS = 300f;

  private TrainingStep(VariationalModel model, VariableStore variables, TrainingTowers towers,
      Map<String, ResidentColumn> resident, Placeholder<TFloat32> learningRate, Placeholder<TFloat32> maxGradientNorm) {
    this.model = model;
    this.spec = model.spec();
    this.variables = variables;
    this.towers = towers;
    this.resident = resident;
    this.learningRate = learningRate;
    this.maxGradientNorm = maxGradientNorm;
  }

  /**
   * Builds each tower's pass and {@code objective}'s target over it, and the batch's target,
   * objective mean and term means from them.
   */
  static TrainingStep target(VariationalModel model, Ops tf, RandomSource random, VariableStore variables,
      TrainingObjective objective, TrainingTowers towers, Map<String, ResidentColumn> resident,
      Placeholder<TFloat32> learningRate, Placeholder<TFloat32> maxGradientNorm) {
    TrainingStep step = new TrainingStep(model, variables, towers, resident, learningRate, maxGradientNorm);
    step.tf = tf;
    step.random = random;
    step.objective = objective;
    step.buildTarget(tf, random, objective);
    return step;
  }

  private void buildTarget(Ops tf, RandomSource random, TrainingObjective objective) {
    random.startRecording();
    Target built = buildTarget(tf, random, objective, towers);
    towerSeeds = random.stopRecording();
    trainingPass = built.passes().get(0);
    towerPasses = built.passes();
    target = built.target();
    objectiveMean = built.objectiveMean();
    termNames = built.termNames();
    termMeans = built.termMeans();
  }

  /** One copy of the towers' passes and the batch's target over them. */
  private record Target(List<InferencePass> passes, TrainingTarget target, Operand<TFloat32> objectiveMean,
      List<String> termNames, List<Operand<TFloat32>> termMeans) {}

  private Target buildTarget(Ops tf, RandomSource random, TrainingObjective objective, TrainingTowers towers) {
    // Training runs with the objective's fixed k, known now: at k = 1 the pass has no sample
    // axis at all. Evaluation feeds k (1 for the ELBO, chunks of k for log-likelihoods).
    int trainingSamples = objective.trainingSamples();
    List<InferencePass> towerPasses = new ArrayList<>();
    List<TrainingTarget> towerTargets = new ArrayList<>();
    for (int t = 0; t < towers.count(); t++) {
      boolean labels = spec.enumerated().isPresent();
      InferencePass tower = new InferencePass(tf, spec, variables, random,
          towers.inputs(t), tf.constant(trainingSamples), trainingSamples,
          objective.differentiatesSamples() ? InferencePass.Mode.SAMPLE : InferencePass.Mode.DETACHED,
          Map.of(), labels && objective.enumeratesLabels()).training();
      if (labels && !objective.enumeratesLabels()) {
        tower.clampingLabels();
      }
      model.defineInference(tower);
      towerPasses.add(tower);
      Map<String, Operand<TFloat32>> towerInputs = towers.inputs(t);
      towerTargets.add(objective.target(new ObjectiveInputs(tf, tower, variables, towerInputs,
          () -> sleepPass(tf, random, tower, towerInputs))));
    }
    TrainingTarget target = objective.acrossTowers(tf, towerPasses, towerTargets);
    Operand<TFloat32> objectiveMean = tf.math.mean(target.perExample(), tf.constant(0));
    InferencePass first = towerPasses.get(0);
    List<String> termNames = new ArrayList<>(first.termMeans().keySet());
    List<Operand<TFloat32>> termMeans = towerPasses.size() == 1 ? new ArrayList<>(first.termMeans().values())
        : termMeansAcrossTowers(tf, towerPasses, termNames);
    termNames.addAll(target.terms().keySet());
    termMeans.addAll(target.terms().values());
    return new Target(towerPasses, target, objectiveMean, termNames, termMeans);
  }

  /**
   * Builds the optimizer's steps on the target (the objective's own updates, such as NVIL's moving
   * averages, follow whichever step runs); returns the initializers of the optimizer's and the
   * objective's state.
   */
  List<Op> optimizer(Ops tf, Cluster cluster) {
    Operand<TFloat32> loss = minimized(tf, target);
    this.cluster = cluster;
    adam = Adam.create(tf, "adam", loss, variables.trainableVariables(), learningRate,
        Adam.DEFAULT_BETA1, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPSILON, maxGradientNorm,
        cluster == null ? null : new CollectiveAllReduce(cluster, rowsOfTowers(tf)));
    if (cluster != null) {
      barrier = CollectiveAllReduce.barrier(tf, cluster, STARTUP_TIMEOUT_SECONDS);
    }
    trainStep = target.after(tf, withUpdates(tf, adam.step()));
    clippedTrainStep = target.after(tf, withUpdates(tf, adam.clippedStep()));
    gradientSquaredNorms = adam.gradientSquaredNorms();
    dynamicStep = new StepGraph(towers, objectiveMean, termMeans, trainStep, clippedTrainStep, gradientSquaredNorms);
    // A static copy shares the variables, Adam's state and the random streams, and builds nothing
    // else with state: not for a cluster's worker (its all-reduce), an objective with state of its
    // own or that does not split into towers, networks with moving averages (batch norm), or a
    // model with global latents.
    staticShapesAllowed = cluster == null && objective.splitsIntoTowers() && target.initializers().isEmpty()
        && variables.updates().isEmpty() && spec.globals().isEmpty();
    List<Op> initializers = new ArrayList<>(adam.initializers());
    initializers.addAll(target.initializers());
    return initializers;
  }

  /** The loss the optimizer minimizes: the target's, plus weight decay (nn.weightDecay), which the reported objective leaves out. */
  private Operand<TFloat32> minimized(Ops tf, TrainingTarget target) {
    return variables.penalty(variables.trainableVariables())
        .<Operand<TFloat32>>map(p -> tf.math.add(target.loss(), p)).orElse(target.loss());
  }

  /**
   * The ops one training step runs, and the towers it feeds: the graph's own step, or a copy of it
   * for one batch size.
   */
  private record StepGraph(TrainingTowers towers, Operand<TFloat32> objectiveMean, List<Operand<TFloat32>> termMeans,
      Op trainStep, Op clippedTrainStep, Operand<TFloat32> gradientSquaredNorms) {}

  /**
   * The step for batches of {@code batchSize} rows: a copy of the training step whose towers'
   * inputs have that batch's static shapes, built on first use, or the graph's own step when this
   * model's step may have no copy.
   *
   * <p>Why: the graph's own step takes batches of any size, so the batch axis is unknown when the
   * graph is optimized, and the gradients of every broadcasting op keep computing shapes,
   * broadcast axes and reshapes at run time (Shape, BroadcastGradientArgs, Reshape, Sum). With the
   * shapes known, TensorFlow's graph optimizer folds them: the sample VAE's two-tower step runs
   * 303 ops instead of 459 (docs/benchmarks.md). The copy is the same computation: it takes the
   * very random seeds and run counters of the graph's towers ({@link RandomSource#replay}), reads
   * the same variables and updates Adam's same slots, so a step of either draws the same numbers
   * and leaves the same state, and checkpoints, resuming and evaluation do not see which ran.
   */
  private StepGraph staticStepFor(int batchSize) {
    StepGraph built = staticSteps.get(batchSize);
    if (built != null) {
      return built;
    }
    if (!staticShapesAllowed || batchSize < towers.count() || staticSteps.size() >= MAX_STATIC_STEPS) {
      return dynamicStep;
    }
    int variablesBefore = variables.allVariables().size();
    int countersBefore = random.runCounters().size();
    TrainingTowers shaped = towers.forBatchSize(batchSize);
    Ops scoped = tf.withSubScope("batch_" + batchSize);
    Target[] copy = new Target[1];
    random.replay(towerSeeds, () -> copy[0] = buildTarget(scoped, random, objective, shaped));
    if (variables.allVariables().size() != variablesBefore || random.runCounters().size() != countersBefore
        || !variables.updates().isEmpty() || !copy[0].termNames().equals(termNames)) {
      throw new IllegalStateException("the training step's copy for batches of " + batchSize
          + " built state of its own; it must share the step's");
    }
    Adam copyAdam = adam.forLoss("batch_" + batchSize, minimized(scoped, copy[0].target()));
    built = new StepGraph(shaped, copy[0].objectiveMean(), copy[0].termMeans(),
        copy[0].target().after(scoped, copyAdam.step()), copy[0].target().after(scoped, copyAdam.clippedStep()),
        copyAdam.gradientSquaredNorms());
    staticSteps.put(batchSize, built);
    return built;
  }

  /**
   * The step a batch of {@code size} rows runs in {@code fit} once the model has taken {@code
   * stepsTaken} steps: the static copy for that size from {@link #STATIC_SHAPES_AFTER_STEPS} steps
   * on (built then), the graph's own step before.
   */
  private StepGraph stepFor(int size, long stepsTaken) {
    return stepsTaken >= staticShapesAfterSteps ? staticStepFor(size) : dynamicStep;
  }

  /** Tests: after how many of the model's steps {@code fit} runs batches on static copies. */
  void staticShapesAfter(long steps) {
    staticShapesAfterSteps = steps;
  }

  /** The batch sizes that have a static copy of the step. */
  java.util.Set<Integer> staticBatchSizes() {
    return java.util.Set.copyOf(staticSteps.keySet());
  }

  /** {@code step} with the networks' batch-normalization updates (moving averages), as one op. */
  private Op withUpdates(Ops tf, Op step) {
    List<Op> updates = new ArrayList<>(variables.updates());
    if (updates.isEmpty()) {
      return step;
    }
    updates.add(step);
    return tf.withControlDependencies(updates).noOp();
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
    model.defineGeneration(dreamer);
    Map<String, Operand<TFloat32>> dreamedObserved = new LinkedHashMap<>();
    Map<String, Operand<TFloat32>> dreamedLatents = new LinkedHashMap<>();
    for (ModelSpec.Node node : spec.nodes()) {
      (node.latent() ? dreamedLatents : dreamedObserved).put(node.name(), dreamer.samples().get(node.name()));
    }
    InferencePass sleep = new InferencePass(tf, spec, variables, random, dreamedObserved,
        tf.constant(1), 1, InferencePass.Mode.DREAM, dreamedLatents);
    model.defineInference(sleep);
    return sleep;
  }

  /**
   * Uploads the data columns into the graph for the resident data path, unless this very data set
   * is already there.
   */
  public void upload(Session session, Dataset data, String[] columns) {
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

  /**
   * One update on the current batch at the fed learning rate, with the gradients clipped to the
   * fed global norm unless there is none, the model having taken {@code stepsTaken} steps before
   * it. The objective, terms and gradients are those before the update; nothing is checked here.
   */
  VariationalModel.StepResult run(Session session, EpochBatches batches, String[] columns, StepFeeds feeds,
      long stepsTaken) {
    Session.Runner runner = session.runner().feed(learningRate, feeds.learningRate());
    feeds.feedHyperparameters(runner);
    List<Tensor> fed = new ArrayList<>();
    StepGraph step = stepFor(batches.size(), stepsTaken);
    try {
      if (batches.isResident()) {
        feedResidentRows(step, runner, batches.indices(), batches.size(), columns, feeds::binarize, fed);
      } else {
        step.towers().feedRows(runner, batches.batch(), columns, fed);
      }
      if (feeds.clipNorm() != null) {
        runner.feed(maxGradientNorm, feeds.clipNorm()).addTarget(step.clippedTrainStep());
      } else {
        runner.addTarget(step.trainStep());
      }
      runner.fetch(step.objectiveMean()).fetch(step.gradientSquaredNorms());
      step.termMeans().forEach(runner::fetch);
      try (Result result = runner.run()) {
        double value = ((TFloat32) result.get(0)).getFloat();
        TFloat32 norms = (TFloat32) result.get(1);
        float[] squaredNorms = new float[(int) norms.shape().size()];
        norms.copyTo(DataBuffers.of(squaredNorms, false, false));
        float[] terms = new float[termNames.size()];
        for (int i = 0; i < terms.length; i++) {
          terms[i] = ((TFloat32) result.get(i + 2)).getFloat();
        }
        return new VariationalModel.StepResult(value, terms, squaredNorms);
      }
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  /**
   * Feeds a batch on the resident path: each tower's block of the row indices {@code
   * indices[0, size)} into the uploaded {@code columns}, and whether the graph binarizes column
   * {@code i} ({@code binarize.apply(i)}), into the towers of the step {@link #trainStepOp(int)}
   * gives for {@code size}. The index tensors made are added to {@code fed} for the caller to close
   * after the run.
   */
  public void feedResidentRows(Session.Runner runner, int[] indices, int size, String[] columns,
      IntFunction<TBool> binarize, List<Tensor> fed) {
    feedResidentRows(builtStepFor(size), runner, indices, size, columns, binarize, fed);
  }

  private void feedResidentRows(StepGraph step, Session.Runner runner, int[] indices, int size, String[] columns,
      IntFunction<TBool> binarize, List<Tensor> fed) {
    step.towers().feedIndices(runner, indices, size, fed);
    for (int i = 0; i < columns.length; i++) {
      runner.feed(resident.get(columns[i]).binarize(), binarize.apply(i));
    }
  }

  /**
   * Feeds a batch on the fed path: each tower's block of {@code batch}'s copied rows of {@code
   * columns}, into the towers of the step {@link #trainStepOp(int)} gives for its size. The tensors
   * made are added to {@code fed} for the caller to close after the run.
   */
  public void feedCopiedRows(Session.Runner runner, Batch batch, String[] columns, List<Tensor> fed) {
    builtStepFor(batch.size()).towers().feedRows(runner, batch, columns, fed);
  }

  /** The step that runs a batch of {@code size} rows as things stand: its static copy if built, else the graph's own. */
  private StepGraph builtStepFor(int size) {
    return staticSteps.getOrDefault(size, dynamicStep);
  }

  /**
   * Builds the static copy of the step for batches of {@code batchSize} rows now, where {@code
   * fit} would build it at the model's {@link #STATIC_SHAPES_AFTER_STEPS}th step (for tools that
   * time or profile the step). Returns whether batches of that size now run on a static copy.
   */
  public boolean prepareStaticShapes(int batchSize) {
    return staticStepFor(batchSize) != dynamicStep;
  }

  /** The rows of the batch this process's towers take, as a float: what its loss is a mean over. */
  private Operand<TFloat32> rowsOfTowers(Ops tf) {
    List<Operand<TFloat32>> rows = new ArrayList<>();
    for (InferencePass pass : towerPasses) {
      rows.add(tf.dtypes.cast(pass.batchSize(), TFloat32.class));
    }
    return rows.size() == 1 ? rows.get(0) : tf.math.addN(rows);
  }

  /** Runs the cluster's start-up barrier: returns once every worker has run it. */
  void awaitWorkers(Session session) {
    if (barrier == null) {
      throw new IllegalStateException("this training step is not a cluster worker's");
    }
    try {
      session.runner().addTarget(barrier).run().close();
    } catch (org.tensorflow.exceptions.TensorFlowException e) {
      throw new ClusterFailedException(cluster, "not every worker started within " + STARTUP_TIMEOUT_SECONDS
          + " s", e);
    }
  }

  /**
   * The plain update (no gradient clipping), followed by the objective's own updates, of the
   * graph's own step, which takes batches of any size without a static copy.
   */
  public Op trainStepOp() {
    return trainStep;
  }

  /**
   * The plain update of the step that runs a batch of {@code size} rows: its static copy if one is
   * built ({@link #prepareStaticShapes}), else {@link #trainStepOp()}. {@link #feedResidentRows}
   * and {@link #feedCopiedRows} feed the same step's towers.
   */
  public Op trainStepOp(int size) {
    return builtStepFor(size).trainStep();
  }

  /** The objective's mean over a batch of {@code size} rows, in the step {@link #trainStepOp(int)} gives. */
  public Operand<TFloat32> objectiveMean(int size) {
    return builtStepFor(size).objectiveMean();
  }

  /** The learning rate a step is fed, a float scalar. */
  public Placeholder<TFloat32> learningRateInput() {
    return learningRate;
  }

  /** The objective's mean over the batch, before the update. */
  public Operand<TFloat32> objectiveMean() {
    return objectiveMean;
  }

  // What tests read of the graph as built.

  TrainingTowers towers() {
    return towers;
  }

  /** The pass the training objective is built on (its log weights, score-function log q); the first tower's. */
  InferencePass trainingPass() {
    return trainingPass;
  }

  /** The scalar loss the optimizer minimizes: minus the mean surrogate, plus any baseline loss. */
  Operand<TFloat32> trainingLoss() {
    return target.loss();
  }

  List<String> termNames() {
    return termNames;
  }

  /** The term means a training step fetches, in the order of {@link #termNames()}. */
  List<Operand<TFloat32>> termMeanOperands() {
    return termMeans;
  }
}
