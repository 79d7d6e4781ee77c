package dev.helmholtz.variational;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.core.BatchAxes;
import dev.helmholtz.core.EventAxes;
import dev.helmholtz.dist.Categorical;
import dev.helmholtz.dist.Distribution;
import dev.helmholtz.dist.KlDivergence;
import dev.helmholtz.dist.Reparameterization;
import dev.helmholtz.dist.Support;
import dev.helmholtz.dist.Supports;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.nn.RepeatedRows;
import dev.helmholtz.nn.VariableStore;
import dev.helmholtz.objective.EnumeratedBound;
import dev.helmholtz.objective.ObjectivePass;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * One pass through a model's inference and generative networks, as the generated
 * {@code defineInference} describes it: latents drawn from q in inference order, then every
 * node scored under p. It accumulates the per-sample terms of the objective.
 *
 * <p>Shapes: observed values are {@code [B, width]}; latent draws carry a leading sample axis,
 * {@code [k, B, width]}. User networks only ever see {@code [n, width]}: generated code folds
 * sampled arguments to {@code [k * B, width]} ({@link #fold}, {@link #tileAndFold}) and unfolds
 * the returned distribution ({@link #unfold}). A network whose arguments are all observed runs
 * once per example, not once per sample.
 *
 * <p>When k is 1 and known when the graph is built (single-sample ELBO training, reconstruction),
 * there is no sample axis at all: latents are {@code [B, width]}, and folding, tiling and
 * unfolding are the identity, so the training graph has no shape bookkeeping ops.
 *
 * <p>Events of any rank: a node of event shape {@code [28, 28, 1]} reaches networks as {@code [n,
 * 28, 28, 1]}, and the distributions networks return for it have parameters of that shape. The
 * pass keeps its own values and distributions flat, {@code [k, B, 784]} ({@link EventAxes}), so
 * log-densities and KLs reduce over every event axis; what it hands out ({@link #observed},
 * {@link #draw}) has the event's shape again. For vector events none of this adds an op.
 *
 * <p>An enumerating pass sums a Categorical latent out ({@link #enumerate}): its k is the
 * latent's class count K, sample j takes class j, and the pass weighs its samples by q(y | x),
 * or by the observed label (see {@link EnumeratedBound}). A {@link #clampingLabels} pass instead
 * draws that latent's k samples from q(y | x) where the data leaves it unobserved and clamps
 * every sample to the label where it is observed (adaptive importance sampling's training pass).
 */
public final class InferencePass implements ObjectivePass {
  /** How latents get their values in a pass. */
  public enum Mode {
    /**
     * Drawn from q, reparameterized where the family allows it (gradients flow through the
     * draw); other families are drawn without a gradient and recorded as score-function latents.
     */
    SAMPLE,
    /** Drawn from q with no gradient through any draw: wake-sleep training and evaluation. */
    DETACHED,
    /** Set to q's mean (reconstruction and encoding). */
    MEAN,
    /** Set to values dreamed from p, and scored under q: the sleep phase of wake-sleep. */
    DREAM
  }

  private final Ops tf;
  private final ModelSpec spec;
  private final VariableStore variables;
  private final RandomSource random;
  private final Map<String, Operand<TFloat32>> observed;
  private final Operand<TInt32> k;
  private final Operand<TInt32> batch;
  private final Mode mode;
  private dev.helmholtz.nn.Mode networkMode = dev.helmholtz.nn.Mode.EVALUATION;
  /** Whether observed nodes are scored by {@link Distribution#evaluationLogProb} (a pass no step differentiates). */
  private boolean evaluationDensities;
  /** False when k is statically 1: values then carry no sample axis. */
  private final boolean sampleAxis;
  /** Whether {@link #enumerate} sums its latent out over the sample axis (else it draws it). */
  private final boolean enumerating;
  /** Whether {@link #enumerate} draws its latent where unlabelled and clamps it to the label elsewhere. */
  private boolean clamping;
  /** 1 for each labelled example of a clamping pass, 0 for each unlabelled one, {@code [B]}. */
  private Operand<TFloat32> labelledRows;
  /** The enumerated latent's labels {@code [B, K]}, and each sample's weight {@code [K, B]}. */
  private Operand<TFloat32> labels;
  private Operand<TFloat32> weights;
  private Operand<TFloat32> labelLogPosterior; // log q(y_obs | x), 0 where unlabelled, [B]

  private final Map<String, Operand<TFloat32>> dreams;
  private Operand<TFloat32> logJoint;     // log p(x, z), [k, B]
  private Operand<TFloat32> referenceLogJoint; // the same with the observed densities by referenceLogProb, [k, B]
  private Operand<TFloat32> logPosterior; // log q(z | x), [k, B]
  private Operand<TFloat32> scoreLogQ;    // log q of the latents drawn without a gradient, [k, B]
  private Operand<TFloat32> elboTerms;    // log p(x, z) - log q(z | x) with analytic KLs where available, [k, B]
  // The same terms in two sums: the latents' (minus their KLs) and the observed nodes' log-likelihoods.
  private Operand<TFloat32> latentTerms;
  private Operand<TFloat32> observedTerms;
  /** log q(value) of each latent's draw, computed once in draw() and reused when it is scored. */
  private final Map<String, Operand<TFloat32>> drawLogQ = new LinkedHashMap<>();
  private final Map<String, Operand<TFloat32>> termMeans = new LinkedHashMap<>();
  private final Map<String, Operand<TFloat32>> latentValues = new LinkedHashMap<>();
  private final Map<String, Operand<TFloat32>> observedMeans = new LinkedHashMap<>();
  private final Map<String, ObservedSupport> observedSupports = new LinkedHashMap<>();
  /** What {@link #tileAndFold} made, so that a network's first dense layer multiplies each example once. */
  private final RepeatedRows repeatedRows = new RepeatedRows();
  private final UnaryOperator<Operand<TFloat32>> tile = this::tile;
  // What the self-check reads of a pass: the latents drawn without a pathwise gradient, each
  // analytic KL's two distributions, and each network's distribution as it was handed in.
  private final java.util.Set<String> scoreFunctionLatents = new java.util.LinkedHashSet<>();
  private final Map<String, Distribution> drawnFrom = new LinkedHashMap<>();
  private final List<AnalyticKl> analyticKls = new java.util.ArrayList<>();
  /** Each global latent's variational posterior, as {@link #global} made it, by name. */
  private final Map<String, dev.helmholtz.dist.Normal> globalPosteriors = new LinkedHashMap<>();
  private final Map<String, NetworkOutput> networkOutputs = new LinkedHashMap<>();

  InferencePass(Ops tf, ModelSpec spec, VariableStore variables, RandomSource random,
      Map<String, Operand<TFloat32>> observed, Operand<TInt32> k, int staticSamples, Mode mode) {
    this(tf, spec, variables, random, observed, k, staticSamples, mode, Map.of());
  }

  /** A {@link Mode#DREAM} pass needs {@code dreams}: a value for every latent, {@code [B, width]}. */
  InferencePass(Ops tf, ModelSpec spec, VariableStore variables, RandomSource random,
      Map<String, Operand<TFloat32>> observed, Operand<TInt32> k, int staticSamples, Mode mode,
      Map<String, Operand<TFloat32>> dreams) {
    this(tf, spec, variables, random, observed, k, staticSamples, mode, dreams, false);
  }

  /**
   * An enumerating pass when {@code enumerating}: k and {@code staticSamples} must then be the
   * class count of the model's enumerated latent, and {@code observed} must hold its labels.
   */
  InferencePass(Ops tf, ModelSpec spec, VariableStore variables, RandomSource random,
      Map<String, Operand<TFloat32>> observed, Operand<TInt32> k, int staticSamples, Mode mode,
      Map<String, Operand<TFloat32>> dreams, boolean enumerating) {
    if (mode == Mode.DREAM && staticSamples != 1) {
      throw new IllegalArgumentException("a dream pass has one dream per example, not " + staticSamples);
    }
    if (enumerating) {
      ModelSpec.Node node = spec.enumerated().orElseThrow(() -> new IllegalArgumentException(
          spec.modelName() + " has no enumerated latent to sum out"));
      if (staticSamples != node.width() || mode == Mode.MEAN || mode == Mode.DREAM || !observed.containsKey(node.name())) {
        throw new IllegalArgumentException("an enumerating pass of " + spec.modelName() + " has one sample per class of '"
            + node.name() + "' (" + node.width() + "), drawn or detached, and its labels; got " + staticSamples
            + " samples, mode " + mode + ", inputs " + observed.keySet());
      }
    }
    this.enumerating = enumerating;
    this.dreams = dreams;
    this.tf = tf;
    this.spec = spec;
    this.variables = variables;
    this.random = random;
    this.observed = observed;
    this.k = k;
    this.mode = mode;
    this.sampleAxis = staticSamples != 1 || enumerating; // classes lie along the sample axis
    Operand<TFloat32> first = observed.values().iterator().next();
    this.batch = tf.squeeze(tf.slice(tf.shape(first), tf.constant(new int[] {0}), tf.constant(new int[] {1})));
  }

  public Ops tf() {
    return tf;
  }

  /** The fed value of an observed node, {@code [B, event...]}. */
  public Operand<TFloat32> observed(String name) {
    Operand<TFloat32> value = observed.get(name);
    if (value == null) {
      throw new IllegalArgumentException("no observed node '" + name + "' in " + spec.modelName());
    }
    return EventAxes.unflatten(tf, value, spec.require(name).shape());
  }

  /**
   * A fresh layer helper for one call of the named network; its variables persist across calls.
   * It is built in this pass's network mode ({@link #training()}), and knows the batch size B, so
   * that batch normalization in training takes its statistics per sample copy of a fold.
   */
  public Nn network(String name) {
    return new Nn(variables, name, networkMode, batch, repeatedRows);
  }

  /** Builds this pass's networks in {@link dev.helmholtz.nn.Mode#TRAINING}: the pass a training step minimizes. */
  InferencePass training() {
    networkMode = dev.helmholtz.nn.Mode.TRAINING;
    return this;
  }

  /**
   * Makes {@link #enumerate} draw its latent from q where the labels leave it unobserved and
   * clamp it to the label where they observe it, for an objective that samples the label instead
   * of summing it out (adaptive importance sampling): a labelled example's samples all take its
   * label, which is data, so log q(y | x) leaves its log q and log p(y) stays in its log p.
   *
   * @throws IllegalArgumentException for an enumerating pass, a model without an enumerated
   *     latent, or inputs without its labels
   */
  InferencePass clampingLabels() {
    ModelSpec.Node node = spec.enumerated().orElseThrow(() -> new IllegalArgumentException(
        spec.modelName() + " has no enumerated latent to clamp"));
    if (enumerating || !observed.containsKey(node.name()) || mode == Mode.MEAN || mode == Mode.DREAM) {
      throw new IllegalArgumentException("a clamping pass of " + spec.modelName() + " draws '" + node.name()
          + "' and reads its labels: not an enumerating, mean or dream pass, and its labels among the inputs "
          + observed.keySet());
    }
    clamping = true;
    return this;
  }

  /**
   * Scores observed nodes by {@link Distribution#evaluationLogProb}, their densities' fastest form:
   * for the passes of evaluation, which no training step differentiates.
   */
  InferencePass evaluationDensities() {
    evaluationDensities = true;
    return this;
  }

  /** {@code [k, B, event...]} to {@code [k * B, event...]}, sample-major. */
  public Operand<TFloat32> fold(Operand<TFloat32> sampled) {
    if (!sampleAxis) {
      return sampled;
    }
    if (sampled.shape().numDimensions() <= 2) {
      return tf.reshape(sampled, tf.constant(new long[] {-1, sampled.shape().get(-1)}));
    }
    long[] shape = sampled.shape().asArray();
    shape[1] = -1; // the event's sizes after the two leading axes, kept static
    return tf.reshape(sampled, tf.constant(java.util.Arrays.copyOfRange(shape, 1, shape.length)));
  }

  /**
   * {@code [B, event...]} to {@code [k * B, event...]}: the value repeated for every sample, in
   * fold's order. The networks of this pass know the result for a repeat of {@code unsampled}
   * ({@link RepeatedRows}): a dense layer on it, or on an {@link Nn#concat} of it, multiplies each
   * example once and repeats the product.
   */
  public Operand<TFloat32> tileAndFold(Operand<TFloat32> unsampled) {
    if (!sampleAxis) {
      return unsampled;
    }
    return repeatedRows.register(tile(unsampled), unsampled, tile);
  }

  private Operand<TFloat32> tile(Operand<TFloat32> unsampled) {
    List<Operand<TInt32>> multiples = new java.util.ArrayList<>(List.of(k));
    for (int axis = 1; axis < unsampled.shape().numDimensions(); axis++) {
      multiples.add(tf.constant(1));
    }
    return tf.tile(unsampled, tf.stack(multiples));
  }

  /**
   * Global latent {@code name} for this run of the pass, {@code [1, width]}: in a {@link
   * Mode#SAMPLE} pass one reparameterized draw from its variational posterior q(name) (mean-field
   * Normal, see {@link GlobalPosterior}), shared by every sample and example of the batch; in every
   * other mode (evaluation, reconstruction, encoding) q's mean, the plug-in value.
   */
  public Operand<TFloat32> global(String name) {
    ModelSpec.Global g = spec.requireGlobal(name);
    dev.helmholtz.dist.Normal q = GlobalPosterior.of(tf, variables, name, g.width());
    globalPosteriors.put(name, q);
    return mode == Mode.SAMPLE ? q.rsample(random) : q.mean();
  }

  /**
   * Scores global latent {@code name}'s draw under its prior {@code prior} ({@code [1, width]} or
   * {@code [width]}): in a {@link Mode#SAMPLE} pass, (log p(w) - log q(w)) / N joins every example's
   * terms, N the training data's size ({@link dev.helmholtz.infer.Plate#perExampleShare}): a batch of
   * B carries B / N of the global KL's one-sample estimate, so that N times the batch's mean
   * objective is an unbiased estimate of the full-data ELBO (Blundell et al. 2015). Other passes
   * take the globals at q's mean and add nothing: their bounds are conditional on it.
   */
  public void globalPrior(String name, Operand<TFloat32> value, Distribution prior) {
    dev.helmholtz.dist.Normal q = globalPosteriors.get(name);
    if (q == null) {
      throw new IllegalStateException("global latent '" + name + "' of " + spec.modelName()
          + " is scored before global(\"" + name + "\") drew it");
    }
    if (mode != Mode.SAMPLE) {
      return;
    }
    Distribution p = BatchAxes.broadcast(tf, prior, tf.shape(value), 2);
    Operand<TFloat32> size = GlobalPosterior.dataSize(variables);
    // logProb sums the event: [1], one draw; its sum over that axis is the draw's scalar.
    Operand<TFloat32> logP = dev.helmholtz.infer.Plate.perExampleShare(tf, tf.reduceSum(p.logProb(value), tf.constant(0)),
        size);
    Operand<TFloat32> logQ = dev.helmholtz.infer.Plate.perExampleShare(tf, tf.reduceSum(q.logProb(value), tf.constant(0)),
        size);
    Operand<TFloat32> share = tf.math.sub(logP, logQ);
    logJoint = add(logJoint, logP);
    referenceLogJoint = add(referenceLogJoint, logP);
    logPosterior = add(logPosterior, logQ);
    elboTerms = add(elboTerms, share);
    latentTerms = add(latentTerms, share);
    termMeans.put("kl/" + name, tf.math.neg(share));
  }

  /**
   * A global value {@code [1, width]} repeated for each example, {@code [B, width]}: the argument
   * of a row-aligned network none of whose arguments is sampled.
   */
  public Operand<TFloat32> perExample(Operand<TFloat32> global) {
    return tf.broadcastTo(global, tf.stack(List.of(batch, tf.constant((int) global.shape().get(1)))));
  }

  /**
   * A global value {@code [1, width]} repeated for each sample and example, {@code [k * B, width]},
   * row-aligned with {@link #fold}: the argument of a row-aligned network with sampled arguments.
   */
  public Operand<TFloat32> foldGlobal(Operand<TFloat32> global) {
    Operand<TInt32> rows = sampleAxis ? tf.math.mul(k, batch) : batch;
    return tf.broadcastTo(global, tf.stack(List.of(rows, tf.constant((int) global.shape().get(1)))));
  }

  /**
   * The distribution of a network that sees the draw axis ({@code @Generator(drawAxis = true)}):
   * it took the globals as {@code [1, width]} (this pass's one draw) and returned {@code [1, n,
   * event...]}; its parameters of that rank lose the draw axis, {@code [n, event...]}, and
   * broadcastable ones (a scalar, a per-event row) stay as they are.
   */
  public <D extends Distribution> D dropDrawAxis(String node, D distribution) {
    return dev.helmholtz.core.DrawAxis.merge(tf, distribution, spec.require(node).shape().size());
  }

  /** A distribution computed on folded {@code [k * B, ...]} inputs, with parameters back to {@code [k, B, ...]}. */
  @SuppressWarnings("unchecked")
  public <D extends Distribution> D unfold(D distribution) {
    if (!sampleAxis) {
      return distribution;
    }
    return (D) distribution.mapParameters(p -> {
      int rank = p.shape().numDimensions();
      if (rank >= 0 && rank <= 1) {
        return p; // a scalar or per-event parameter broadcasts as it is
      }
      List<Operand<TInt32>> dims = new java.util.ArrayList<>(List.of(k, batch));
      for (int axis = 1; axis < rank; axis++) {
        long size = p.shape().get(axis); // kept static, so layers downstream can size their kernels
        dims.add(tf.constant(size < 0 ? -1 : (int) size));
      }
      return tf.reshape(p, tf.stack(dims));
    });
  }

  /** Whether {@code d} is a family of the user's own, not one of the runtime's packages. */
  private static boolean userFamily(Distribution d) {
    return !d.getClass().getPackageName().startsWith(Distribution.class.getPackageName());
  }

  /**
   * Draws latent {@code name} from q, {@code [k, B, event...]} (see {@link Mode}): reparameterized
   * where the family allows it and the pass wants gradients, q's mean in {@link Mode#MEAN}, the
   * dreamed value in {@link Mode#DREAM}. Parameters computed per example are broadcast over the
   * samples.
   */
  public Operand<TFloat32> draw(String name, Distribution q) {
    ModelSpec.Node node = spec.require(name);
    q = flat(node, q, "q(" + name + " | ...)");
    List<Operand<TInt32>> dims = sampleAxis
        ? List.of(k, batch, tf.constant(node.width()))
        : List.of(batch, tf.constant(node.width()));
    Operand<TInt32> shape = tf.stack(dims);
    // Parameters already of the draw's rank need no broadcast (an encoder's output usually is); a
    // q of no batch axes at all (one row, a network of no node) gets one per example.
    Distribution broadcast = BatchAxes.broadcast(tf, q, shape, dims.size()).mapParameters(
        p -> p.shape().numDimensions() == dims.size() ? p : tf.broadcastTo(p, shape));
    boolean pathwise = mode == Mode.SAMPLE
        && broadcast.reparameterization() == Reparameterization.REPARAMETERIZED;
    if (mode == Mode.SAMPLE && !pathwise && userFamily(broadcast) && (spec.objective() == ObjectiveKind.ELBO
        || spec.objective() == ObjectiveKind.IWAE)) {
      // The processor allows only reparameterized latents under these objectives, from what the
      // family declares (a user's @Family): a family whose draws say otherwise would train on a
      // gradient missing its score-function term, silently. The runtime's own families are what
      // the processor knows them to be; a hand-written spec may score a discrete latent's bound
      // under the ELBO (the bound tests do).
      throw new IllegalStateException("latent '" + name + "' of " + spec.modelName() + " is drawn from "
          + broadcast.familyName() + ", whose reparameterization() is " + broadcast.reparameterization()
          + ", but the " + spec.objective() + " objective differentiates through its samples; a family "
          + "of your own must declare @Family(reparameterization = NONE) when rsample has no gradient");
    }
    Operand<TFloat32> value = switch (mode) {
      case MEAN -> broadcast.mean();
      case DREAM -> dream(name);
      case SAMPLE, DETACHED -> pathwise ? broadcast.rsample(random) : broadcast.sample(random);
    };
    Operand<TFloat32> logQ = broadcast.logProb(value);
    drawLogQ.put(name, logQ);
    if (mode == Mode.SAMPLE && !pathwise) {
      scoreLogQ = add(scoreLogQ, logQ);
      scoreFunctionLatents.add(name);
    }
    drawnFrom.put(name, broadcast);
    latentValues.put(name, value);
    return EventAxes.unflatten(tf, value, node.shape());
  }

  /** {@code distribution} of node {@code node} with flat parameters, {@code [..., width]}. */
  private <D extends Distribution> D flat(ModelSpec.Node node, D distribution, String what) {
    networkOutputs.putIfAbsent(what, new NetworkOutput(node, what, distribution));
    return EventAxes.flatten(tf, distribution, node.shape(), what + " in " + spec.modelName());
  }

  /** A value of node {@code name}, {@code [..., event...]}, flat: {@code [..., width]}. */
  private Operand<TFloat32> flatValue(String name, Operand<TFloat32> value) {
    return EventAxes.flatten(tf, value, spec.require(name).shape(), "the value of node '" + name + "'");
  }

  /**
   * Latent {@code name}, a Categorical over its whole event, summed out by enumeration: in an
   * enumerating pass its value is {@code [K, B, K]}, one-hot(j) for sample j, and the pass's
   * samples are weighted by q (here, {@code [B, K]} parameters per example) where the labels
   * leave it unobserved and by the label where they do. In any other pass it is drawn as
   * {@link #draw} draws it: from q without a gradient (importance-sampled evaluation), or set
   * to q's mean, the class probabilities.
   */
  public Operand<TFloat32> enumerate(String name, Categorical q) {
    if (clamping) {
      return clamp(name, q);
    }
    if (!enumerating) {
      return draw(name, q);
    }
    ModelSpec.Node node = spec.require(name);
    int classes = node.width();
    Operand<TFloat32> classValues = tf.reshape(
        tf.oneHot(tf.range(tf.constant(0), tf.constant(classes), tf.constant(1)), tf.constant(classes),
            tf.constant(1f), tf.constant(0f)),
        tf.constant(new int[] {classes, 1, classes}));
    Operand<TInt32> shape = tf.stack(List.of(k, batch, tf.constant(classes)));
    Operand<TFloat32> value = tf.broadcastTo(classValues, shape);
    Categorical broadcast = q.mapParameters(p -> tf.broadcastTo(p, shape));
    Operand<TFloat32> logQ = broadcast.logProb(value);
    labels = observed(name);
    weights = EnumeratedBound.weights(tf, q.probs(), labels);
    labelLogPosterior = EnumeratedBound.labelLogPosterior(tf, logQ, labels);
    drawLogQ.put(name, logQ);
    latentValues.put(name, value);
    return value;
  }

  /**
   * The clamping pass's value of latent {@code name}, {@code [k, B, K]}: drawn from q without a
   * gradient where the example is unlabelled, the label where it is labelled.
   */
  private Operand<TFloat32> clamp(String name, Categorical q) {
    ModelSpec.Node node = spec.require(name);
    Operand<TInt32> shape = tf.stack(sampleAxis
        ? List.of(k, batch, tf.constant(node.width()))
        : List.of(batch, tf.constant(node.width())));
    Categorical broadcast = q.mapParameters(p -> tf.broadcastTo(p, shape));
    labels = observed(name);
    labelledRows = EnumeratedBound.labelled(tf, labels);
    Operand<TFloat32> labelledColumn = tf.expandDims(labelledRows, tf.constant(-1)); // [B, 1]
    Operand<TFloat32> drawn = broadcast.sample(random);
    // labels * 1 + drawn * 0 where labelled, labels (zeros) + drawn where not; [B, K] broadcasts over k.
    Operand<TFloat32> value = tf.math.add(labels,
        tf.math.mul(tf.math.sub(tf.constant(1f), labelledColumn), drawn));
    drawLogQ.put(name, broadcast.logProb(value));
    labelLogPosterior = tf.math.mul(labelledRows, q.logProb(labels));
    drawnFrom.put(name, broadcast);
    latentValues.put(name, value);
    return value;
  }

  /**
   * Scores the enumerated latent {@code name} under its prior {@code p}: in an enumerating pass
   * its term is log p(y), less log q(y | x) where y is summed out ({@link
   * EnumeratedBound#labelTerm}); in any other pass the Monte Carlo KL of {@link
   * #latentMonteCarloKl}.
   */
  public void latentEnumerated(String name, Operand<TFloat32> value, Categorical q, Categorical p) {
    if (clamping) {
      // log q(y | x) only where y was drawn; a label is data, scored by log p(y) alone.
      Categorical prior = perRow(p, value);
      Operand<TFloat32> logP = prior.logProb(value);
      Operand<TFloat32> logQ = tf.math.mul(tf.math.sub(tf.constant(1f), labelledRows), drawLogQ.get(name));
      latent(name, value, q, prior, tf.math.sub(logP, logQ), tf.math.sub(logQ, logP), logQ);
      return;
    }
    if (!enumerating) {
      latentMonteCarloKl(name, value, q, p);
      return;
    }
    Operand<TFloat32> logP = perRow(p, value).logProb(value);
    Operand<TFloat32> logQ = drawLogQ.get(name);
    Operand<TFloat32> term = EnumeratedBound.labelTerm(tf, logP, logQ, labels);
    logJoint = add(logJoint, logP);
    referenceLogJoint = add(referenceLogJoint, logP);
    logPosterior = add(logPosterior, logQ);
    elboTerms = add(elboTerms, term);
    termMeans.put("kl/" + name, termMean(tf.math.neg(term)));
  }

  private Operand<TFloat32> dream(String name) {
    Operand<TFloat32> value = dreams.get(name);
    if (value == null) {
      throw new IllegalStateException("the dream pass of " + spec.modelName() + " has no dream of latent '"
          + name + "'");
    }
    return value;
  }

  /** The dynamic shape of a value, for priors that must match a draw. */
  public Operand<TInt64> shape(Operand<TFloat32> value) {
    return tf.shape(value, TInt64.class);
  }

  /** Scores latent {@code name}: its KL term in the ELBO is analytic, KL(q || p) in closed form. */
  public void latentAnalyticKl(String name, Operand<TFloat32> value, Distribution q, Distribution p) {
    ModelSpec.Node node = spec.require(name);
    value = flatValue(name, value);
    q = flat(node, q, "q(" + name + " | ...)");
    Distribution prior = perRow(flat(node, p, "p(" + name + " | ...)"), value);
    Operand<TFloat32> kl = KlDivergence.analytic(q, prior);
    analyticKls.add(new AnalyticKl(name, q, prior, kl));
    latent(name, value, q, prior, tf.math.neg(kl), kl);
  }

  /**
   * Scores latent {@code name} of a family of the user's own: its KL term in the ELBO is {@code
   * kl(q, p)}, the family's closed form ({@code @Family(kl)}), applied to q and p as this pass
   * flattens them, summed over the event axis.
   */
  public <D extends Distribution> void latentAnalyticKl(String name, Operand<TFloat32> value, D q, D p,
      BiFunction<? super D, ? super D, Operand<TFloat32>> kl) {
    ModelSpec.Node node = spec.require(name);
    value = flatValue(name, value);
    q = flat(node, q, "q(" + name + " | ...)");
    D prior = perRow(flat(node, p, "p(" + name + " | ...)"), value);
    Operand<TFloat32> divergence = kl.apply(q, prior);
    latent(name, value, q, prior, tf.math.neg(divergence), divergence);
  }

  /** Scores latent {@code name}: its KL term in the ELBO is the one-sample estimate log q - log p. */
  public void latentMonteCarloKl(String name, Operand<TFloat32> value, Distribution q, Distribution p) {
    ModelSpec.Node node = spec.require(name);
    value = flatValue(name, value);
    q = flat(node, q, "q(" + name + " | ...)");
    Distribution prior = perRow(flat(node, p, "p(" + name + " | ...)"), value);
    Operand<TFloat32> kl = KlDivergence.monteCarlo(q, prior, value);
    latent(name, value, q, prior, tf.math.neg(kl), kl);
  }

  /**
   * {@code p} with a row for every row of {@code value}: a p of no batch axes (a network of no
   * node, such as a learned prior) broadcast to the value's shape, {@code [k, B, width]} or
   * {@code [B, width]}; any other p as it is.
   */
  private <D extends Distribution> D perRow(D p, Operand<TFloat32> value) {
    return BatchAxes.broadcast(tf, p, tf.shape(value), value.shape().numDimensions());
  }

  private void latent(String name, Operand<TFloat32> value, Distribution q, Distribution p,
      Operand<TFloat32> elboTerm, Operand<TFloat32> kl) {
    Operand<TFloat32> logQ = drawLogQ.get(name);
    if (logQ == null) {
      logQ = q.logProb(value); // a value the pass did not draw itself
    }
    latent(name, value, q, p, elboTerm, kl, logQ);
  }

  private void latent(String name, Operand<TFloat32> value, Distribution q, Distribution p,
      Operand<TFloat32> elboTerm, Operand<TFloat32> kl, Operand<TFloat32> logQ) {
    Operand<TFloat32> logP = p.logProb(value);
    logJoint = add(logJoint, logP);
    referenceLogJoint = add(referenceLogJoint, logP);
    logPosterior = add(logPosterior, logQ);
    elboTerms = add(elboTerms, elboTerm);
    latentTerms = add(latentTerms, elboTerm);
    termMeans.put("kl/" + name, termMean(kl));
  }

  /**
   * Scores observed node {@code name} under p: log p(x | parents). The family's fixed support is
   * recorded for the data check ({@link #observedSupports}); a support its parameters bound (a
   * Uniform's) is asserted here, naming the node.
   */
  public void observe(String name, Operand<TFloat32> value, Distribution likelihood) {
    value = flatValue(name, value);
    Distribution p = perRow(flat(spec.require(name), likelihood, "p(" + name + " | ...)"), value);
    observedSupports.put(name, new ObservedSupport(p.familyName(), p.support()));
    value = Supports.checked(p, spec.modelName(), name, value);
    Operand<TFloat32> logLikelihood = evaluationDensities ? p.evaluationLogProb(value) : p.logProb(value);
    logJoint = add(logJoint, logLikelihood);
    referenceLogJoint = add(referenceLogJoint, evaluationDensities ? p.referenceLogProb(value) : logLikelihood);
    elboTerms = add(elboTerms, logLikelihood);
    observedTerms = add(observedTerms, logLikelihood);
    termMeans.put("log_likelihood/" + name, termMean(logLikelihood));
    observedMeans.put(name, p.mean());
  }

  /** What an observed node's family is and its fixed support: what its data column is checked against. */
  public record ObservedSupport(String family, Support support) {}

  /** Each observed node this pass scored, with its family's fixed support, in the order observed. */
  public Map<String, ObservedSupport> observedSupports() {
    return java.util.Collections.unmodifiableMap(observedSupports);
  }

  /**
   * The mean of a term over samples and examples, for progress reports: in an enumerating pass,
   * its mean over examples of the weighted sum over classes, as it enters the bound.
   */
  private Operand<TFloat32> termMean(Operand<TFloat32> term) {
    if (weights == null) {
      return tf.math.mean(term, allAxes(term));
    }
    return tf.math.mean(EnumeratedBound.perExample(tf, term, weights), tf.constant(0));
  }

  private Operand<TFloat32> add(Operand<TFloat32> sum, Operand<TFloat32> term) {
    return sum == null ? term : tf.math.add(sum, term);
  }

  private Operand<TInt32> allAxes(Operand<?> x) {
    int rank = x.shape().numDimensions();
    if (rank >= 0) {
      return tf.constant(java.util.stream.IntStream.range(0, rank).toArray());
    }
    return tf.range(tf.constant(0), tf.rank(x), tf.constant(1));
  }

  /** {@code [k, B]}: terms without the sample axis (k = 1, or a model without latents) get it. */
  private Operand<TFloat32> perSample(Operand<TFloat32> terms) {
    if (terms == null) {
      return tf.zeros(tf.stack(List.of(sampleAxis ? k : tf.constant(1), batch)), TFloat32.class);
    }
    if (!sampleAxis) {
      return tf.expandDims(terms, tf.constant(0));
    }
    if (terms.shape().numDimensions() == 2) {
      return terms;
    }
    return tf.math.add(terms, tf.zeros(tf.stack(List.of(k, batch)), TFloat32.class));
  }

  /** log p(x, z) - log q(z | x) per sample, {@code [k, B]}. */
  @Override
  public Operand<TFloat32> logWeights() {
    return tf.math.sub(logJoint(), logPosterior());
  }

  /**
   * {@link #logWeights} with every observed density computed by {@link Distribution#referenceLogProb}
   * (the latents' by {@link Distribution#logProb}): the same as
   * {@link #logWeights} except in a pass of {@link #evaluationDensities}, where they agree to float
   * tolerance; the reference evaluation fetches it.
   */
  Operand<TFloat32> referenceLogWeights() {
    return tf.math.sub(perSample(referenceLogJoint), logPosterior());
  }

  /** log p(x | parents) summed over the observed nodes, per sample, {@code [k, B]}: the likelihood AIS anneals in. */
  Operand<TFloat32> observedLogLikelihood() {
    return perSample(observedTerms);
  }

  /** log p(x, z) per sample, {@code [k, B]}. */
  @Override
  public Operand<TFloat32> logJoint() {
    return perSample(logJoint);
  }

  /** log q(z | x) per sample, {@code [k, B]} (in a dream pass: of the dreamed latents). */
  @Override
  public Operand<TFloat32> logPosterior() {
    return perSample(logPosterior);
  }

  /**
   * log q of the latents drawn without a reparameterized gradient, per sample, {@code [k, B]}:
   * what score-function estimators multiply by their learning signal; zeros when every latent is
   * reparameterized.
   */
  @Override
  public Operand<TFloat32> scoreFunctionLogQ() {
    return perSample(scoreLogQ);
  }

  /** Whether some latent was drawn without a reparameterized gradient in a {@link Mode#SAMPLE} pass. */
  boolean hasScoreFunctionLatents() {
    return scoreLogQ != null;
  }

  Operand<TFloat32> elboTerms() {
    return perSample(elboTerms);
  }

  /**
   * The bound per example, {@code [B]}: in an enumerating pass the weighted sum of {@link
   * #elboTerms} over classes, otherwise their mean over samples (the ELBO); at a static k = 1 the
   * terms themselves, with no sample axis to add and average away (ops the training step would
   * run, and differentiate, every step).
   */
  @Override
  public Operand<TFloat32> elboPerExample() {
    if (weights != null) {
      return EnumeratedBound.perExample(tf, elboTerms(), weights);
    }
    if (!sampleAxis && elboTerms != null) {
      return elboTerms;
    }
    return dev.helmholtz.objective.EvidenceLowerBound.perExample(tf, elboTerms());
  }

  /**
   * The ELBO per example with the latents' terms (minus their KLs) multiplied by {@code klWeight}
   * and the log-likelihoods as they are, {@code [B]}: the bound that KL warm-up (Bowman et al.
   * 2016; Sonderby et al. 2016) and beta-VAEs (Higgins et al. 2017) optimize. At weight 1 its value
   * and gradient are those of {@link #elboPerExample} when the pass scores every latent before
   * any observed node, as generated passes do.
   *
   * @throws IllegalStateException in an enumerating pass, whose bound weighs classes instead
   */
  @Override
  public Operand<TFloat32> klWeightedElboPerExample(Operand<TFloat32> klWeight) {
    if (weights != null) {
      throw new IllegalStateException("an enumerating pass has no KL-weighted bound");
    }
    if (latentTerms == null) {
      return elboPerExample();
    }
    Operand<TFloat32> weighted = tf.math.mul(klWeight, latentTerms);
    Operand<TFloat32> terms = observedTerms == null ? weighted : tf.math.add(weighted, observedTerms);
    if (!sampleAxis) {
      return terms;
    }
    return dev.helmholtz.objective.EvidenceLowerBound.perExample(tf, perSample(terms));
  }

  /** Whether this pass summed a latent out by enumeration. */
  @Override
  public boolean enumerated() {
    return weights != null;
  }

  /** log q(y_obs | x) of an enumerating or clamping pass, 0 for unlabelled examples, {@code [B]}. */
  @Override
  public Operand<TFloat32> labelLogPosterior() {
    return labelLogPosterior;
  }

  /** 1 for each labelled example of an enumerating or clamping pass, 0 for each unlabelled one, {@code [B]}. */
  @Override
  public Operand<TFloat32> labelled() {
    return EnumeratedBound.labelled(tf, labels);
  }

  /** The batch size B of this pass, a scalar. */
  @Override
  public Operand<TInt32> batchSize() {
    return batch;
  }

  @Override
  public Operand<TInt32> k() {
    return k;
  }

  /** Means over samples and examples of each term: "log_likelihood/x", "kl/z". */
  Map<String, Operand<TFloat32>> termMeans() {
    return termMeans;
  }

  /** One latent's analytic KL as this pass computed it: q and p with flat parameters, and KL(q || p). */
  record AnalyticKl(String name, Distribution q, Distribution p, Operand<TFloat32> kl) {}

  /** A distribution handed to the pass for node {@code node}, as handed in; {@code what} says which. */
  record NetworkOutput(ModelSpec.Node node, String what, Distribution distribution) {}

  /** The latents this pass drew without a pathwise gradient (in a {@link Mode#SAMPLE} pass), in order. */
  java.util.Set<String> scoreFunctionLatents() {
    return scoreFunctionLatents;
  }

  /** The distribution each latent was drawn from, flat and broadcast to the draw's shape. */
  Map<String, Distribution> drawnFrom() {
    return drawnFrom;
  }

  /** The latents whose KL this pass took in closed form, in the order scored. */
  List<AnalyticKl> analyticKls() {
    return analyticKls;
  }

  /**
   * Each distribution a network handed this pass, as handed in (parameters of the node's event
   * shape, not yet flattened), by what it is: {@code q(z | ...)}, {@code p(x | ...)}.
   */
  Map<String, NetworkOutput> networkOutputs() {
    return networkOutputs;
  }

  Map<String, Operand<TFloat32>> latentValues() {
    return latentValues;
  }

  Map<String, Operand<TFloat32>> observedMeans() {
    return observedMeans;
  }
}
