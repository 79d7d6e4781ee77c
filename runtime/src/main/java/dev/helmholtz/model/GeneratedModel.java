package dev.helmholtz.model;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Batch;
import dev.helmholtz.data.Batches;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.ImportanceSampling;
import dev.helmholtz.infer.LogMarginalLikelihood;
import dev.helmholtz.nn.VariableStore;
import dev.helmholtz.objective.EvidenceLowerBound;
import dev.helmholtz.objective.ImportanceWeightedBound;
import dev.helmholtz.objective.LogSumExp;
import dev.helmholtz.objective.NeuralVariationalInference;
import dev.helmholtz.objective.Vimco;
import dev.helmholtz.objective.WakeSleep;
import dev.helmholtz.train.Adam;
import dev.helmholtz.train.DataPath;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.time.Duration;
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
import org.tensorflow.types.TBool;
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
public abstract class GeneratedModel implements AutoCloseable {
  /** Rows ([samples x examples]) evaluated per session run when estimating log-likelihoods. */
  private static final int EVALUATION_ROWS = 16_384;
  private static final int EVALUATION_BATCH = 500;

  private final ModelSpec spec;
  private final Seed seed;
  private final ThreadSettings threads;
  private Graph graph;
  private Session session;

  private final Map<String, Operand<TFloat32>> observed = new LinkedHashMap<>();
  /** Given nodes' values for ancestral sampling, fed by {@link #generate(Dataset)}. */
  private final Map<String, Placeholder<TFloat32>> givenInputs = new LinkedHashMap<>();
  /** The resident data path: per observed node, where its data is uploaded and how a step selects rows. */
  private final Map<String, ResidentColumn> resident = new LinkedHashMap<>();
  private Placeholder<TInt32> residentIndices;
  private Dataset residentSource;
  private Placeholder<TInt32> samples;
  private Placeholder<TInt32> generateCount;
  private Placeholder<TFloat32> learningRate;
  private Operand<TFloat32> elboPerExample;
  private Operand<TFloat32> logSumExpWeights;
  private Operand<TFloat32> logSumExpSquaredWeights;
  private Operand<TFloat32> objectiveMean;
  private List<String> termNames;
  private List<Operand<TFloat32>> termMeans;
  private Op trainStep;
  private Operand<TFloat32> trainingLoss;
  private InferencePass trainingPass;
  private VariableStore variables;
  private InferencePass meanPass;
  private GenerativePass generativePass;
  private long stepsTaken;

