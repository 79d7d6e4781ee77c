package dev.helmholtz.variational;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.check.EventShapes;
import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckPlan;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.check.SelfCheckReport.Row;
import dev.helmholtz.check.Statistics;
import dev.helmholtz.check.VariableCopy;
import dev.helmholtz.check.VariableGradientCheck;
import dev.helmholtz.core.BatchRuns;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Categorical;
import dev.helmholtz.dist.Distribution;
import dev.helmholtz.dist.KlDivergence;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.VariableStore;
import dev.helmholtz.objective.ImportanceWeightedBound;
import dev.helmholtz.objective.ObjectiveInputs;
import dev.helmholtz.objective.TrainingObjective;
import dev.helmholtz.objective.TrainingTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * A variational model's self-check (see {@link VariationalModel#selfCheck}). It builds a graph of
 * its own from the model's generated {@code defineInference}, with the model's variables copied
 * in, so the model's graph, random streams and training state are left exactly as they were; the
 * checks' passes are the runtime's own, so what is checked is what training and evaluation run.
 */
final class VariationalSelfCheck implements AutoCloseable {
  /** Most configurations the score-function check sums over (k-tuples of joint latent values). */
  static final int ENUMERATION_LIMIT = 4096;
  /** The false-alarm rate of a whole Monte Carlo comparison (Bonferroni over its entries). */
  static final double ALPHA = 1e-3;

  private final VariationalModel model;
  private final ModelSpec spec;
  private final SelfCheckPlan plan;
  private final SelfCheckOptions options;
  private final TrainingObjective objective;
  private final Graph graph = new Graph();
  private final Ops tf = Ops.create(graph);
  private final RandomSource random;
  private final VariableStore store;
  private final Map<String, Operand<TFloat32>> inputs = new LinkedHashMap<>();
  private final List<Row> rows = new ArrayList<>();
  private Session session;
  private VariableCopy copy;

  private VariationalSelfCheck(VariationalModel model, SelfCheckPlan plan, SelfCheckOptions options,
      TrainingObjective objective) {
    this.model = model;
    this.spec = model.spec();
    this.plan = plan;
    this.options = options;
    this.objective = objective;
    this.random = new RandomSource(tf, Seed.of(options.seed()).derive("self-check"));
    this.store = new VariableStore(tf, random);
  }

  static SelfCheckReport run(VariationalModel model, Dataset data, SelfCheckPlan plan, SelfCheckOptions options) {
    return run(model, data, plan, options, model.spec().trainingObjective());
  }

  /** With {@code objective} in place of the model's: how a test plants a wrong estimator. */
  static SelfCheckReport run(VariationalModel model, Dataset data, SelfCheckPlan plan, SelfCheckOptions options,
      TrainingObjective objective) {
    try (VariationalSelfCheck check = new VariationalSelfCheck(model, plan, options, objective)) {
      return check.check(data);
    }
  }

