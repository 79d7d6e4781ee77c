package dev.helmholtz.bayesian;

import dev.helmholtz.core.DrawAxis;
import dev.helmholtz.dist.Distribution;
import dev.helmholtz.dist.Supports;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.ParameterLayout;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.nn.VariableStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * One evaluation of a model of global latents, built in a graph for R rows of theta ([R, dims]:
 * HMC chains, VI draws or posterior draws) over N examples. Generated code describes the model
 * through it: each global latent's prior ({@link #prior}) and each observed node's likelihood
 * ({@link #observe}); the pass either sums them into the log joint, [R], or (for posterior
 * predictive checks) keeps the likelihoods.
 *
 * <p>Shapes follow the networks' rule, {@code [n, event...]}: {@link #global} gives one row per
 * row of theta, [R, width], for priors; {@link #perExample} and {@link #given} give one row per
 * (row of theta, example), [R * N, width], row {@code r * N + i} for example {@code i} under
 * theta row {@code r}, so that a generator written for one example per row serves every chain at
 * once. The price is tensors of R * N rows where a hand-written density would broadcast or
 * multiply matrices: on a logistic regression of 11,791 examples x 10 features with 8 chains,
 * 200 HMC transitions of 10 leapfrog steps took 12.3-12.5 s through a generated model against
 * 3.6-3.8 s for the matMul density of {@code BayesianLogisticRegression} (samples; measured at
 * load 9 on 2 cores), and 23-28 s when the likelihood sliced one 11-wide latent into weights and
 * bias (a slice of R * N rows copies them, forward and backward). The data columns are repeated
 * once per graph, not once per leapfrog step. A generator that sees the draw axis
 * ({@code @Generator(drawAxis = true)}) avoids that price: it takes {@link #global} as [R, width]
 * and {@link #data} as [N, width] and returns [R, N, width], which {@link #observeDrawAxis} scores
 * against each data column once (the logistic regression's log posterior and gradient at 16 rows
 * of theta: 1.26 ms against 4.74 ms row-aligned and 1.17 ms hand-written, {@code helmholtz-bench
 * bench-density}, at load 3).
 */
public final class BayesianPass {
  /** What the pass builds. */
  enum Mode {
    /** Sums log priors and log likelihoods of the data into {@link #logJoint()}. */
    LOG_DENSITY,
    /** Keeps each observed node's likelihood (no observed data needed). */
    PREDICTIVE
  }

  private final Ops tf;
  private final BayesianSpec spec;
  private final Mode mode;
  private final Operand<TFloat32> theta;
  private final int examples;
  private final Map<String, Operand<TFloat32>> columns;
  /** The repeated data columns, [R * N, width], shared by passes over one graph with the same R. */
  private final Map<String, Operand<TFloat32>> repeated;
  private final Operand<TInt32> perExampleShape3; // [R, N, 1]-like prefix, completed per width
  private final VariableStore networks;
  private final Map<String, Distribution> likelihoods = new LinkedHashMap<>();
  /** Each global's prior and each observed node's likelihood as the networks returned them: for the self-check. */
  private final Map<String, Distribution> priors = new LinkedHashMap<>();
  private final Map<String, Distribution> observations = new LinkedHashMap<>();
  private Operand<TFloat32> logJoint;
  /** The log joint's two parts, for minibatch estimates that scale the likelihood only. */
  private Operand<TFloat32> logPriorSum;
  private Operand<TFloat32> logLikelihoodSum;

  /**
   * @param theta [R, dims]
   * @param columns the data, [N, width] per given node and, for {@link Mode#LOG_DENSITY}, per
   *     observed node
   * @param repeated where the columns repeated per row of theta are kept, to be built once per
   *     graph (HMC builds the density once per leapfrog step of one session run): a map shared by
   *     the passes over one graph with the same static R, or a fresh one
   */
  BayesianPass(Ops tf, BayesianSpec spec, Mode mode, Operand<TFloat32> theta, int examples,
      Map<String, Operand<TFloat32>> columns, Map<String, Operand<TFloat32>> repeated) {
    this.tf = Objects.requireNonNull(tf, "tf");
    this.spec = spec;
    this.mode = mode;
    this.theta = theta;
    this.examples = examples;
    this.columns = columns;
    this.repeated = repeated;
    long rows = theta.shape().numDimensions() == 2 ? theta.shape().get(0) : Shape.UNKNOWN_SIZE;
    // An int32 shape: BroadcastTo's gradient mixes its shape's type with int32 shapes.
    Operand<TInt32> r = rows != Shape.UNKNOWN_SIZE ? tf.constant(new int[] {(int) rows})
        : tf.slice(tf.shape(theta), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
    this.perExampleShape3 = tf.concat(List.of(r, tf.constant(new int[] {examples})), tf.constant(0));
    // Networks get a layer helper for nn.tf(); variables they make are an error (see checkNoVariables).
    this.networks = new VariableStore(tf, new RandomSource(tf, Seed.of(0)));
  }

  /** Ops of the graph being built. */
  public Ops tf() {
    return tf;
  }

  /** Global latent {@code name}, one row per row of theta: [R, width]. */
  public Operand<TFloat32> global(String name) {
    ParameterLayout.Parameter p = spec.parameters().parameter(name);
    return tf.slice(theta, tf.constant(new int[] {0, p.offset()}), tf.constant(new int[] {-1, p.width()}));
  }

  /** A value's runtime shape, for a standard prior of that shape. */
  public Operand<TInt64> shape(Operand<TFloat32> value) {
    return tf.shape(value, TInt64.class);
  }

  /** A global value [R, width] repeated for every example: [R * N, width], row-aligned with {@link #given}. */
  public Operand<TFloat32> perExample(Operand<TFloat32> global) {
    int width = (int) global.shape().get(1);
    Operand<TFloat32> repeated = tf.broadcastTo(tf.expandDims(global, tf.constant(1)),
        tf.concat(List.of(perExampleShape3, tf.constant(new int[] {width})), tf.constant(0)));
    return tf.reshape(repeated, tf.constant(new int[] {-1, width}));
  }

  /** Given node {@code name}'s data for every row of theta: [R * N, width]. */
  public Operand<TFloat32> given(String name) {
    if (!spec.given().containsKey(name)) {
      throw new IllegalArgumentException("'" + name + "' is not a given node of " + spec.modelName()
          + "; its given nodes are " + spec.given().keySet());
    }
    return repeatData(name);
  }

  /**
   * Given node {@code name}'s data once, [N, width]: the argument of a network that sees the draw
   * axis ({@code @Generator(drawAxis = true)}), which takes the globals as [R, width] and returns
   * [R, N, width].
   */
  public Operand<TFloat32> data(String name) {
    if (!spec.given().containsKey(name)) {
      throw new IllegalArgumentException("'" + name + "' is not a given node of " + spec.modelName()
          + "; its given nodes are " + spec.given().keySet());
    }
    return columns.get(name);
  }

  /**
   * Adds sum_n log likelihood(data_n), [R], of observed node {@code name} to the log joint, for a
   * likelihood of a network that sees the draw axis: parameters [R, N, width] (or broadcastable),
   * scored against the data column once, [N, width], with no row repeated per draw. Predictive
   * checks see it as [R * N, width], row r * N + i, as {@link #observe}'s.
   */
  public void observeDrawAxis(String name, Distribution likelihood) {
    Integer width = spec.observed().get(name);
    if (width == null) {
      throw new IllegalArgumentException("'" + name + "' is not a modelled observed node of " + spec.modelName()
          + "; its observed nodes are " + spec.observed().keySet());
    }
    Shape shape = likelihood.mean().shape();
    if (!shape.isUnknown() && shape.numDimensions() != 3) {
      throw new IllegalArgumentException("the likelihood of observed node '" + name + "' has parameters of shape "
          + shape + "; a network that sees the draw axis returns [R, N, " + width + "]: a row per draw and example");
    }
    Distribution rows = DrawAxis.merge(tf, likelihood, 1);
    checkShape("the likelihood of observed node '" + name + "'", "one row per example and draw of the global latents",
        rows, width);
    observations.put(name, rows);
    likelihoods.put(name, rows);
    if (mode == Mode.PREDICTIVE) {
      return;
    }
    Operand<TFloat32> perExample = likelihood.logProb(
        Supports.checked(likelihood, spec.modelName(), name, columns.get(name))); // [R, N]
    add(tf.reduceSum(perExample, tf.constant(1)));
  }

  private Operand<TFloat32> repeatData(String name) {
    return repeated.computeIfAbsent(name, this::repeatColumn);
  }

  private Operand<TFloat32> repeatColumn(String name) {
    Operand<TFloat32> data = columns.get(name); // [N, width]
    int width = (int) data.shape().get(1);
    Operand<TFloat32> repeated = tf.broadcastTo(tf.expandDims(data, tf.constant(0)),
        tf.concat(List.of(perExampleShape3, tf.constant(new int[] {width})), tf.constant(0)));
    return tf.reshape(repeated, tf.constant(new int[] {-1, width}));
  }

  /** The layer helper for network {@code name}: for {@code nn.tf()}; it must make no variables. */
  public Nn network(String name) {
    return new Nn(networks, name);
  }

  /** Adds log prior(value), [R], of global latent {@code name} to the log joint. */
  public void prior(String name, Operand<TFloat32> value, Distribution prior) {
    priors.put(name, prior);
    if (mode == Mode.LOG_DENSITY) {
      checkShape("the prior of global latent '" + name + "'", "one row per draw of the global latents", prior,
          spec.parameters().parameter(name).width());
      Operand<TFloat32> term = prior.logProb(value);
      logPriorSum = logPriorSum == null ? term : tf.math.add(logPriorSum, term);
      add(term);
    }
  }

  /**
   * Adds sum_n log likelihood(data_n), [R], of observed node {@code name} to the log joint; the
   * likelihood has one row per (row of theta, example), [R * N, width].
   */
  public void observe(String name, Distribution likelihood) {
    Integer width = spec.observed().get(name);
    if (width == null) {
      throw new IllegalArgumentException("'" + name + "' is not a modelled observed node of " + spec.modelName()
          + "; its observed nodes are " + spec.observed().keySet());
    }
    observations.put(name, likelihood);
    checkShape("the likelihood of observed node '" + name + "'",
        "one row per example and draw of the global latents", likelihood, width);
    likelihoods.put(name, likelihood);
    if (mode == Mode.PREDICTIVE) {
      return;
    }
    Operand<TFloat32> perRow = likelihood.logProb(
        Supports.checked(likelihood, spec.modelName(), name, repeatData(name))); // [R * N]
    Operand<TFloat32> term = tf.reduceSum(tf.reshape(perRow, tf.constant(new int[] {-1, examples})), tf.constant(1));
    logLikelihoodSum = logLikelihoodSum == null ? term : tf.math.add(logLikelihoodSum, term);
    add(term);
  }

  /**
   * A distribution whose parameters do not have one row per row of the value would broadcast
   * silently (a rank-1 logits vector against [rows, 1] values gives [rows, rows]): reject it
   * where its static shape shows it.
   */
  private static void checkShape(String what, String rows, Distribution d, int width) {
    Shape shape = d.mean().shape();
    if (shape.isUnknown()) {
      return;
    }
    long last = shape.numDimensions() == 0 ? Shape.UNKNOWN_SIZE : shape.get(shape.numDimensions() - 1);
    if (shape.numDimensions() != 2 || (last != Shape.UNKNOWN_SIZE && last != width && last != 1)) {
      throw new IllegalArgumentException(what + " has parameters of shape " + shape + "; it needs " + rows
          + ", [n, " + width + "] (or [n, 1] to broadcast)");
    }
  }

  private void add(Operand<TFloat32> term) {
    logJoint = logJoint == null ? term : tf.math.add(logJoint, term);
  }

  /** The log joint, [R]: log priors plus log likelihoods. */
  Operand<TFloat32> logJoint() {
    if (logJoint == null) {
      throw new IllegalStateException(spec.modelName() + " added no prior and no likelihood to the log density");
    }
    return logJoint;
  }

  /** The sum of the log priors, [R] (zeros when the model defines none). */
  Operand<TFloat32> logPrior() {
    return logPriorSum != null ? logPriorSum : tf.math.mul(tf.constant(0f), logJoint());
  }

  /** The sum of the log likelihoods over the pass's examples, [R] (zeros when the model observes nothing). */
  Operand<TFloat32> logLikelihood() {
    return logLikelihoodSum != null ? logLikelihoodSum : tf.math.mul(tf.constant(0f), logJoint());
  }

  /** Each global's prior as its network returned it, in the order defined. */
  Map<String, Distribution> priors() {
    return priors;
  }

  /** Each observed node's likelihood as its network returned it, [R * N, width]. */
  Map<String, Distribution> observations() {
    return observations;
  }

  /** Observed node {@code name}'s likelihood, [R * N, width]: for predictive checks, and its family's support. */
  Distribution likelihood(String name) {
    Distribution d = likelihoods.get(name);
    if (d == null) {
      throw new IllegalArgumentException("no likelihood for '" + name + "' in " + spec.modelName()
          + "; its observed nodes are " + spec.observed().keySet());
    }
    return d;
  }

  /** Networks of a model of global latents have no trained weights: a variable would stay at its initial value. */
  void checkNoVariables() {
    List<Variable<TFloat32>> made = networks.allVariables();
    if (!made.isEmpty()) {
      throw new IllegalStateException("a network of " + spec.modelName() + " made variable '"
          + made.get(0).op().name() + "' (nn.dense?), but a model of global latents trains no weights:"
          + " its parameters are the global latents, which HMC and VI infer; compute the layer from a"
          + " global latent with nn.tf() instead");
    }
  }
}
