package dev.helmholtz.energy;

import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.core.BatchRuns;
import dev.helmholtz.core.CompiledModel;
import dev.helmholtz.core.DataColumns;
import dev.helmholtz.data.Batch;
import dev.helmholtz.data.Batches;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.StepFeeds;
import dev.helmholtz.train.ThreadSettings;
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
import java.util.Objects;
import java.util.Properties;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The base of every generated energy-based model (a restricted Boltzmann machine and its
 * Gaussian-Bernoulli variant): {@code p(v, h) = exp(-E(v, h)) / Z} over observed nodes v and
 * Bernoulli latent nodes h, with E written by the user ({@code @Energy}) and described by generated
 * code in {@link #defineEnergy}. Everything else follows from the energy: the block-Gibbs
 * conditionals and the free energy from its gradient with respect to each node ({@link
 * BlockGibbs}), training by contrastive divergence ({@link #fit}), samples by Gibbs chains, and
 * the log partition function, by annealed importance sampling ({@link #annealedLogPartition}) or,
 * for tiny models, by enumeration ({@link #exactLogPartition}).
 *
 * <p>Not safe for concurrent {@code fit} calls; close it to free native memory.
 */
public abstract class EnergyModel extends CompiledModel {
  private final EnergySpec spec;
  private final Map<String, Placeholder<TFloat32>> data = new LinkedHashMap<>();
  private Placeholder<TFloat32> learningRate;
  private ContrastiveDivergence training;
  private Operand<TFloat32> freeEnergy;
  private Map<String, Operand<TFloat32>> latentMeans;
  private Map<String, Operand<TFloat32>> sweep;
  private Map<String, Operand<TFloat32>> sweepMeans;
  private AnnealedImportanceSampling.Ops ais;
  private final Map<String, Placeholder<TFloat32>> latentData = new LinkedHashMap<>();
  private final Map<String, Placeholder<TFloat32>> everyNode = new LinkedHashMap<>();
  private Map<String, Operand<TFloat32>> observedMeansGivenLatents;
  private Operand<TFloat32> observedLogConditional;
  private ParameterAssigns parameterAssigns;
  private Map<String, Operand<TFloat32>> latentLogits;
  private Map<String, Operand<TFloat32>> observedLogitsGivenLatents;

  /** The model of {@code spec}; generated constructors call {@link #build()} next. */
  protected EnergyModel(EnergySpec spec, Seed seed, ThreadSettings threads) {
    super(Objects.requireNonNull(spec, "spec").modelName(), seed, threads);
    this.spec = spec;
  }

  /** The energy of each configuration of the pass's nodes, {@code [n]} or {@code [n, 1]}. Generated. */
  protected abstract Operand<TFloat32> defineEnergy(EnergyPass pass);

  /** What generated code declared: the nodes and the training settings. */
  /**
   * Checks this model on the first {@code options.examples()} rows of {@code data}, or, when it
   * is null, on random configurations of the declared units: the gradient of the mean energy at the data and fixed latent configurations against central finite differences, and the energy's output shape. The checks run in a graph of their own with this model's
   * variables copied in; the model, its random streams and its training state are unchanged.
   * Generated models override this to say what they check.
   *
   * @return the report; {@link SelfCheckReport#assertPassed()} throws on a failure
   */
  public SelfCheckReport selfCheck(Dataset data, SelfCheckOptions options) {
    requireOpen();
    return EnergySelfCheck.run(this, data, options);
  }

  /** {@link #selfCheck(Dataset, SelfCheckOptions)} with the default sizes. In a test: {@code model.selfCheck(data).assertPassed()}. */
  public SelfCheckReport selfCheck(Dataset data) {
    return selfCheck(java.util.Objects.requireNonNull(data, "data"), SelfCheckOptions.defaults());
  }

  /** {@link #selfCheck(Dataset, SelfCheckOptions)} on synthetic data, with the default sizes. */
  public SelfCheckReport selfCheck() {
    return selfCheck(null, SelfCheckOptions.defaults());
  }

  public EnergySpec spec() {
    return spec;
  }

  @Override
  protected final List<Op> defineGraph(Ops tf, RandomSource random) {
    for (EnergySpec.Node v : spec.observed()) {
      data.put(v.name(), tf.withName("data_" + data.size()).placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, v.width()))));
    }
    learningRate = tf.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    EnergyFunction energy = energyFunction(tf);
    BlockGibbs gibbs = new BlockGibbs(tf, random, spec);
    Map<String, Operand<TFloat32>> observed = new LinkedHashMap<>(data);
    // The first evaluation creates the variables.
    freeEnergy = gibbs.freeEnergy(energy, observed);
    if (variables().trainableVariables().isEmpty()) {
      throw new IllegalStateException("the energy of " + spec.modelName() + " has no variables to train");
    }
    Operand<TFloat32> momentum = variables().hyperparameter(ContrastiveDivergence.MOMENTUM,
        ContrastiveDivergence.DEFAULT_MOMENTUM);
    Operand<TFloat32> weightDecay = variables().hyperparameter(ContrastiveDivergence.WEIGHT_DECAY,
        ContrastiveDivergence.DEFAULT_WEIGHT_DECAY);
    training = new ContrastiveDivergence(tf, random, spec, gibbs, energy, data, learningRate, momentum, weightDecay,
        variables().trainableVariables());
    latentMeans = gibbs.latentMeans(energy, observed);
    Map<String, Operand<TFloat32>> zeroLatents = gibbs.withZeroLatents(observed);
    latentLogits = new LinkedHashMap<>();
    spec.latents().forEach(h -> latentLogits.put(h.name(), gibbs.logits(energy, zeroLatents, h.name())));
    sweep = gibbs.sweep(energy, observed);
    sweepMeans = new LinkedHashMap<>();
    Map<String, Operand<TFloat32>> latents = new LinkedHashMap<>(observed);
    spec.latents().forEach(h -> latents.put(h.name(), sweep.get(h.name())));
    for (EnergySpec.Node v : spec.observed()) {
      sweepMeans.put(v.name(), gibbs.mean(energy, latents, v.name()));
    }
    ais = AnnealedImportanceSampling.build(tf.withSubScope("ais"), spec, gibbs, energy);
    defineDirectedConditionals(tf, gibbs, energy);
    return new ArrayList<>(training.initializers);
  }

  /**
   * p(v | h) for the layers of a deep belief net: each observed node's conditional mean given fed
   * latents (the other observed nodes at zero), and log p(v | h) of fed observed and latent values.
   */
  private void defineDirectedConditionals(Ops tf, BlockGibbs gibbs, EnergyFunction energy) {
    for (EnergySpec.Node h : spec.latents()) {
      latentData.put(h.name(), tf.withName("latent_data_" + latentData.size()).placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, h.width()))));
    }
    everyNode.putAll(data);
    everyNode.putAll(latentData);
    Operand<TFloat32> first = latentData.values().iterator().next();
    Operand<org.tensorflow.types.TInt64> rows = tf.slice(tf.shape(first, org.tensorflow.types.TInt64.class),
        tf.constant(new long[] {0}), tf.constant(new long[] {1}));
    Map<String, Operand<TFloat32>> givenLatents = new LinkedHashMap<>(latentData);
    for (EnergySpec.Node v : spec.observed()) {
      givenLatents.put(v.name(), tf.reshape(tf.zeros(tf.concat(List.of(rows, tf.constant(new long[] {v.width()})),
          tf.constant(0)), TFloat32.class), tf.constant(new long[] {-1, v.width()})));
    }
    observedMeansGivenLatents = new LinkedHashMap<>();
    observedLogitsGivenLatents = new LinkedHashMap<>();
    for (EnergySpec.Node v : spec.observed()) {
      observedMeansGivenLatents.put(v.name(), gibbs.mean(energy, givenLatents, v.name()));
      if (v.units() == Units.BERNOULLI) {
        observedLogitsGivenLatents.put(v.name(), gibbs.logits(energy, givenLatents, v.name()));
      }
    }
    Map<String, Operand<TFloat32>> values = new LinkedHashMap<>(everyNode);
    Operand<TFloat32> logProb = null;
    for (EnergySpec.Node v : spec.observed()) {
      Operand<TFloat32> x = data.get(v.name());
      Operand<TFloat32> perUnit;
      if (v.units() == Units.BERNOULLI) {
        Operand<TFloat32> logits = gibbs.logits(energy, values, v.name());
        perUnit = tf.math.sub(tf.math.mul(x, logits), tf.math.softplus(logits));
      } else {
        BlockGibbs.Gaussian g = gibbs.gaussian(energy, values, v.name());
        Operand<TFloat32> d = tf.math.sub(x, g.mean());
        perUnit = tf.math.mul(tf.constant(0.5f), tf.math.sub(tf.math.log(tf.math.div(g.precision(),
            tf.constant((float) (2 * Math.PI)))), tf.math.mul(g.precision(), tf.math.square(d))));
      }
      Operand<TFloat32> summed = tf.reduceSum(perUnit, tf.constant(1));
      logProb = logProb == null ? summed : tf.math.add(logProb, summed);
    }
    observedLogConditional = logProb;
  }

  private EnergyFunction energyFunction(Ops tf) {
    return values -> {
      Operand<TFloat32> e = defineEnergy(new EnergyPass(tf, spec, variables(), values));
      Shape shape = e.shape();
      boolean column = shape.numDimensions() == 2 && shape.get(1) == 1;
      if (!column && shape.numDimensions() != 1) {
        throw new IllegalArgumentException("the energy of " + spec.modelName() + " has shape " + shape
            + "; return one energy per configuration, [n] or [n, 1]");
      }
      return column ? tf.reshape(e, tf.constant(new long[] {-1})) : e;
    };
  }

  /**
   * Trains by contrastive divergence as the spec says (CD-k, or persistent CD), with SGD at {@link
   * Training#learningRate()} and momentum, on {@code data} (a column per observed node). The
   * momentum and the weight decay are the hyperparameters {@code momentum} (default 0.5) and
   * {@code weight_decay} (default 0), which {@link Training#schedule} can change during the run
   * (Hinton's recipe: 0.5, then 0.9 after a few epochs; 2e-4). The objective the loop reports is
   * minus the squared error of the mean-field reconstruction per example: a monitor, not the
   * likelihood (see {@link #annealedLogPartition}). Checkpoints hold the weights, the momentum,
   * the random streams and the persistent chains, so a resumed run repeats the uninterrupted one
   * exactly. Gradient clipping, early stopping on anything but that monitor and the resident data
   * path are not offered.
   *
   * @throws TrainingDivergedException when the reconstruction error stops being finite
   * @throws IllegalArgumentException for an option this model cannot train with
   */
  public TrainingSummary fit(Dataset data, Training training) {
    requireOpen();
    return TrainingLoop.run(new EnergyTraining(this, checkColumns(data)), data, training);
  }

  // For EnergyTraining.
  /** One update on {@code batch}; the batch's mean negative reconstruction error before it. */
  double update(Batch batch, String[] columns, StepFeeds feeds) {
    double objective = BatchRuns.run(session(), batch, columns, data, runner -> {
      runner.feed(learningRate, feeds.learningRate());
      feeds.feedHyperparameters(runner);
      return runner.addTarget(training.step).fetch(training.reconstruction);
    }, result -> mean(BatchRuns.values((TFloat32) result.get(0))));
    stepTaken();
    return objective;
  }

  void restoreForResume(Path checkpoint, Properties properties) throws IOException {
    restoreState(checkpoint, properties);
  }

  /**
   * Sets trainable variables to the given values (flattened row-major, by name as {@link
   * #parameterNames()} lists them): how a deep Boltzmann machine takes its pretrained weights and a
   * deep belief net its fine-tuned ones. Variables not named keep their values; the momentum and
   * the persistent chains are untouched.
   *
   * @throws IllegalArgumentException for an unknown name or a value of the wrong size; nothing is set then
   */
  public void setParameters(Map<String, float[]> values) {
    requireOpen();
    if (parameterAssigns == null) {
      parameterAssigns = ParameterAssigns.build(graph(), variables().trainableVariables());
    }
    parameterAssigns.set(session(), values, spec.modelName());
  }

  /** Minus the mean squared reconstruction error over {@code data}, as training reports it. */
  public double reconstruction(Dataset data) {
    requireOpen();
    float[] values = evaluate(data, training.reconstruction);
    return mean(values);
  }

  /**
   * The contrastive-divergence estimate of the gradient of the mean log-likelihood of {@code data}
   * (one batch) with respect to each trainable variable, by name, flattened row-major: what an
   * update follows, without weight decay and momentum. It draws the negative phase as an update
   * would (persistent chains are read, not advanced), so it moves the random streams.
   */
  public Map<String, float[]> contrastiveGradient(Dataset data) {
    requireOpen();
    String[] columns = checkColumns(data);
    Batch batch = data.batches(data.size(), false, 0, columns).next();
    List<String> names = parameterNames();
    return BatchRuns.run(session(), batch, columns, this.data, runner -> {
      training.logLikelihoodGradients.forEach(runner::fetch);
      return runner;
    }, result -> {
      Map<String, float[]> out = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        out.put(names.get(i), BatchRuns.values((TFloat32) result.get(i)));
      }
      return out;
    });
  }

  /**
   * The persistent chains' current state, by observed node, {@code [chains][width]}: what the next
   * update's negative phase starts from. Empty for CD-k, whose chains start at the data.
   */
  public Map<String, float[][]> persistentChains() {
    requireOpen();
    Map<String, float[][]> out = new LinkedHashMap<>();
    if (training.chains.isEmpty()) {
      return out;
    }
    Session.Runner runner = session().runner();
    List<String> names = new ArrayList<>(training.chains.keySet());
    names.forEach(name -> runner.fetch(training.chains.get(name)));
    try (Result result = runner.run()) {
      for (int i = 0; i < names.size(); i++) {
        TFloat32 t = (TFloat32) result.get(i);
        out.put(names.get(i), BatchRuns.rows(t, (int) t.shape().get(0), (int) t.shape().get(1)));
      }
    }
    return out;
  }

  /** The free energy {@code -log sum_h exp(-E(v, h))} of each example of {@code data}. */
  public float[] freeEnergy(Dataset data) {
    requireOpen();
    return evaluate(data, freeEnergy);
  }

  /** Each latent node's conditional mean given each example of {@code data}: the features, by name. */
  public Map<String, float[][]> latentMeans(Dataset data) {
    requireOpen();
    return fetchRows(data, latentMeans);
  }

  /**
   * Runs one Gibbs chain from each example of {@code start} (a column per observed node) for
   * {@code sweeps} sweeps (latents given observed, then observed given latents) and returns the
   * final state: each node's sample by name, and each observed node's conditional mean given the
   * last latents as {@code <name>/mean} (the usual picture of an RBM's samples).
   */
  public Map<String, float[][]> gibbsChains(Dataset start, int sweeps) {
    requireOpen();
    if (sweeps < 1) {
      throw new IllegalArgumentException("sweeps must be at least 1, was " + sweeps);
    }
    checkColumns(start);
    Dataset state = start;
    Map<String, Operand<TFloat32>> fetches = new LinkedHashMap<>(sweep);
    sweepMeans.forEach((name, mean) -> fetches.put(name + "/mean", mean));
    Map<String, float[][]> out = null;
    for (int i = 0; i < sweeps; i++) {
      out = fetchRows(state, fetches);
      Dataset next = null;
      for (EnergySpec.Node v : spec.observed()) {
        next = next == null ? Dataset.of(v.name(), out.get(v.name())) : next.with(v.name(), out.get(v.name()));
      }
      state = next;
    }
    return out;
  }

  /**
   * Each observed node's conditional mean given the latent values of {@code latents} (a column per
   * latent node, by name): p(v = 1 | h) for binary units. This is the directed, top-down
   * conditional of a deep belief net's lower layers; exact when the observed nodes do not interact
   * with each other (one observed node, as in an RBM).
   */
  public Map<String, float[][]> observedMeans(Dataset latents) {
    requireOpen();
    return fetchRows(latents, latentColumns(latents), observedMeansGivenLatents);
  }

  /** Each latent node's conditional logits given each example of {@code data}, by name: a deep belief net's recognition weights are read off them. */
  Map<String, float[][]> latentLogits(Dataset data) {
    requireOpen();
    return fetchRows(data, latentLogits);
  }

  /** Each Bernoulli observed node's conditional logits given the latent values of {@code latents}, by name. */
  Map<String, float[][]> observedLogits(Dataset latents) {
    requireOpen();
    return fetchRows(latents, latentColumns(latents), observedLogitsGivenLatents);
  }

  /**
   * {@code log p(v | h)} of each row of {@code values} (a column per node, observed and latent):
   * the log-probability of the observed values under their conditional given the latents; exact
   * when the observed nodes do not interact with each other. The term a deep belief net's
   * variational bound takes from each lower layer.
   */
  public float[] observedLogConditional(Dataset values) {
    requireOpen();
    Map<String, Integer> widths = new LinkedHashMap<>();
    spec.nodes().forEach(n -> widths.put(n.name(), n.width()));
    String[] columns = DataColumns.require(spec.modelName(), values, widths);
    return evaluate(values, columns, everyNode, observedLogConditional);
  }

  /**
   * {@code log Z} summed exactly over every configuration of the observed nodes (the latents
   * summed out by the free energy): for tiny models, as the check of {@link
   * #annealedLogPartition}. Needs Bernoulli observed nodes of at most 24 units in all.
   */
  public double exactLogPartition() {
    requireOpen();
    int width = 0;
    for (EnergySpec.Node v : spec.observed()) {
      if (v.units() != Units.BERNOULLI) {
        throw new IllegalStateException("exact log Z enumerates Bernoulli observed nodes; '" + v.name()
            + "' has " + v.units() + " units");
      }
      width += v.width();
    }
    if (width > 24) {
      throw new IllegalStateException("exact log Z enumerates 2^" + width + " configurations; it is for models"
          + " of at most 24 observed units");
    }
    int count = 1 << width;
    double max = Double.NEGATIVE_INFINITY;
    double[] minusFree = new double[count];
    for (int from = 0; from < count; from += 4096) {
      int size = Math.min(4096, count - from);
      Dataset configurations = null;
      int offset = 0;
      for (EnergySpec.Node v : spec.observed()) {
        float[][] rows = new float[size][v.width()];
        for (int r = 0; r < size; r++) {
          for (int j = 0; j < v.width(); j++) {
            rows[r][j] = ((from + r) >> (offset + j) & 1);
          }
        }
        offset += v.width();
        configurations = configurations == null ? Dataset.of(v.name(), rows) : configurations.with(v.name(), rows);
      }
      float[] free = freeEnergy(configurations);
      for (int r = 0; r < size; r++) {
        minusFree[from + r] = -free[r];
        max = Math.max(max, -free[r]);
      }
    }
    double sum = 0;
    for (double f : minusFree) {
      sum += Math.exp(f - max);
    }
    return max + Math.log(sum);
  }

  /**
   * Estimates {@code log Z} by annealed importance sampling (Neal 2001) as Salakhutdinov and Murray
   * (2008) do for RBMs: {@code runs} independent runs from a base model of no interactions, its
   * observed units' biases fitted to {@code base} (the training data's marginals), through the
   * inverse temperatures {@code betas} (increasing from 0 to 1; {@link
   * AnnealedImportanceSampling#schedule}), each transition one Gibbs sweep of the tempered model.
   */
  public AnnealedImportanceSampling.Estimate annealedLogPartition(Dataset base, int runs, double[] betas) {
    requireOpen();
    checkColumns(base);
    return AnnealedImportanceSampling.run(session(), spec, ais, base, runs, betas);
  }

  /**
   * The mean log-likelihood of {@code data}, {@code -F(v) - log Z}, given {@code logZ} (from {@link
   * #annealedLogPartition} or {@link #exactLogPartition}).
   */
  public double logLikelihood(Dataset data, double logZ) {
    float[] free = freeEnergy(data);
    double sum = 0;
    for (float f : free) {
      sum += -f;
    }
    return sum / free.length - logZ;
  }

  @Override
  protected final String nodesDescription() {
    return String.join(",", spec.nodes().stream()
        .map(n -> n.name() + ":" + (n.observed() ? "observed" : "latent") + ":"
            + n.units().name().toLowerCase(java.util.Locale.ROOT) + ":" + n.width())
        .toList()) + ";chains=" + spec.persistentChains();
  }

  private float[] evaluate(Dataset dataset, Operand<TFloat32> fetch) {
    return evaluate(dataset, checkColumns(dataset), data, fetch);
  }

  private float[] evaluate(Dataset dataset, String[] columns, Map<String, Placeholder<TFloat32>> inputs,
      Operand<TFloat32> fetch) {
    float[] out = new float[dataset.size()];
    int offset = 0;
    Batches batches = dataset.batches(BatchRuns.EVALUATION_BATCH, false, 0, columns);
    while (batches.hasNext()) {
      Batch batch = batches.next();
      float[] values = BatchRuns.run(session(), batch, columns, inputs, runner -> runner.fetch(fetch),
          result -> BatchRuns.values((TFloat32) result.get(0)));
      System.arraycopy(values, 0, out, offset, batch.size());
      offset += batch.size();
    }
    return out;
  }

  private Map<String, float[][]> fetchRows(Dataset dataset, Map<String, Operand<TFloat32>> fetches) {
    return fetchRows(dataset, checkColumns(dataset), fetches);
  }

  private String[] latentColumns(Dataset latents) {
    Map<String, Integer> widths = new LinkedHashMap<>();
    spec.latents().forEach(h -> widths.put(h.name(), h.width()));
    return DataColumns.require(spec.modelName(), latents, widths);
  }

  private Map<String, float[][]> fetchRows(Dataset dataset, String[] columns, Map<String, Operand<TFloat32>> fetches) {
    Map<String, Placeholder<TFloat32>> inputs = new LinkedHashMap<>(data);
    inputs.putAll(latentData);
    Map<String, float[][]> out = new LinkedHashMap<>();
    fetches.keySet().forEach(name -> out.put(name, new float[dataset.size()][]));
    List<String> names = new ArrayList<>(fetches.keySet());
    int offset = 0;
    Batches batches = dataset.batches(BatchRuns.EVALUATION_BATCH, false, 0, columns);
    while (batches.hasNext()) {
      Batch batch = batches.next();
      int first = offset;
      BatchRuns.run(session(), batch, columns, inputs, runner -> {
        fetches.values().forEach(runner::fetch);
        return runner;
      }, (Result result) -> {
        for (int i = 0; i < names.size(); i++) {
          TFloat32 t = (TFloat32) result.get(i);
          int width = (int) t.shape().get(1);
          float[][] rows = BatchRuns.rows(t, batch.size(), width);
          System.arraycopy(rows, 0, out.get(names.get(i)), first, batch.size());
        }
        return out;
      });
      offset += batch.size();
    }
    return out;
  }

  String[] checkColumns(Dataset dataset) {
    Map<String, Integer> widths = new LinkedHashMap<>();
    spec.observed().forEach(v -> widths.put(v.name(), v.width()));
    return DataColumns.require(spec.modelName(), dataset, widths);
  }

  private static double mean(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += v;
    }
    return sum / values.length;
  }
}