  protected GeneratedModel(ModelSpec spec, Seed seed, ThreadSettings threads) {
    this.spec = spec;
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
      residentIndices = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE)));
      for (ModelSpec.Node node : spec.observed()) {
        ResidentColumn column = ResidentColumn.build(tf, random, residentIndices, node.name(), node.width());
        resident.put(node.name(), column);
        // Fed directly (evaluation, the fed training path), the default and its gather are pruned.
        observed.put(node.name(), tf.placeholderWithDefault(column.batch(),
            Shape.of(Shape.UNKNOWN_SIZE, node.width())));
      }
      samples = tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
      generateCount = tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
      learningRate = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));

      // Training runs with the model's fixed k, known now: at k = 1 the pass has no sample
      // axis at all. Evaluation feeds k (1 for the ELBO, chunks of k for log-likelihoods).
      InferencePass training = new InferencePass(tf, spec, variables, random,
          new LinkedHashMap<>(observed), tf.constant(spec.samples()), spec.samples(),
          differentiatesSamples(spec.objective()) ? InferencePass.Mode.SAMPLE : InferencePass.Mode.DETACHED);
      defineInference(training);
      TrainingTarget target = trainingTarget(tf, random, training);
      trainingPass = training;
      trainingLoss = target.loss();
      objectiveMean = tf.math.mean(target.perExample(), tf.constant(0));
      termNames = new ArrayList<>(training.termMeans().keySet());
      termMeans = new ArrayList<>(training.termMeans().values());
      termNames.addAll(target.terms().keySet());
      termMeans.addAll(target.terms().values());

      // Evaluation draws every latent without a gradient: discrete and relaxed latents are
      // scored as the discrete variables they are.
      InferencePass evaluation = new InferencePass(tf, spec, variables, random,
          new LinkedHashMap<>(observed), samples, 0, InferencePass.Mode.DETACHED);
      defineInference(evaluation);
      elboPerExample = EvidenceLowerBound.perExample(tf, evaluation.elboTerms());
      logSumExpWeights = LogSumExp.reduce(tf, evaluation.logWeights(), 0);
      logSumExpSquaredWeights = LogSumExp.reduce(tf, tf.math.mul(tf.constant(2f), evaluation.logWeights()), 0);
      Adam adam = Adam.create(tf, "adam", target.loss(), variables.trainableVariables(), learningRate);
      List<Op> afterStep = target.afterStep().apply(tf.withControlDependencies(List.of(adam.step())));
      trainStep = afterStep.isEmpty() ? adam.step() : tf.withControlDependencies(afterStep).noOp();

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
   * What training maximizes: a per-example objective to report (a bound on log p(x), or the
   * wake-sleep terms), the loss whose gradient is the objective's estimator, ops to run after
   * each update, and named extra terms for progress and divergence messages.
   */
  private record TrainingTarget(Operand<TFloat32> perExample, Operand<TFloat32> loss,
      java.util.function.Function<Ops, List<Op>> afterStep, List<Op> initializers,
      Map<String, Operand<TFloat32>> terms) {

    static TrainingTarget of(Ops tf, Operand<TFloat32> perExample, Operand<TFloat32> surrogate) {
      return new TrainingTarget(perExample, tf.math.neg(tf.math.mean(surrogate, tf.constant(0))),
          after -> List.of(), List.of(), Map.of());
    }
  }

  /** Whether the objective's gradient passes through samples of q (pathwise where it can). */
  private static boolean differentiatesSamples(ObjectiveKind kind) {
    return kind != ObjectiveKind.WAKE_SLEEP && kind != ObjectiveKind.REWEIGHTED_WAKE_SLEEP;
  }

  private TrainingTarget trainingTarget(Ops tf, RandomSource random, InferencePass training) {
    return switch (spec.objective()) {
      case ELBO -> {
        Operand<TFloat32> elbo = EvidenceLowerBound.perExample(tf, training.elboTerms());
        yield TrainingTarget.of(tf, elbo, elbo);
      }
      case IWAE -> {
        Operand<TFloat32> bound = ImportanceWeightedBound.perExample(tf, training.logWeights(), training.k());
        yield TrainingTarget.of(tf, bound, bound);
      }
      case VIMCO -> {
        Operand<TFloat32> surrogate = Vimco.surrogate(tf, training.logWeights(), training.scoreFunctionLogQ());
        yield TrainingTarget.of(tf, surrogate, surrogate); // its value is the bound
      }
      case NVIL -> {
        Operand<TInt32> sampleAxis = tf.constant(0);
        NeuralVariationalInference nvil = NeuralVariationalInference.build(tf,
            new dev.helmholtz.nn.Nn(variables, "nvil_baseline"),
            tf.squeeze(training.logWeights(), org.tensorflow.op.core.Squeeze.axis(List.of(0L))),
            tf.squeeze(training.scoreFunctionLogQ(), org.tensorflow.op.core.Squeeze.axis(List.of(0L))),
            baselineInput(tf), NeuralVariationalInference.DEFAULT_DECAY);
        Operand<TFloat32> loss = tf.math.add(
            tf.math.neg(tf.math.mean(nvil.surrogate(), sampleAxis)), nvil.baselineLoss());
        Map<String, Operand<TFloat32>> terms = new LinkedHashMap<>();
        terms.put("nvil/baseline_loss", nvil.baselineLoss());
        terms.put("nvil/signal_scale", nvil.signalScale());
        yield new TrainingTarget(nvil.surrogate(), loss, nvil::updates, nvil.initializers(), terms);
      }
      case WAKE_SLEEP, REWEIGHTED_WAKE_SLEEP -> {
        InferencePass sleep = sleepPass(tf, random, training);
        boolean reweighted = spec.objective() == ObjectiveKind.REWEIGHTED_WAKE_SLEEP;
        Operand<TFloat32> wake = reweighted
            ? WakeSleep.reweightedWake(tf, training.logJoint(), training.logPosterior(), training.logWeights())
            : WakeSleep.wake(tf, training.logJoint());
        Operand<TFloat32> dreams = WakeSleep.sleep(tf, sleep.logPosterior());
        Operand<TInt32> batchAxis = tf.constant(0);
        Operand<TFloat32> loss = tf.math.neg(tf.math.add(tf.math.mean(wake, batchAxis), tf.math.mean(dreams, batchAxis)));
        // Reported: the bound the wake samples give (the ELBO, or the k-sample bound).
        Operand<TFloat32> bound = reweighted
            ? ImportanceWeightedBound.perExample(tf, training.logWeights(), training.k())
            : EvidenceLowerBound.perExample(tf, training.elboTerms());
        Map<String, Operand<TFloat32>> terms = new LinkedHashMap<>();
        terms.put("wake/objective", tf.math.mean(wake, batchAxis));
        terms.put("sleep/log_q", tf.math.mean(dreams, batchAxis));
        yield new TrainingTarget(bound, loss, after -> List.of(), List.of(), terms);
      }
    };
  }

  /**
   * The sleep phase's pass: (latents, observed nodes) dreamed from p by ancestral sampling, one
   * dream per training example, then every latent scored under its encoder.
   */
  private InferencePass sleepPass(Ops tf, RandomSource random, InferencePass training) {
    // Dreams are conditioned on the training batch's given nodes.
    Map<String, Operand<TFloat32>> given = new LinkedHashMap<>();
    spec.given().forEach(node -> given.put(node.name(), observed.get(node.name())));
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

  /** What NVIL's baseline network sees: the observed nodes side by side, [B, sum of widths]. */
  private Operand<TFloat32> baselineInput(Ops tf) {
    List<Operand<TFloat32>> columns = new ArrayList<>(observed.values());
    return columns.size() == 1 ? columns.get(0) : tf.concat(columns, tf.constant(-1));
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

  Operand<TFloat32> observedInput(String name) {
    return observed.get(name);
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

  Placeholder<TInt32> residentIndicesInput() {
    return residentIndices;
  }

  ResidentColumn residentColumn(String name) {
    return resident.get(name);
  }

  /** Training steps taken so far by {@link #fit}. */
  public long stepsTaken() {
    return stepsTaken;
  }

  /**
   * Trains on {@code data} (one column per observed node) by maximizing the model's objective
   * with Adam over shuffled minibatches, reporting to the configuration's progress listener.
   *
   * @throws TrainingDivergedException when the objective or one of its terms is not finite;
   *     the message names the step and the term
   */
  public TrainingSummary fit(Dataset data, Training training) {
    requireOpen();
    String[] columns = checkColumns(data);
    ProgressListener progress = training.progress();
    long bytes = 0;
    for (String column : columns) {
      bytes += 4L * data.size() * data.width(column);
    }
    DataPath path = training.dataPath().resolve(bytes);
    if (path == DataPath.RESIDENT) {
      upload(data, columns);
    }
    long shuffleSeed = seed.derive("batches").value() ^ training.seed();
    long examples = 0;
    long steps = 0;
    double lastEpochObjective = Double.NaN;
    long started = System.nanoTime();
    List<TBool> binarize = new ArrayList<>();
    try (TFloat32 rate = TFloat32.scalarOf((float) training.learningRate())) {
      for (String column : columns) {
        binarize.add(TBool.scalarOf(path == DataPath.RESIDENT && data.isDynamicallyBinarized(column)));
      }
      epochs:
      for (int epoch = 1; epoch <= training.epochs(); epoch++) {
        EpochBatches batches = path == DataPath.RESIDENT
            ? EpochBatches.resident(data.indexBatches(training.batchSize(), true, shuffleSeed + epoch))
            : EpochBatches.fed(data.batches(training.batchSize(), true, shuffleSeed + epoch, columns));
        progress.epochStarted(epoch, training.epochs(), batches.count());
        long epochStart = System.nanoTime();
        long lastReport = epochStart;
        double sum = 0;
        long count = 0;
        int index = 0;
        while (batches.hasNext()) {
          index++;
          int size = batches.advance();
          double value = trainStep(batches, columns, rate, binarize);
          steps++;
          stepsTaken++;
          sum += value * size;
          count += size;
          examples += size;
          long now = System.nanoTime();
          if (now - lastReport >= training.logEvery().toNanos()) {
            progress.progress(epoch, index, batches.count(), sum / count,
                count / ((now - epochStart) / 1e9));
            lastReport = now;
          }
          if (training.maxSteps() > 0 && steps >= training.maxSteps()) {
            lastEpochObjective = sum / count;
            progress.epochFinished(epoch, lastEpochObjective, count / ((now - epochStart) / 1e9),
                Duration.ofNanos(now - epochStart));
            break epochs;
          }
        }
        long now = System.nanoTime();
        lastEpochObjective = count == 0 ? Double.NaN : sum / count;
        progress.epochFinished(epoch, lastEpochObjective, count / ((now - epochStart) / 1e9),
            Duration.ofNanos(now - epochStart));
      }
    } finally {
      binarize.forEach(Tensor::close);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    TrainingSummary summary = new TrainingSummary(training.epochs(), steps, examples,
        lastEpochObjective, took, examples / Math.max(1e-9, took.toNanos() / 1e9), path);
    progress.finished(summary);
    return summary;
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

  /** One update on the current batch; returns its mean objective. */
  private double trainStep(EpochBatches batches, String[] columns, TFloat32 rate, List<TBool> binarize) {
    Session.Runner runner = session.runner().feed(learningRate, rate);
    List<Tensor> fed = new ArrayList<>();
    try {
      if (batches.isResident()) {
        TInt32 rows = TInt32.tensorOf(Shape.of(batches.size()),
            DataBuffers.of(batches.indices(), true, false).narrow(batches.size()));
        fed.add(rows);
        runner.feed(residentIndices, rows);
        for (int i = 0; i < columns.length; i++) {
          runner.feed(resident.get(columns[i]).binarize(), binarize.get(i));
        }
      } else {
        List<TFloat32> tensors = feedTensors(batches.batch(), columns);
        fed.addAll(tensors);
        for (int i = 0; i < columns.length; i++) {
          runner.feed(observed.get(columns[i]), tensors.get(i));
        }
      }
      runner.addTarget(trainStep).fetch(objectiveMean);
      termMeans.forEach(runner::fetch);
      try (Result result = runner.run()) {
        double value = ((TFloat32) result.get(0)).getFloat();
        if (!Double.isFinite(value)) {
          StringBuilder terms = new StringBuilder();
          for (int i = 0; i < termNames.size(); i++) {
            float term = ((TFloat32) result.get(i + 1)).getFloat();
            terms.append(i == 0 ? "" : ", ").append(termNames.get(i)).append(" = ").append(term);
          }
          throw new TrainingDivergedException("training of " + spec.modelName() + " diverged at step "
              + (stepsTaken + 1) + ": the " + spec.objective() + " objective is " + value
              + " (" + terms + "); lower the learning rate or check the data for NaN or extreme values",
              stepsTaken + 1);
        }
        return value;
      }
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  /** The mean single-sample ELBO per example (with analytic KLs where the model has them). */
  public double elbo(Dataset data) {
    requireOpen();
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
   * Per-example importance-sampled estimates of log p(x) with {@code k} samples from q, as in
   * {@link #logLikelihood}, with their delta-method standard errors and effective sample sizes;
   * {@code mean()} and {@code standardError()} of the result give the data set's figure (see
   * {@link ImportanceSampling}).
   */
  public LogMarginalLikelihood logLikelihoodWithError(Dataset data, int k) {
    requireOpen();
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, was " + k);
    }
    long started = System.nanoTime();
    String[] columns = checkColumns(data);
    int chunk = Math.min(k, EVALUATION_ROWS);
    int examplesPerRun = Math.max(1, Math.min(EVALUATION_BATCH, EVALUATION_ROWS / chunk));
    double[] sums = new double[data.size()];
    double[] squares = new double[data.size()];
    int offset = 0;
    Batches batches = data.batches(examplesPerRun, false, seed.derive("evaluation").value(), columns);
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
    return generate(n, List.of());
  }

  /**
   * Draws one example by ancestral sampling per row of {@code given}, which holds a column per
   * given node (for a conditional VAE: the class to draw), as {@link #generate(int)} does.
   */
  public Map<String, float[][]> generate(Dataset given) {
    requireOpen();
    List<TFloat32> fed = new ArrayList<>();
    try {
      for (ModelSpec.Node node : spec.given()) {
        if (!given.has(node.name()) || given.width(node.name()) != node.width()) {
          throw new IllegalArgumentException("generate needs a column '" + node.name() + "' of width "
              + node.width() + " for given node '" + node.name() + "' of " + spec.modelName() + "; the data has "
              + given.columns());
        }
        fed.add(TFloat32.tensorOf(Shape.of(given.size(), node.width()),
            DataBuffers.of(given.flat(node.name()), true, false)));
      }
      return generate(given.size(), fed);
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  private Map<String, float[][]> generate(int n, List<TFloat32> givenValues) {
    List<String> names = new ArrayList<>();
    List<Operand<TFloat32>> fetches = new ArrayList<>();
    for (ModelSpec.Node node : spec.nodes()) {
      names.add(node.name());
      fetches.add(node.latent() ? generativePass.samples().get(node.name()) : generativePass.means().get(node.name()));
    }
    Map<String, float[][]> out = new LinkedHashMap<>();
    try (TInt32 count = TInt32.scalarOf(n)) {
      Session.Runner runner = session.runner().feed(generateCount, count);
      int g = 0;
      for (Placeholder<TFloat32> input : givenInputs.values()) {
        runner.feed(input, givenValues.get(g++));
      }
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

  private Map<String, float[][]> meanPass(Dataset data, Map<String, Operand<TFloat32>> outputs) {
    requireOpen();
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

  /** The observed columns, checked against the model before anything runs. */
  private String[] checkColumns(Dataset data) {
    List<String> columns = new ArrayList<>();
    for (ModelSpec.Node node : spec.observed()) {
      if (!data.has(node.name())) {
        throw new IllegalArgumentException("the data has no column '" + node.name() + "' for observed node '"
            + node.name() + "' of " + spec.modelName() + "; its columns are " + data.columns());
      }
      if (data.width(node.name()) != node.width()) {
        throw new IllegalArgumentException("column '" + node.name() + "' has "
            + java.util.Arrays.toString(data.eventShape(node.name())) + " values per example, but node '"
            + node.name() + "' of " + spec.modelName() + " declares " + node.width());
      }
      columns.add(node.name());
    }
    if (data.size() == 0) {
      throw new IllegalArgumentException("the data set is empty");
    }
    return columns.toArray(String[]::new);
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