  private SelfCheckReport check(Dataset given) {
    for (ModelSpec.Node node : spec.observed()) {
      inputs.put(node.name(), tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE,
          node.width()))));
    }
    Map<String, Operand<TFloat32>> synthetic = given == null ? syntheticData() : Map.of();
    // 1. The bound the objective is built on, at fixed noise: its gradient against finite differences.
    int k = spec.enumerated().isPresent() ? 1 : objective.trainingSamples();
    InferencePass gradientPass = pass(k, InferencePass.Mode.SAMPLE);
    Operand<TFloat32> bound = k == 1 ? gradientPass.elboPerExample()
        : ImportanceWeightedBound.perExample(tf, gradientPass.logWeights(), tf.constant(k));
    Operand<TFloat32> value = tf.math.mean(bound, tf.constant(0));
    List<Variable<TFloat32>> modelVariables = new ArrayList<>(store.trainableVariables());
    VariableGradientCheck gradients = new VariableGradientCheck(tf, "gradient", value, modelVariables);
    List<Operand<TFloat32>> fixedDraws = new ArrayList<>();
    gradientPass.scoreFunctionLatents().forEach(name -> fixedDraws.add(gradientPass.latentValues().get(name)));
    // 2, 6. Analytic KLs and the networks' output shapes, on a single-sample pass.
    InferencePass klPass = pass(1, InferencePass.Mode.DETACHED);
    List<KlEstimate> kls = new ArrayList<>();
    for (InferencePass.AnalyticKl kl : klPass.analyticKls()) {
      kls.add(monteCarloKl(kl));
    }
    Map<InferencePass.NetworkOutput, List<Operand<TInt64>>> outputShapes = new LinkedHashMap<>();
    klPass.networkOutputs().values().forEach(out -> outputShapes.put(out, parameterShapes(out.distribution())));
    // 3. Bounds at a fed k.
    Placeholder<TInt32> boundK = tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
    InferencePass boundPass = new InferencePass(tf, spec, store, random, inputs, boundK, 0,
        InferencePass.Mode.DETACHED);
    model.defineInference(boundPass);
    Operand<TFloat32> boundWeights = boundPass.logWeights();
    // 4. Score-function estimator against enumeration.
    ScoreFunctionCheck scoreCheck = scoreFunctionCheck(gradientPass, modelVariables);

    copy = new VariableCopy(tf, store.allVariables(), random);

    session = new Session(graph);
    Session.Runner init = session.runner();
    store.initializers().forEach(init::addTarget);
    if (scoreCheck != null) {
      scoreCheck.target.initializers().forEach(init::addTarget);
    }
    init.run().close();
    copy.from(session, model);

    Dataset data = given != null ? given.take(Math.min(options.examples(), given.size())) : generate(synthetic);
    int batch = data.size();
    structure(gradientPass, klPass);
    // Fixed draws: those of the score-function latents, fetched once and fed to every evaluation.
    Map<Operand<TFloat32>, float[]> draws = new LinkedHashMap<>();
    Map<Operand<TFloat32>, Shape> drawShapes = new LinkedHashMap<>();
    if (!fixedDraws.isEmpty()) {
      reset();
      Session.Runner r = feed(session.runner(), data);
      fixedDraws.forEach(r::fetch);
      try (Result result = r.run()) {
        for (int i = 0; i < fixedDraws.size(); i++) {
          TFloat32 t = (TFloat32) result.get(i);
          draws.put(fixedDraws.get(i), BatchRuns.values(t));
          drawShapes.put(fixedDraws.get(i), t.shape());
        }
      }
    }
    UnaryOperator<Session.Runner> feeds = r -> feedDraws(feed(r, data), draws, drawShapes);
    rows.addAll(gradients.run(session, feeds, this::reset, options.entriesPerVariable(), new Random(options.seed())));
    klRows(kls, data);
    shapeRows(outputShapes, data, batch);
    boundRows(boundK, boundWeights, data);
    if (scoreCheck == null) {
      rows.add(Row.skipped("score-function", "-", scoreFunctionSkip));
    } else {
      rows.addAll(scoreCheck.run(data));
    }
    return new SelfCheckReport(spec.modelName(), rows);
  }

  private InferencePass pass(int k, InferencePass.Mode mode) {
    InferencePass pass = new InferencePass(tf, spec, store, random, inputs, tf.constant(k), k, mode);
    model.defineInference(pass);
    return pass;
  }

  // ---- structure: what the graph did against what the processor decided

  private void structure(InferencePass gradientPass, InferencePass klPass) {
    Set<String> analytic = new LinkedHashSet<>();
    klPass.analyticKls().forEach(kl -> analytic.add(kl.name()));
    compareSets("analytic KL", new LinkedHashSet<>(plan.analyticKl()), analytic);
    if (objective.differentiatesSamples()) {
      // The check's passes draw an enumerated latent instead of summing it out: not a score-function latent.
      Set<String> scored = new LinkedHashSet<>(gradientPass.scoreFunctionLatents());
      spec.enumerated().ifPresent(node -> scored.remove(node.name()));
      compareSets("score-function latents", new LinkedHashSet<>(plan.scoreFunction()), scored);
    }
  }

  private void compareSets(String what, Set<String> declared, Set<String> built) {
    boolean same = declared.equals(built);
    rows.add(Row.measured("structure", what, same ? 0 : 1, 0,
        "compiled " + declared + ", graph " + built));
  }

  // ---- 2. analytic KL against Monte Carlo

  private record KlEstimate(String name, Operand<TFloat32> analytic, Operand<TFloat32> monteCarlo) {}

  private KlEstimate monteCarloKl(InferencePass.AnalyticKl kl) {
    ModelSpec.Node node = spec.require(kl.name());
    Operand<TInt32> rows = tf.slice(tf.shape(kl.kl()), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
    Operand<TInt32> shape = tf.concat(List.of(tf.constant(new int[] {options.klDraws()}), rows,
        tf.constant(new int[] {node.width()})), tf.constant(0));
    Distribution q = kl.q().mapParameters(p -> tf.broadcastTo(p, shape));
    Distribution p = kl.p().mapParameters(x -> tf.broadcastTo(x, shape));
    Operand<TFloat32> draw = q.sample(random);
    return new KlEstimate(kl.name(), kl.kl(), KlDivergence.monteCarlo(q, p, draw));
  }

  private void klRows(List<KlEstimate> kls, Dataset data) {
    if (kls.isEmpty()) {
      rows.add(Row.skipped("kl", "-", "no latent of this model has an analytic KL"));
      return;
    }
    double z = Statistics.bonferroniZ(kls.size(), ALPHA);
    for (KlEstimate kl : kls) {
      reset();
      try (Result r = feed(session.runner(), data).fetch(kl.analytic()).fetch(kl.monteCarlo()).run()) {
        float[] analytic = BatchRuns.values((TFloat32) r.get(0));
        float[] mc = BatchRuns.values((TFloat32) r.get(1)); // [draws, rows]
        int n = analytic.length;
        double exact = 0;
        for (float a : analytic) {
          exact += a / n;
        }
        double[] perDraw = new double[options.klDraws()];
        for (int s = 0; s < perDraw.length; s++) {
          for (int b = 0; b < n; b++) {
            perDraw[s] += mc[s * n + b] / n;
          }
        }
        Statistics.MeanError estimate = Statistics.meanError(perDraw);
        double tolerance = z * estimate.standardError() + 1e-4 * (1 + Math.abs(exact));
        rows.add(Row.measured("kl", kl.name(), Math.abs(exact - estimate.mean()), tolerance, String.format(
            Locale.ROOT, "analytic %.4f, Monte Carlo %.4f ± %.4f (%d draws per example, %.2f standard errors)",
            exact, estimate.mean(), estimate.standardError(), options.klDraws(), z)));
      }
    }
  }

  // ---- 6. shapes

  private List<Operand<TInt64>> parameterShapes(Distribution d) {
    List<Operand<TInt64>> shapes = new ArrayList<>();
    d.mapParameters(p -> {
      shapes.add(tf.shape(p, TInt64.class));
      return p;
    });
    return shapes;
  }

  private void shapeRows(Map<InferencePass.NetworkOutput, List<Operand<TInt64>>> outputs, Dataset data, int batch) {
    for (var entry : outputs.entrySet()) {
      InferencePass.NetworkOutput out = entry.getKey();
      reset();
      Session.Runner r = feed(session.runner(), data);
      entry.getValue().forEach(r::fetch);
      List<long[]> shapes = new ArrayList<>();
      try (Result result = r.run()) {
        for (int i = 0; i < entry.getValue().size(); i++) {
          TInt64 t = (TInt64) result.get(i);
          long[] s = new long[(int) t.shape().size()];
          for (int j = 0; j < s.length; j++) {
            s[j] = t.getLong(j);
          }
          shapes.add(s);
        }
      }
      rows.add(EventShapes.compare(out.what() + " of node " + out.node().name(), shapes, out.node().shape(), batch));
    }
  }

  // ---- 3. bound ordering

  private void boundRows(Placeholder<TInt32> k, Operand<TFloat32> logWeights, Dataset data) {
    if (spec.latents().isEmpty()) {
      rows.add(Row.skipped("bounds", "-", "the model has no latents: its bounds are its log-likelihood"));
      return;
    }
    int small = Math.max(2, objective.trainingSamples() > 1 ? objective.trainingSamples() : 5);
    int large = Math.max(small * 2, Math.min(small * 10, options.boundSamples() / 10));
    // At least four groups of the larger k, so that each bound has a standard error (one group has none).
    int samples = Math.max(options.boundSamples(), 4 * large);
    float[] w;
    int n = data.size();
    reset();
    try (TInt32 kValue = TInt32.scalarOf(samples);
        Result r = feed(session.runner(), data).feed(k, kValue).fetch(logWeights).run()) {
      w = BatchRuns.values((TFloat32) r.get(0)); // [samples, n]
    }
    Statistics.MeanError elbo = grouped(w, n, samples, 1);
    Statistics.MeanError iwae = grouped(w, n, samples, small);
    Statistics.MeanError iwaeLarge = grouped(w, n, samples, large);
    Statistics.MeanError logLikelihood = logLikelihood(w, n, samples);
    String[] names = {"ELBO", "IWAE k=" + small, "IWAE k=" + large, "log-likelihood k=" + samples};
    Statistics.MeanError[] values = {elbo, iwae, iwaeLarge, logLikelihood};
    double z = Statistics.bonferroniZ(3, ALPHA);
    for (int i = 0; i + 1 < values.length; i++) {
      double se = Math.hypot(values[i].standardError(), values[i + 1].standardError());
      double excess = values[i].mean() - values[i + 1].mean();
      rows.add(Row.measured("bounds", names[i] + " <= " + names[i + 1], excess, z * se + 1e-4 * (1
          + Math.abs(values[i].mean())), String.format(Locale.ROOT, "%.4f ± %.4f vs %.4f ± %.4f (%d draws per "
          + "example, %.2f standard errors)", values[i].mean(), values[i].standardError(), values[i + 1].mean(),
          values[i + 1].standardError(), samples, z)));
    }
  }

  /** The mean over examples of the k-sample bound, from the draws in groups of k, with its standard error. */
  private static Statistics.MeanError grouped(float[] w, int n, int samples, int k) {
    int groups = samples / k;
    double mean = 0;
    double variance = 0;
    for (int b = 0; b < n; b++) {
      double[] perGroup = new double[groups];
      for (int g = 0; g < groups; g++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
          max = Math.max(max, w[(g * k + j) * n + b]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
          sum += Math.exp(w[(g * k + j) * n + b] - max);
        }
        perGroup[g] = max + Math.log(sum / k);
      }
      Statistics.MeanError e = Statistics.meanError(perGroup);
      mean += e.mean() / n;
      variance += e.standardError() * e.standardError() / ((double) n * n);
    }
    return new Statistics.MeanError(mean, Math.sqrt(variance));
  }

  /** The importance-sampled log-likelihood with all draws, and its delta-method standard error. */
  private static Statistics.MeanError logLikelihood(float[] w, int n, int samples) {
    double mean = 0;
    double variance = 0;
    for (int b = 0; b < n; b++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int s = 0; s < samples; s++) {
        max = Math.max(max, w[s * n + b]);
      }
      double[] scaled = new double[samples];
      for (int s = 0; s < samples; s++) {
        scaled[s] = Math.exp(w[s * n + b] - max);
      }
      Statistics.MeanError e = Statistics.meanError(scaled);
      mean += (max + Math.log(e.mean())) / n;
      double se = e.standardError() / e.mean();
      variance += se * se / ((double) n * n);
    }
    return new Statistics.MeanError(mean, Math.sqrt(variance));
  }

  // ---- 4. score-function estimator against enumeration

  private String scoreFunctionSkip;

  private final class ScoreFunctionCheck {
    final TrainingTarget target;
    final List<Variable<TFloat32>> variables;
    final List<Operand<?>> estimate;
    final List<Operand<?>> exact;
    final String latents;

    ScoreFunctionCheck(TrainingTarget target, List<Variable<TFloat32>> variables, List<Operand<?>> estimate,
        List<Operand<?>> exact, String latents) {
      this.target = target;
      this.variables = variables;
      this.estimate = estimate;
      this.exact = exact;
      this.latents = latents;
    }

    List<Row> run(Dataset data) {
      double[][] exactValues = new double[variables.size()][];
      reset();
      Session.Runner r = feed(session.runner(), data);
      exact.forEach(r::fetch);
      try (Result result = r.run()) {
        for (int i = 0; i < variables.size(); i++) {
          exactValues[i] = toDouble(BatchRuns.values((TFloat32) result.get(i)));
        }
      }
      // Per variable: a random +-1 projection and the entry of largest exact gradient.
      Random rng = new Random(options.seed() + 17);
      List<double[]> projections = new ArrayList<>();
      List<String> subjects = new ArrayList<>();
      List<Double> exactFigures = new ArrayList<>();
      for (int i = 0; i < variables.size(); i++) {
        int n = exactValues[i].length;
        double[] direction = new double[n];
        int largest = 0;
        for (int j = 0; j < n; j++) {
          direction[j] = rng.nextBoolean() ? 1 : -1;
          if (Math.abs(exactValues[i][j]) > Math.abs(exactValues[i][largest])) {
            largest = j;
          }
        }
        double[] unit = new double[n];
        unit[largest] = 1;
        String name = variables.get(i).op().name();
        projections.add(direction);
        subjects.add(name + " (random direction)");
        exactFigures.add(dot(direction, exactValues[i]));
        projections.add(unit);
        subjects.add(name + "[" + largest + "]");
        exactFigures.add(exactValues[i][largest]);
      }
      Dataset copies = copies(data, options.scoreFunctionCopies());
      double[][] perRun = new double[subjects.size()][options.scoreFunctionRuns()];
      for (int run = 0; run < options.scoreFunctionRuns(); run++) {
        Session.Runner runner = feed(session.runner(), copies);
        estimate.forEach(runner::fetch);
        try (Result result = runner.run()) {
          for (int i = 0; i < variables.size(); i++) {
            double[] g = toDouble(BatchRuns.values((TFloat32) result.get(i)));
            perRun[2 * i][run] = dot(projections.get(2 * i), g);
            perRun[2 * i + 1][run] = dot(projections.get(2 * i + 1), g);
          }
        }
      }
      double z = Statistics.bonferroniZ(subjects.size(), ALPHA);
      List<Row> out = new ArrayList<>();
      for (int i = 0; i < subjects.size(); i++) {
        Statistics.MeanError e = Statistics.meanError(perRun[i]);
        double exactValue = exactFigures.get(i);
        double tolerance = z * e.standardError() + 1e-4 * (1 + Math.abs(exactValue));
        out.add(Row.measured("score-function", subjects.get(i), Math.abs(e.mean() - exactValue), tolerance,
            String.format(Locale.ROOT, "estimator %.4g ± %.2g, enumerated %.4g (%s, %d runs of %d copies, %.2f "
                + "standard errors)", e.mean(), e.standardError(), exactValue, latents,
                options.scoreFunctionRuns(), options.scoreFunctionCopies(), z)));
      }
      return out;
    }
  }

  private ScoreFunctionCheck scoreFunctionCheck(InferencePass gradientPass, List<Variable<TFloat32>> modelVariables) {
    Set<String> scored = gradientPass.scoreFunctionLatents();
    if (scored.isEmpty()) {
      scoreFunctionSkip = "no latent of this model is trained by a score-function estimator";
      return null;
    }
    ObjectiveKind kind = spec.objective();
    if (kind != ObjectiveKind.NVIL && kind != ObjectiveKind.VIMCO) {
      scoreFunctionSkip = kind + " does not follow the gradient of one objective";
      return null;
    }
    if (scored.size() != spec.latents().size()) {
      scoreFunctionSkip = "the model mixes score-function latents " + scored + " with others";
      return null;
    }
    // The joint configurations of the latents: 2^width for a Bernoulli, one per class for a Categorical.
    List<float[][]> configurations = new ArrayList<>();
    long count = 1;
    for (String name : scored) {
      Distribution q = gradientPass.drawnFrom().get(name);
      int width = spec.require(name).width();
      if (!(q instanceof Bernoulli || q instanceof Categorical) || !plan.enumerable().contains(name)) {
        scoreFunctionSkip = "latent " + name + " (" + q.familyName() + ") cannot be enumerated";
        return null;
      }
      if (q instanceof Bernoulli && width > 12) {
        scoreFunctionSkip = "latent " + name + " has " + width + " binary units: 2^" + width
            + " configurations, beyond the enumeration limit of " + ENUMERATION_LIMIT;
        return null;
      }
      float[][] values = q instanceof Bernoulli ? binary(width) : oneHot(width);
      configurations.add(values);
      count *= values.length;
    }
    int k = objective.trainingSamples();
    double tuples = Math.pow(count, k);
    if (tuples > ENUMERATION_LIMIT) {
      scoreFunctionSkip = String.format(Locale.ROOT, "%d joint configurations of %s over %d samples: %.3g, beyond "
          + "the enumeration limit of %d", count, scored, k, tuples, ENUMERATION_LIMIT);
      return null;
    }
    int c = (int) count;
    // Exact: every joint configuration scored for every example by a dream pass, weighted by q.
    Map<String, Operand<TFloat32>> tiled = new LinkedHashMap<>();
    Operand<TInt32> batch = gradientPass.batchSize();
    inputs.forEach((name, x) -> tiled.put(name, tf.tile(x, tf.constant(new int[] {c, 1}))));
    Map<String, Operand<TFloat32>> dreams = new LinkedHashMap<>();
    int period = c;
    int latentIndex = 0;
    for (String name : scored) {
      float[][] values = configurations.get(latentIndex++);
      period /= values.length;
      int width = values[0].length;
      float[] joint = new float[c * width];
      for (int j = 0; j < c; j++) {
        System.arraycopy(values[(j / period) % values.length], 0, joint, j * width, width);
      }
      Operand<TFloat32> perConfiguration = tf.constant(Shape.of(c, 1, width), DataBuffers.of(joint));
      Operand<TInt32> expanded = tf.stack(List.of(tf.constant(c), batch, tf.constant(width)));
      dreams.put(name, tf.reshape(tf.broadcastTo(perConfiguration, expanded), tf.constant(new int[] {-1, width})));
    }
    InferencePass enumeration = new InferencePass(tf, spec, store, random, tiled, tf.constant(1), 1,
        InferencePass.Mode.DREAM, dreams);
    model.defineInference(enumeration);
    Operand<TInt32> grid = tf.stack(List.of(tf.constant(c), batch));
    Operand<TFloat32> logW = tf.reshape(enumeration.logWeights(), grid);
    Operand<TFloat32> logQ = tf.reshape(enumeration.logPosterior(), grid);
    int t = (int) tuples;
    int[] index = new int[t * k];
    for (int i = 0; i < t; i++) {
      int rest = i;
      for (int j = 0; j < k; j++) {
        index[i * k + j] = rest % c;
        rest /= c;
      }
    }
    Operand<TInt32> tupleIndex = tf.constant(Shape.of(t, k), DataBuffers.of(index, true, false));
    Operand<TFloat32> tupleW = tf.gather(logW, tupleIndex, tf.constant(0)); // [t, k, B]
    Operand<TFloat32> tupleLogQ = tf.reduceSum(tf.gather(logQ, tupleIndex, tf.constant(0)), tf.constant(1));
    Operand<TFloat32> tupleBound = tf.math.sub(
        dev.helmholtz.objective.LogSumExp.reduce(tf, tupleW, 1), tf.constant((float) Math.log(k)));
    Operand<TFloat32> expected = tf.math.mean(
        tf.reduceSum(tf.math.mul(tf.math.exp(tupleLogQ), tupleBound), tf.constant(0)), tf.constant(0));
    // The estimator: the objective's own target on a fresh pass, many copies of each example per run.
    InferencePass sampled = pass(k, InferencePass.Mode.SAMPLE);
    TrainingTarget target = objective.target(new ObjectiveInputs(tf, sampled, store, inputs, () -> {
      throw new IllegalStateException("the self-check builds no sleep pass");
    }));
    List<Variable<TFloat32>> checked = new ArrayList<>();
    List<Variable<TFloat32>> reached = reachable(expected, modelVariables);
    checked.addAll(reached);
    List<Output<?>> exact = tf.withSubScope("self_check_exact").gradients(expected, checked).dy();
    List<Output<?>> estimated = tf.withSubScope("self_check_estimate").gradients(tf.math.neg(target.loss()),
        checked).dy();
    List<Operand<?>> exactOps = new ArrayList<>();
    List<Operand<?>> estimateOps = new ArrayList<>();
    for (int i = 0; i < checked.size(); i++) {
      exactOps.add(exact.get(i) == null || exact.get(i).isClosed() ? tf.zerosLike(checked.get(i)) : exact.get(i));
      estimateOps.add(estimated.get(i) == null || estimated.get(i).isClosed() ? tf.zerosLike(checked.get(i))
          : estimated.get(i));
    }
    return new ScoreFunctionCheck(target, checked, estimateOps, exactOps, scored + " summed out over " + c
        + (k > 1 ? "^" + k : "") + " configurations");
  }

  private static List<Variable<TFloat32>> reachable(Operand<TFloat32> value, List<Variable<TFloat32>> candidates) {
    Set<String> reached = new java.util.HashSet<>();
    java.util.Deque<org.tensorflow.GraphOperation> todo = new java.util.ArrayDeque<>();
    todo.push((org.tensorflow.GraphOperation) value.op());
    while (!todo.isEmpty()) {
      org.tensorflow.GraphOperation op = todo.pop();
      for (int i = 0; i < op.numInputs(); i++) {
        org.tensorflow.GraphOperation in = (org.tensorflow.GraphOperation) op.input(i).op();
        if (reached.add(in.name())) {
          todo.push(in);
        }
      }
    }
    return candidates.stream().filter(v -> reached.contains(v.op().name())).toList();
  }

  private static float[][] binary(int width) {
    float[][] out = new float[1 << width][width];
    for (int i = 0; i < out.length; i++) {
      for (int j = 0; j < width; j++) {
        out[i][j] = (i >> j) & 1;
      }
    }
    return out;
  }

  private static float[][] oneHot(int classes) {
    float[][] out = new float[classes][classes];
    for (int i = 0; i < classes; i++) {
      out[i][i] = 1;
    }
    return out;
  }

  private static Dataset copies(Dataset data, int copies) {
    Dataset out = null;
    for (String column : data.columns()) {
      float[] flat = data.flat(column);
      float[] repeated = new float[flat.length * copies];
      for (int c = 0; c < copies; c++) {
        System.arraycopy(flat, 0, repeated, c * flat.length, flat.length);
      }
      out = out == null ? Dataset.of(column, repeated, data.eventShape(column))
          : out.with(column, repeated, data.eventShape(column));
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double[] toDouble(float[] xs) {
    double[] out = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      out[i] = xs[i];
    }
    return out;
  }

  // ---- data, variables, noise

  /** Synthetic data of the declared shapes: draws from the model itself, given nodes one-hot. */
  private Map<String, Operand<TFloat32>> syntheticData() {
    Map<String, Operand<TFloat32>> given = new LinkedHashMap<>();
    int n = options.examples();
    for (ModelSpec.Node node : spec.given()) {
      float[] rows = new float[n * node.width()];
      for (int i = 0; i < n; i++) {
        rows[i * node.width() + i % node.width()] = 1;
      }
      given.put(node.name(), tf.constant(Shape.of(n, node.width()), DataBuffers.of(rows)));
    }
    GenerativePass generative = new GenerativePass(tf, spec, store, random, tf.constant(n), given);
    model.defineGeneration(generative);
    Map<String, Operand<TFloat32>> out = new LinkedHashMap<>();
    spec.observed().forEach(node -> out.put(node.name(), generative.samples().get(node.name())));
    return out;
  }

  private Dataset generate(Map<String, Operand<TFloat32>> synthetic) {
    Session.Runner r = session.runner();
    synthetic.values().forEach(r::fetch);
    Dataset data = null;
    try (Result result = r.run()) {
      int i = 0;
      for (String name : synthetic.keySet()) {
        float[] flat = BatchRuns.values((TFloat32) result.get(i++));
        int width = spec.require(name).width();
        data = data == null ? Dataset.of(name, flat, width) : data.with(name, flat, width);
      }
    }
    return data;
  }

  private void reset() {
    copy.resetNoise(session);
  }

  private Session.Runner feed(Session.Runner runner, Dataset data) {
    List<TFloat32> open = new ArrayList<>();
    for (ModelSpec.Node node : spec.observed()) {
      if (!data.has(node.name())) {
        throw new IllegalArgumentException("the data for the self-check of " + spec.modelName()
            + " has no column '" + node.name() + "'; its columns are " + data.columns());
      }
      TFloat32 t = TFloat32.tensorOf(Shape.of(data.size(), node.width()),
          DataBuffers.of(data.flat(node.name()), true, false));
      open.add(t);
      runner.feed(inputs.get(node.name()), t);
    }
    tensors.addAll(open);
    return runner;
  }

  private Session.Runner feedDraws(Session.Runner runner, Map<Operand<TFloat32>, float[]> draws,
      Map<Operand<TFloat32>, Shape> shapes) {
    for (Map.Entry<Operand<TFloat32>, float[]> d : draws.entrySet()) {
      TFloat32 t = TFloat32.tensorOf(shapes.get(d.getKey()), DataBuffers.of(d.getValue(), true, false));
      tensors.add(t);
      runner.feed(d.getKey(), t);
    }
    return runner;
  }

  /** Fed tensors, closed after each run's results are read (and all of them on close). */
  private final List<TFloat32> tensors = new ArrayList<>();

  @Override
  public void close() {
    tensors.forEach(TFloat32::close);
    if (session != null) {
      session.close();
    }
    graph.close();
  }
}
