package dev.helmholtz.bayesian;

import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckReport;

import dev.helmholtz.core.DataColumns;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Distribution;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.HamiltonianMonteCarlo;
import dev.helmholtz.infer.LogDensity;
import dev.helmholtz.infer.MeanFieldVariationalInference;
import dev.helmholtz.infer.MinibatchLogDensity;
import dev.helmholtz.infer.StochasticGradientMcmc;
import dev.helmholtz.infer.NoUTurnSampler;
import dev.helmholtz.infer.ParameterLayout;
import dev.helmholtz.train.ThreadSettings;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The base of every generated model whose latents are all global ({@code @Latent(global =
 * true)}): model parameters with priors, one value for the whole data set. Its posterior given a
 * data set is a density over the flat vector theta of the global latents ({@link #parameters()}),
 * sampled by {@link HamiltonianMonteCarlo} or fitted by {@link MeanFieldVariationalInference}:
 *
 * <pre>{@code
 * LogisticRegressionModel model = LogisticRegressionModel.create();
 * Dataset train = Dataset.of("features", x).with("label", y);
 * HmcResult hmc = model.hmc(train).chains(8).warmup(300).draws(500).build().sample();
 * VariationalPosterior q = model.variational(train).steps(2000).build().fit();
 * float[][] p = model.predictMean("label", q.draws(1000, 1), Dataset.of("features", xTest));
 * }</pre>
 *
 * <p>Subclasses (generated) only describe the model in {@link #define}. Nothing here holds native
 * resources: each call builds its graph and frees it, so there is nothing to close.
 */
public abstract class BayesianModel {
  /** Rows ([draws x examples]) per session run of the posterior predictive. */
  private static final int PREDICTIVE_ROWS = 1 << 18;

  private final BayesianSpec spec;
  private final ThreadSettings threads;

  protected BayesianModel(BayesianSpec spec, ThreadSettings threads) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.threads = Objects.requireNonNull(threads, "threads");
  }

  /** Describes the priors of the global latents and the observed nodes' likelihoods. Generated. */
  protected abstract void define(BayesianPass pass);

  /**
   * Checks this model on the first {@code options.examples()} rows of {@code data} (a column per
   * given and observed node), or, when it is null, on synthetic data (given nodes standard normal,
   * observed nodes drawn from the prior predictive): at draws of the global latents from their
   * priors, the log posterior's gradient against central finite differences, and each prior's and
   * likelihood's shape against its node's width. Generated models override this to say so.
   *
   * @return the report; {@link SelfCheckReport#assertPassed()} throws on a failure
   */
  public SelfCheckReport selfCheck(Dataset data, SelfCheckOptions options) {
    return BayesianSelfCheck.run(this, data, options);
  }

  /** {@link #selfCheck(Dataset, SelfCheckOptions)} with the default sizes. In a test: {@code model.selfCheck(data).assertPassed()}. */
  public SelfCheckReport selfCheck(Dataset data) {
    return selfCheck(Objects.requireNonNull(data, "data"), SelfCheckOptions.defaults());
  }

  /** {@link #selfCheck(Dataset, SelfCheckOptions)} on synthetic data, with the default sizes. */
  public SelfCheckReport selfCheck() {
    return selfCheck(null, SelfCheckOptions.defaults());
  }

  /** Where each global latent lives in theta. */
  public ParameterLayout parameters() {
    return spec.parameters();
  }

  public BayesianSpec spec() {
    return spec;
  }

  /**
   * log p(theta) + sum_n log p(observed_n | given_n, theta), unnormalized in theta, for the rows of
   * {@code data} (a column per given and observed node, named like the node). The data become
   * constants of each graph the density is built in, once per graph.
   *
   * @throws IllegalArgumentException if a column is missing or has the wrong width (naming it), or
   *     if the model's networks return distributions of the wrong shape
   * @throws IllegalStateException if a network makes variables (a model of global latents trains none)
   */
  public LogDensity logPosterior(Dataset data) {
    DataColumns.require(spec.modelName(), data, spec.columns());
    LogDensity density = new DataDensity(data);
    // Build it once now, so that a malformed model fails here and not inside a sampler.
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      density.logProb(tf, tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(2, parameters().dims()))));
    }
    return density;
  }

  /**
   * An HMC sampler of the posterior given {@code data}, over {@link #parameters()}, with this model's
   * thread settings; set chains, warm-up, draws and the rest on it, then {@code build().sample()}.
   */
  public HamiltonianMonteCarlo.Builder hmc(Dataset data) {
    return HamiltonianMonteCarlo.builder(logPosterior(data), parameters().dims()).threads(threads);
  }

  /**
   * A NUTS sampler of the posterior given {@code data}, over {@link #parameters()}, with this model's
   * thread settings; set chains, warm-up, draws and the rest on it, then {@code build().sample()}.
   */
  public NoUTurnSampler.Builder nuts(Dataset data) {
    return NoUTurnSampler.builder(logPosterior(data), parameters().dims()).threads(threads);
  }

  /**
   * Mean-field Gaussian VI of the posterior given {@code data}, with this model's thread settings;
   * then {@code build().fit()}.
   */
  public MeanFieldVariationalInference.Builder variational(Dataset data) {
    return MeanFieldVariationalInference.builder(logPosterior(data), parameters().dims()).threads(threads);
  }

  /**
   * The log posterior given {@code data} as a {@link MinibatchLogDensity}: log prior plus the log
   * likelihood of a minibatch of rows, which samplers and optimizers scale by N / B. The data are
   * constants of each graph it is built in; a minibatch is gathered from them by index.
   *
   * @throws IllegalArgumentException as {@link #logPosterior} does
   */
  public MinibatchLogDensity minibatchPosterior(Dataset data) {
    logPosterior(data); // checks the columns, the model's shapes and the data's supports once
    return new MinibatchDataDensity(data);
  }

  /**
   * Stochastic mean-field VI of the posterior given {@code data} on minibatches (the likelihood
   * scaled by N / B as a plate does), with this model's thread settings: set {@code batchSize},
   * {@code epochs} or {@code steps} and the rest, then {@code build().fit()}. For a network's
   * weights this is Bayes by backprop (Blundell et al. 2015).
   */
  public MeanFieldVariationalInference.Builder stochasticVariational(Dataset data) {
    return MeanFieldVariationalInference.builder(minibatchPosterior(data), parameters().dims()).threads(threads);
  }

  /**
   * Stochastic-gradient MCMC of the posterior given {@code data} (SGLD, preconditioned SGLD, SGHMC
   * or SGNHT) on minibatches, with this model's thread settings: set the method, batch size, step
   * size schedule and the rest, then {@code build().sample()}.
   */
  public StochasticGradientMcmc.Builder sgmcmc(Dataset data) {
    return StochasticGradientMcmc.builder(minibatchPosterior(data), parameters().dims()).threads(threads);
  }

  /**
   * The mean of p({@code node} | given, theta) for every draw of theta and row of {@code givens}:
   * {@code [draws][rows][width]}.
   *
   * @param draws posterior draws of theta, [draws][dims]
   * @param givens a column per given node (none needed when the model has none: pass any data set
   *     of the rows to predict for)
   */
  public float[][][] predictiveMeans(String node, double[][] draws, Dataset givens) {
    return predictive(node, draws, givens, null);
  }

  /**
   * One draw of {@code node} from p({@code node} | given, theta) for every draw of theta and row of
   * {@code givens}: {@code [draws][rows][width]}, a draw of the posterior predictive for each.
   */
  public float[][][] predictiveSamples(String node, double[][] draws, Dataset givens, Seed seed) {
    return predictive(node, draws, givens, Objects.requireNonNull(seed, "seed"));
  }

  /**
   * The posterior predictive mean of {@code node} at each row of {@code givens}, averaged over the
   * draws: {@code [rows][width]}; for a Bernoulli node, p(node = 1 | given, data).
   */
  public float[][] predictMean(String node, double[][] draws, Dataset givens) {
    float[][][] means = predictiveMeans(node, draws, givens);
    int rows = means[0].length;
    int width = means[0][0].length;
    double[][] sum = new double[rows][width];
    for (float[][] draw : means) {
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < width; j++) {
          sum[i][j] += draw[i][j];
        }
      }
    }
    float[][] out = new float[rows][width];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < width; j++) {
        out[i][j] = (float) (sum[i][j] / means.length);
      }
    }
    return out;
  }

  private float[][][] predictive(String node, double[][] draws, Dataset givens, Seed seed) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(draws, "draws");
    Integer width = spec.observed().get(node);
    if (width == null) {
      throw new IllegalArgumentException("'" + node + "' is not a modelled observed node of " + spec.modelName()
          + "; its observed nodes are " + spec.observed().keySet());
    }
    if (draws.length == 0) {
      throw new IllegalArgumentException("no draws of the global latents to predict with");
    }
    int dims = parameters().dims();
    for (int s = 0; s < draws.length; s++) {
      if (draws[s].length != dims) {
        throw new IllegalArgumentException("draw " + s + " has " + draws[s].length + " values, but the global"
            + " latents " + parameters().names() + " take " + dims);
      }
    }
    DataColumns.require(spec.modelName(), givens, spec.given());
    int rows = givens.size();
    int chunk = Math.max(1, Math.min(draws.length, PREDICTIVE_ROWS / rows));
    float[][][] out = new float[draws.length][rows][width];
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> theta = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, dims)));
      BayesianPass pass = new BayesianPass(tf, spec, BayesianPass.Mode.PREDICTIVE, theta, rows,
          constants(tf, givens, spec.given()), new LinkedHashMap<>());
      define(pass);
      pass.checkNoVariables();
      Distribution p = pass.likelihood(node);
      Operand<TFloat32> value = seed == null ? p.mean() : p.sample(new RandomSource(tf, seed.derive("predictive")));
      // Broadcast to the full shape: a parameter of width 1 gives a mean of width 1.
      Operand<TFloat32> full = tf.broadcastTo(value, tf.concat(java.util.List.of(
          tf.slice(tf.shape(value), tf.constant(new int[] {0}), tf.constant(new int[] {1})),
          tf.constant(new int[] {width})), tf.constant(0)));
      try (Session session = new Session(graph, threads.toConfig())) {
        float[] buffer = new float[chunk * rows * width];
        for (int from = 0; from < draws.length; from += chunk) {
          int n = Math.min(chunk, draws.length - from);
          float[] flat = new float[n * dims];
          for (int s = 0; s < n; s++) {
            for (int d = 0; d < dims; d++) {
              flat[s * dims + d] = (float) draws[from + s][d];
            }
          }
          try (TFloat32 input = TFloat32.tensorOf(Shape.of(n, dims), DataBuffers.of(flat, true, false));
              Result result = session.runner().feed(theta, input).fetch(full).run()) {
            ((TFloat32) result.get(0)).copyTo(DataBuffers.of(buffer, false, false).narrow((long) n * rows * width));
          }
          for (int s = 0; s < n; s++) {
            for (int i = 0; i < rows; i++) {
              System.arraycopy(buffer, (s * rows + i) * width, out[from + s][i], 0, width);
            }
          }
        }
      }
    }
    return out;
  }

  /** The data columns of {@code nodes} as [N, width] constants. */
  private static Map<String, Operand<TFloat32>> constants(Ops tf, Dataset data, Map<String, Integer> nodes) {
    Map<String, Operand<TFloat32>> out = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> node : nodes.entrySet()) {
      out.put(node.getKey(), tf.constant(Shape.of(data.size(), node.getValue()),
          DataBuffers.of(data.flat(node.getKey()), true, false)));
    }
    return out;
  }

  /**
   * The log posterior over one data set. HMC builds it once per leapfrog step: the data are
   * made constants once per graph, and repeated per row of theta once per graph and row count,
   * not once per call.
   */
  private final class DataDensity implements LogDensity {
    private final Dataset data;
    private final Map<ExecutionEnvironment, GraphData> byGraph = new IdentityHashMap<>();
    private boolean supportsChecked;

    DataDensity(Dataset data) {
      this.data = data;
    }

    @Override
    public synchronized Operand<TFloat32> logProb(Ops tf, Operand<TFloat32> theta) {
      GraphData graphData = byGraph.computeIfAbsent(tf.scope().env(),
          env -> new GraphData(constants(tf.withSubScope("data"), data, spec.columns())));
      long rows = theta.shape().numDimensions() == 2 ? theta.shape().get(0) : Shape.UNKNOWN_SIZE;
      Map<String, Operand<TFloat32>> repeated = rows == Shape.UNKNOWN_SIZE ? new LinkedHashMap<>()
          : graphData.repeated.computeIfAbsent(rows, r -> new LinkedHashMap<>());
      BayesianPass pass = new BayesianPass(tf, spec, BayesianPass.Mode.LOG_DENSITY, theta, data.size(),
          graphData.columns, repeated);
      define(pass);
      pass.checkNoVariables();
      checkSupports(pass);
      return pass.logJoint();
    }

    /**
     * Each observed column against its likelihood's fixed support, once, in Java, as a variational
     * model checks its data: an error naming the node, the column and the first bad row.
     */
    private void checkSupports(BayesianPass pass) {
      if (supportsChecked) {
        return;
      }
      for (String name : spec.observed().keySet()) {
        Distribution likelihood = pass.likelihood(name);
        DataColumns.requireSupport(spec.modelName(), data, name, likelihood.familyName(), likelihood.support());
      }
      supportsChecked = true;
    }
  }

  /**
   * The log posterior over one data set with the likelihood on minibatches: each row of theta
   * gets its own batch, gathered from the data constants into the pass's per-(row, example)
   * layout, [R * B, width], so the pass sees B examples.
   */
  private final class MinibatchDataDensity implements MinibatchLogDensity {
    private final Dataset data;
    private final Map<ExecutionEnvironment, Map<String, Operand<TFloat32>>> byGraph = new IdentityHashMap<>();

    MinibatchDataDensity(Dataset data) {
      this.data = data;
    }

    @Override
    public int size() {
      return data.size();
    }

    @Override
    public synchronized Terms logTerms(Ops tf, Operand<TFloat32> theta, Operand<TInt32> indices) {
      Map<String, Operand<TFloat32>> columns = byGraph.computeIfAbsent(tf.scope().env(),
          env -> constants(tf.withSubScope("data"), data, spec.columns()));
      long batch = indices.shape().numDimensions() == 2 ? indices.shape().get(1) : Shape.UNKNOWN_SIZE;
      if (batch == Shape.UNKNOWN_SIZE) {
        throw new IllegalArgumentException("minibatch indices must be [rows, B] with a static B, were "
            + indices.shape());
      }
      Operand<TInt32> flat = tf.reshape(indices, tf.constant(new int[] {-1}));
      Map<String, Operand<TFloat32>> gathered = new LinkedHashMap<>();
      for (Map.Entry<String, Operand<TFloat32>> column : columns.entrySet()) {
        gathered.put(column.getKey(), tf.gather(column.getValue(), flat, tf.constant(0)));
      }
      BayesianPass pass = new BayesianPass(tf, spec, BayesianPass.Mode.LOG_DENSITY, theta, (int) batch,
          gathered, new LinkedHashMap<>(gathered));
      define(pass);
      pass.checkNoVariables();
      return new Terms(pass.logPrior(), pass.logLikelihood());
    }
  }

  /** One graph's data constants, and their copies repeated per row of theta by static row count. */
  private record GraphData(Map<String, Operand<TFloat32>> columns, Map<Long, Map<String, Operand<TFloat32>>> repeated) {
    GraphData(Map<String, Operand<TFloat32>> columns) {
      this(columns, new LinkedHashMap<>());
    }
  }
}
