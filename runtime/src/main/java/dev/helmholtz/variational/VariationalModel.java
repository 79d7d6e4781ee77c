package dev.helmholtz.variational;

import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckPlan;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.core.CompiledModel;
import dev.helmholtz.core.DataColumns;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.distributed.Cluster;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.AnnealedImportanceSampler;
import dev.helmholtz.infer.ImportanceSampling;
import dev.helmholtz.infer.LogMarginalLikelihood;
import dev.helmholtz.nn.VariableStore;
import dev.helmholtz.objective.BoundEstimators;
import dev.helmholtz.objective.ElboObjective;
import dev.helmholtz.objective.EnumeratedBoundObjective;
import dev.helmholtz.objective.TrainingObjective;
import dev.helmholtz.train.EpochBatches;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.StepFeeds;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingDivergedException;
import dev.helmholtz.train.TrainingLoop;
import dev.helmholtz.train.TrainingSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The base of every generated variational model: one TensorFlow graph holding the training
 * objective and update ({@code TrainingStep}), the evaluation passes ({@code
 * VariationalEvaluation}), a mean-field pass for reconstruction and encoding, and an ancestral
 * sampler, all sharing the networks' variables; and the session that runs them. Subclasses
 * (generated) only describe the model in {@link #defineInference} and {@link #defineGeneration}.
 *
 * <p>Data is given as a {@link Dataset} with one column per observed node, named like the node.
 * Not safe for concurrent {@code fit} calls; close it to free native memory.
 */
public abstract class VariationalModel extends CompiledModel implements BoundEstimators {
  /**
   * The hyperparameter of an ELBO model (without an enumerated latent) that weighs the latents' KL
   * terms in the training loss, 1 by default: {@code Training.schedule("kl_weight",
   * ScalarSchedule.linear(0, 1, 10_000))} warms it up. The reported objective stays the ELBO.
   */
  public static final String KL_WEIGHT = ElboObjective.KL_WEIGHT;

  /**
   * The hyperparameter of a model with an enumerated latent holding alpha, the weight of log q(y |
   * x) on each labelled row, {@code @Latent(classificationWeight)} by default (see {@link
   * dev.helmholtz.objective.EnumeratedBoundObjective#CLASSIFICATION_WEIGHT}).
   */
  public static final String CLASSIFICATION_WEIGHT = EnumeratedBoundObjective.CLASSIFICATION_WEIGHT;

  private final ModelSpec spec;
  private final TrainingObjective objective;
  /** The data nodes' inputs of evaluation, sampling and export, which feed whole batches. */
  private final Map<String, Operand<TFloat32>> observed = new LinkedHashMap<>();
  private TrainingStep training;
  private VariationalEvaluation evaluation;
  private VariationalOutputs outputs;
  /** For a model with global latents: N, the training data's size, which fit sets. */
  private Placeholder<TFloat32> dataSizeInput;
  private Op setDataSize;

  protected VariationalModel(ModelSpec spec, Seed seed, ThreadSettings threads) {
    super(spec.modelName(), seed, threads);
    this.spec = spec;
    this.objective = spec.trainingObjective();
  }

  /** Describes q (latents in inference order) and p (every node) for one pass. Generated. */
  protected abstract void defineInference(InferencePass pass);

  /** Describes ancestral sampling from p. Generated. */
  protected abstract void defineGeneration(GenerativePass pass);

  @Override
  protected final List<Op> defineGraph(Ops tf, RandomSource random) {
    VariableStore variables = variables();
    observed.clear();
    Map<String, Integer> widths = new LinkedHashMap<>();
    Map<String, ResidentColumn> resident = new LinkedHashMap<>();
    for (ModelSpec.Node node : dataNodes()) {
      resident.put(node.name(), ResidentColumn.build(tf, node.width()));
      widths.put(node.name(), node.width());
      observed.put(node.name(), tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, node.width()))));
    }
    TrainingTowers towers = TrainingTowers.build(tf, random,
        objective.splitsIntoTowers() ? threads().towers() : 1, widths, resident);
    Placeholder<TInt32> samples = tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
    Placeholder<TInt32> generateCount = tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
    Placeholder<TFloat32> learningRate = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    Placeholder<TFloat32> maxGradientNorm = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    // The order the parts are built in fixes the graph's random streams: keep it.
    training = TrainingStep.target(this, tf, random, variables, objective, towers, resident, learningRate,
        maxGradientNorm);
    evaluation = new VariationalEvaluation(this, tf, random, variables, observed, samples);
    if (!spec.globals().isEmpty()) {
      dataSizeInput = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      setDataSize = tf.assign(GlobalPosterior.dataSizeVariable(variables), dataSizeInput);
    }
    List<Op> initializers = training.optimizer(tf, cluster());
    outputs = new VariationalOutputs(this, tf, random, variables, observed, generateCount);
    return initializers;
  }

  @Override
  protected final String nodesDescription() {
    return String.join(",", spec.nodes().stream()
        .map(n -> n.name() + ":" + (n.latent() ? "latent" : "observed") + ":" + n.width()).toList());
  }

  public ModelSpec spec() {
    return spec;
  }

  /**
   * How many towers a training step splits its batch into: {@link ThreadSettings#towers()} for
   * an objective that is a mean of per-example terms (ELBO, M2's enumerated one included, IWAE,
   * VIMCO), 1 for the others (NVIL, wake-sleep).
   */
  public int trainingTowers() {
    return training.towers().count();
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
    String[] columns = checkColumns(labelled);
    if (training.cluster() != null) {
      training = asWorker(training); // may rebuild the graph: the data size is set after it
    } else if (trainingCluster() != null) {
      // Its step all-reduces with the other workers, who are not training with it.
      throw new IllegalArgumentException(spec.modelName() + " is a worker of " + trainingCluster()
          + " for the rest of its life: train it with Training.cluster(...) of that cluster");
    }
    if (setDataSize != null) {
      setGlobalDataSize(labelled.size());
    }
    return TrainingLoop.run(new VariationalTraining(this, columns), labelled, training);
  }

  /**
   * Joins {@code training}'s cluster (rebuilding the graph with the all-reduce once) and gives this
   * worker its towers; the configuration as this worker runs it: without outputs unless it is the
   * chief.
   */
  private Training asWorker(Training training) {
    Cluster cluster = training.cluster();
    int towers = trainingTowers();
    if (!objective.splitsIntoTowers()) {
      throw new IllegalArgumentException("data-parallel training needs an objective that is a mean of"
          + " per-example terms; " + objective + " is not (train it in one process)");
    }
    if (towers % cluster.size() != 0) {
      throw new IllegalArgumentException("a cluster of " + cluster.size() + " workers splits each batch by"
          + " the model's training towers, " + towers + ", which must be a multiple of " + cluster.size()
          + ": build the model with ThreadSettings.of(intra, inter, " + cluster.size() + ")");
    }
    joinCluster(cluster);
    int perWorker = towers / cluster.size();
    this.training.towers().runOnly(cluster.index() * perWorker, (cluster.index() + 1) * perWorker);
    return cluster.isChief() ? training : training.withoutOutputs();
  }

  /**
   * The cluster this model trains in, or {@code null}: it joins the cluster of the first {@code fit}
   * given one, for the rest of its life.
   */
  public Cluster trainingCluster() {
    return cluster();
  }

  /** Waits until every worker of the cluster has reached this call. */
  void awaitWorkers() {
    training.awaitWorkers(session());
  }

  /**
   * Sets N, the size of the data set the global latents' plate covers: each example's objective
   * carries 1 / N of the global KL ({@link dev.helmholtz.infer.Plate}). {@link #fit} sets it to the
   * training data's rows; call this to train on minibatches of a data set fed another way.
   *
   * @throws IllegalStateException for a model without global latents
   */
  public void setGlobalDataSize(long rows) {
    requireOpen();
    if (setDataSize == null) {
      throw new IllegalStateException(spec.modelName() + " has no global latents");
    }
    if (rows < 1) {
      throw new IllegalArgumentException("the data size must be at least 1, was " + rows);
    }
    try (TFloat32 size = TFloat32.scalarOf(rows)) {
      session().runner().feed(dataSizeInput, size).addTarget(setDataSize).run().close();
    }
  }

  /**
   * The mean of each global latent's variational posterior q(w) = N(mean, scale^2), by name, in
   * declaration order: the plug-in value evaluation, reconstruction and sampling use.
   */
  public java.util.Map<String, float[]> globalMeans() {
    java.util.Map<String, float[]> means = new LinkedHashMap<>();
    spec.globals().forEach(g -> means.put(g.name(), parameter("global/" + g.name() + "/loc")));
    return means;
  }

  /** The scale (standard deviation) of each global latent's variational posterior, softplus(rho), by name. */
  public java.util.Map<String, float[]> globalScales() {
    java.util.Map<String, float[]> scales = new LinkedHashMap<>();
    for (ModelSpec.Global g : spec.globals()) {
      float[] rho = parameter("global/" + g.name() + "/rho");
      float[] scale = new float[rho.length];
      for (int i = 0; i < rho.length; i++) {
        scale[i] = (float) (rho[i] > 30 ? rho[i] : Math.log1p(Math.exp(rho[i])));
      }
      scales.put(g.name(), scale);
    }
    return scales;
  }

  /**
   * {@code n} draws of global latent {@code name} from its variational posterior, {@code
   * [n][width]}: the same seed gives the same draws.
   */
  public float[][] globalDraws(String name, int n, Seed seed) {
    ModelSpec.Global g = spec.requireGlobal(name);
    float[] mean = globalMeans().get(g.name());
    float[] scale = globalScales().get(g.name());
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed.value());
    float[][] draws = new float[n][g.width()];
    for (float[] draw : draws) {
      for (int i = 0; i < draw.length; i++) {
        draw[i] = (float) (mean[i] + scale[i] * gaussian(random));
      }
    }
    return draws;
  }

  private static double gaussian(java.util.SplittableRandom random) {
    double u1 = 1 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** What one training step computed: its mean objective, term means and gradient squared norms. */
  record StepResult(double objective, float[] terms, float[] gradientSquaredNorms) {}

  // For VariationalTraining, this model as the training loop sees it.

  /** One update on the current batch; see {@link TrainingStep#run}. Nothing is checked here. */
  StepResult trainStep(EpochBatches batches, String[] columns, StepFeeds feeds) {
    StepResult result = training.run(session(), batches, columns, feeds, stepsTaken());
    stepTaken();
    return result;
  }

  List<String> termNames() {
    return training.termNames();
  }

  void setStepsTaken(long steps) {
    setStepCount(steps);
  }

  /** Uploads the observed columns into the graph for the resident data path, unless already there. */
  void uploadResident(Dataset data, String[] columns) {
    training.upload(session(), data, columns);
  }

  void restoreVariables(Path checkpoint, Properties p) throws IOException {
    restoreState(checkpoint, p);
  }

  /** The compiled training step, for tools that time or profile it (the benchmark). */
  public TrainingStep trainingStep() {
    return training;
  }

  // For tests: the graph as built.

  VariableStore variableStore() {
    return variables();
  }

  Placeholder<TInt32> sampleCount() {
    return evaluation.sampleCount();
  }

  /**
   * Feeds {@code value} as data node {@code name}'s whole batch to every pass, the training pass
   * included (which needs a model that trains in one tower).
   */
  Session.Runner feedWholeBatch(Session.Runner runner, String name, Tensor value) {
    if (training.towers().count() != 1) {
      throw new IllegalStateException("the training pass of " + spec.modelName() + " is split into "
          + training.towers().count() + " towers; a whole batch cannot be fed to it");
    }
    return runner.feed(observed.get(name), value).feed(training.towers().inputs(0).get(name), value);
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
    outputs.exportSavedModel(directory);
  }


  /**
   * Checks this model's gradients, estimators, bounds and shapes on its first rows of {@code data},
   * with the default sizes ({@link SelfCheckOptions#defaults()}); see {@link #selfCheck(Dataset,
   * SelfCheckOptions)}. In a test: {@code model.selfCheck(batch).assertPassed()}.
   */
  public SelfCheckReport selfCheck(Dataset data) {
    return selfCheck(java.util.Objects.requireNonNull(data, "data"), SelfCheckOptions.defaults());
  }

  /** {@link #selfCheck(Dataset, SelfCheckOptions)} on synthetic data: examples drawn from the model itself. */
  public SelfCheckReport selfCheck() {
    return selfCheck(null, SelfCheckOptions.defaults());
  }

  /**
   * Checks this model on the first {@code options.examples()} rows of {@code data} (or, when it is
   * null, on examples drawn from the model itself, given nodes one-hot): (1) the gradient of its
   * bound at fixed noise against central finite differences, (2) each analytic KL against Monte
   * Carlo, (3) ELBO ≤ IWAE_k ≤ IWAE_k' ≤ the importance-sampled log-likelihood, (4) a
   * score-function estimator's mean gradient against the enumerated one, (6) every network's
   * output shape against its node's event shape, each where it applies; and that the graph's
   * analytic KLs and score-function latents are those compiled. The checks run in a graph of
   * their own with this model's variables copied in: the model, its random streams and its
   * training state are unchanged. Generated models override this to say what they check.
   *
   * @return the report; {@link SelfCheckReport#assertPassed()} throws on a failure
   */
  public SelfCheckReport selfCheck(Dataset data, SelfCheckOptions options) {
    return selfCheck(data, options, SelfCheckPlan.none());
  }

  /** {@link #selfCheck(Dataset, SelfCheckOptions)} with what the processor compiled: generated code calls it. */
  protected final SelfCheckReport selfCheck(Dataset data, SelfCheckOptions options, SelfCheckPlan plan) {
    requireOpen();
    return VariationalSelfCheck.run(this, data == null ? null : withLabelColumns(data), plan, options);
  }

  /** The mean single-sample ELBO per example (with analytic KLs where the model has them). */
  @Override
  public double elbo(Dataset data) {
    return elbo(data, ProgressListener.silent());
  }

  /** {@link #elbo(Dataset)} reporting its progress, in examples, to {@code progress}. */
  public double elbo(Dataset data, ProgressListener progress) {
    requireOpen();
    return evaluation.elbo(data, progress);
  }

  /**
   * The mean importance-sampled estimate of log p(x) per example with {@code k} samples from q
   * (the IWAE bound at k, which approaches log p(x) as k grows; Burda et al. evaluate at
   * k = 5000). Samples are processed in chunks, so memory does not grow with k.
   */
  @Override
  public double logLikelihood(Dataset data, int k) {
    return logLikelihoods(data, k).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /** Per-example importance-sampled estimates of log p(x), as in {@link #logLikelihood}. */
  public List<Double> logLikelihoods(Dataset data, int k) {
    return Arrays.stream(logLikelihoodWithError(data, k).estimates()).boxed().toList();
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
    return Arrays.stream(logLikelihoodWithError(data, k, progress).estimates()).boxed().toList();
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

  /**
   * {@link #logLikelihoodWithError(Dataset, int)} reporting its progress to {@code progress}.
   * Runs go as many at a time as the session has inter-op threads; the draws, and so the
   * estimates, do not depend on how many.
   */
  public LogMarginalLikelihood logLikelihoodWithError(Dataset data, int k, ProgressListener progress) {
    requireOpen();
    return evaluation.logLikelihoodWithError(data, k, progress);
  }

  /**
   * Per-example annealed importance sampling estimates of log p(x) (Neal 2001, by Wu et al.'s 2017
   * protocol; see {@link AnnealedImportanceSampler}): {@code settings.chains()} chains per example
   * anneal from p(z) to p(z) p(x | z) over {@code settings.betas()}, each temperature one HMC
   * transition of {@code leapfrogSteps} leapfrog steps. {@code mean()} and {@code standardError()}
   * of the estimate's log-likelihood give the data set's figure, to set next to {@link
   * #logLikelihoodWithError}. Every latent must have real support; the data must be fixed (not
   * dynamically binarized).
   *
   * @throws IllegalArgumentException for a latent of discrete or bounded support, or a dynamically
   *     binarized column
   */
  public AnnealedImportanceSampler.Estimate annealedLogLikelihood(Dataset data, int leapfrogSteps,
      AnnealedImportanceSampler.Settings settings) {
    requireOpen();
    return VariationalAnnealing.run(this, data, leapfrogSteps, settings, threads());
  }

  /** Rows each log-likelihood run takes (samples times examples); tests shrink it to get several chunks. */
  void evaluationRowsPerRun(int rows) {
    evaluation.rowsPerRun(rows);
  }

  /**
   * The same estimates as {@link #logLikelihoodWithError(Dataset, int)}, computed one session run
   * at a time as before the runs went in parallel: the reference that tests and the benchmark
   * compare the parallel runs with. Leaves the random streams where the parallel runs would.
   */
  public LogMarginalLikelihood referenceLogLikelihoodWithError(Dataset data, int k) {
    requireOpen();
    return evaluation.referenceLogLikelihoodWithError(data, k, ProgressListener.silent());
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
    return outputs.generate(n);
  }

  /**
   * Draws one example by ancestral sampling per row of {@code given}, which holds a column per
   * given node (for a conditional VAE: the class to draw), as {@link #generate(int)} does. For
   * a model with an enumerated latent, a column named like it (one-hot rows) sets its value in
   * place of a draw from p: the class of a semi-supervised model to generate.
   */
  public Map<String, float[][]> generate(Dataset given) {
    requireOpen();
    return outputs.generate(given);
  }

  /**
   * Draws one example by ancestral sampling per entry of {@code classes}, with the enumerated
   * latent set to that class (from 0) instead of drawn from p, as {@link #generate(Dataset)}.
   *
   * @throws IllegalStateException when the model has no enumerated latent
   * @throws IllegalArgumentException for a class outside 0..classes-1 (naming its position)
   */
  public Map<String, float[][]> generateClasses(int... classes) {
    requireOpen();
    return outputs.generateClasses(classes);
  }

  /** For each example: latents set to their posterior means, then the mean of each observed node's p. */
  public Map<String, float[][]> reconstructAll(Dataset data) {
    requireOpen();
    return outputs.reconstructAll(data);
  }

  /** For each example, the mean of q for each latent, in inference order. */
  public Map<String, float[][]> encodeAll(Dataset data) {
    requireOpen();
    return outputs.encodeAll(data);
  }

  /**
   * Composes this model with another: {@code data} encoded to the mean of q({@code latent} | ...)
   * for each example, as the column {@code as} of a new data set, which another model observing a
   * node {@code as} trains and is evaluated on (Kingma et al.'s M1+M2: a trained VAE's posterior
   * means as the observed node of a semi-supervised VAE). The columns of {@code data} that this
   * model does not observe (labels, say) come along row for row; those it observes (the images)
   * do not. The features are the {@link #encodeAll} values, unchanged.
   *
   * @throws IllegalArgumentException if {@code latent} is not a latent of this model, or {@code
   *     as} names a column that comes along
   */
  public Dataset encodeMeans(Dataset data, String latent, String as) {
    requireOpen();
    if (spec.latents().stream().noneMatch(node -> node.name().equals(latent))) {
      throw new IllegalArgumentException("'" + latent + "' is not a latent of " + spec.modelName() + "; its latents are "
          + spec.latents().stream().map(ModelSpec.Node::name).toList());
    }
    float[][] means = encodeAll(data).get(latent);
    Dataset encoded = Dataset.of(as, means);
    for (String column : data.columns()) {
      if (spec.observed().stream().anyMatch(node -> node.name().equals(column))) {
        continue;
      }
      if (column.equals(as)) {
        throw new IllegalArgumentException("the data already has a column '" + as + "' that would come along with"
            + " the encoded '" + latent + "'; name the features otherwise");
      }
      encoded = encoded.with(column, data.flat(column), data.eventShape(column));
    }
    return encoded;
  }

  /**
   * q(y | x) of the enumerated latent y for each example, {@code [rows][classes]}: the
   * classifier the semi-supervised model learns.
   *
   * @throws IllegalStateException when the model has no enumerated latent
   */
  public float[][] classProbabilities(Dataset data) {
    requireOpen();
    return outputs.classProbabilities(data);
  }

  /**
   * The most probable class under q(y | x) of the enumerated latent y for each example (the
   * argmax of {@link #classProbabilities}), from 0.
   *
   * @throws IllegalStateException when the model has no enumerated latent
   */
  public int[] classify(Dataset data) {
    requireOpen();
    return outputs.classify(data);
  }

  /**
   * The observed columns, and the enumerated latent's labels where the data has them, checked
   * against the model before anything runs: their widths, and each modelled node's values against
   * its family's support (one pass over the column here rather than an op in every step).
   */
  String[] checkColumns(Dataset data) {
    Map<String, List<Integer>> shapes = new LinkedHashMap<>();
    spec.observed().forEach(node -> shapes.put(node.name(), node.shape()));
    spec.enumerated().filter(node -> data.has(node.name()))
        .ifPresent(node -> shapes.put(node.name(), node.shape()));
    String[] columns = DataColumns.requireShapes(spec.modelName(), data, shapes);
    outputs.observedSupports().forEach((name, observed) ->
        DataColumns.requireSupport(spec.modelName(), data, name, observed.family(), observed.support()));
    return columns;
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
  Dataset withLabelColumns(Dataset data) {
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
}
