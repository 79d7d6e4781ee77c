package dev.helmholtz.bayesian;

import dev.helmholtz.check.EventShapes;
import dev.helmholtz.check.FiniteDifferences;
import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.check.SelfCheckReport.Row;
import dev.helmholtz.core.BatchRuns;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Distribution;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.LogDensity;
import dev.helmholtz.infer.ParameterLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
import org.tensorflow.types.TInt64;

/**
 * A Bayesian model's self-check (see {@link BayesianModel#selfCheck}): at draws of the global
 * latents from their priors (drawn in the order the model defines them, so a prior may depend on
 * an earlier global), (5) the log posterior's gradient against central finite differences, the
 * density being the one HMC and VI are given ({@link BayesianModel#logPosterior}); and (6) each
 * prior's and likelihood's shape against its node's width.
 */
final class BayesianSelfCheck {
  /** Prior draws the gradient is checked at. */
  static final int DRAWS = 3;

  private BayesianSelfCheck() {}

  static SelfCheckReport run(BayesianModel model, Dataset given, SelfCheckOptions options) {
    BayesianSpec spec = model.spec();
    List<Row> rows = new ArrayList<>();
    Random random = new Random(options.seed());
    try {
      check(model, given, options, rows, random);
    } finally {
      OPEN.get().forEach(TFloat32::close);
      OPEN.remove();
    }
    rows.add(Row.skipped("gradient", "-", "a model of global latents trains no network weights"));
    rows.add(Row.skipped("kl", "-", "HMC and VI use the log density, not KL terms"));
    rows.add(Row.skipped("bounds", "-", "a model of global latents has no amortized bound"));
    rows.add(Row.skipped("score-function", "-", "no score-function estimator"));
    return new SelfCheckReport(spec.modelName(), rows);
  }

  private static void check(BayesianModel model, Dataset given, SelfCheckOptions options, List<Row> rows,
      Random random) {
    BayesianSpec spec = model.spec();
    ParameterLayout layout = spec.parameters();
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      RandomSource source = new RandomSource(tf, Seed.of(options.seed()).derive("self-check"));
      Placeholder<TFloat32> theta = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(DRAWS, layout.dims())));
      int n = given == null ? options.examples() : Math.min(options.examples(), given.size());
      // The priors, and the likelihoods for synthetic data, from a pass over given columns only.
      Map<String, Operand<TFloat32>> givenColumns = new LinkedHashMap<>();
      Map<String, Placeholder<TFloat32>> inputs = new LinkedHashMap<>();
      spec.columns().forEach((name, width) -> inputs.put(name,
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(n, width)))));
      spec.given().keySet().forEach(name -> givenColumns.put(name, inputs.get(name)));
      BayesianPass predictive = new BayesianPass(tf, spec, BayesianPass.Mode.PREDICTIVE, theta, n, givenColumns,
          new LinkedHashMap<>());
      model.define(predictive);
      Map<String, Operand<TFloat32>> priorDraws = new LinkedHashMap<>();
      predictive.priors().forEach((name, prior) -> priorDraws.put(name, draw(tf, prior, source,
          layout.parameter(name).width())));
      Map<String, Operand<TFloat32>> dataDraws = new LinkedHashMap<>();
      predictive.observations().forEach((name, likelihood) -> dataDraws.put(name, likelihood.sample(source)));
      Map<String, List<Operand<TInt64>>> shapes = new LinkedHashMap<>();
      predictive.priors().forEach((name, prior) -> shapes.put("prior of global " + name, shapes(tf, prior)));
      predictive.observations().forEach((name, l) -> shapes.put("likelihood of node " + name, shapes(tf, l)));
      // The log posterior as HMC gets it, built on the data once it is known: a density of placeholders.
      Map<String, Operand<TFloat32>> allColumns = new LinkedHashMap<>(inputs);
      BayesianPass density = new BayesianPass(tf, spec, BayesianPass.Mode.LOG_DENSITY, theta, n, allColumns,
          new LinkedHashMap<>());
      model.define(density);
      Operand<TFloat32> logJoint = tf.reduceSum(density.logJoint(), tf.constant(0));
      Operand<TFloat32> gradient = tf.gradients(logJoint, List.of(theta)).dy().get(0).expect(TFloat32.class);

      try (Session session = new Session(graph)) {
        float[] givenValues = null;
        Map<String, float[]> columns = new LinkedHashMap<>();
        for (String name : spec.given().keySet()) {
          int width = spec.given().get(name);
          float[] values = new float[n * width];
          if (given != null) {
            System.arraycopy(given.flat(name), 0, values, 0, values.length);
          } else {
            for (int i = 0; i < values.length; i++) {
              values[i] = (float) random.nextGaussian();
            }
          }
          columns.put(name, values);
        }
        // Ancestral draws of theta: global i from its prior given the globals drawn before it.
        float[] point = new float[DRAWS * layout.dims()];
        for (ParameterLayout.Parameter p : layout.parameters()) {
          Session.Runner r = feed(session.runner(), theta, point, layout.dims(), inputs, columns, n);
          float[] draw;
          try (Result result = r.fetch(priorDraws.get(p.name())).run()) {
            draw = BatchRuns.values((TFloat32) result.get(0));
          }
          for (int d = 0; d < DRAWS; d++) {
            System.arraycopy(draw, d * p.width(), point, d * layout.dims() + p.offset(), p.width());
          }
        }
        // Data: the user's rows, or one prior-predictive draw per example at the first theta.
        for (String name : spec.observed().keySet()) {
          int width = spec.observed().get(name);
          float[] values = new float[n * width];
          if (given != null) {
            System.arraycopy(given.flat(name), 0, values, 0, values.length);
          } else {
            try (Result result = feed(session.runner(), theta, point, layout.dims(), inputs, columns, n)
                .fetch(dataDraws.get(name)).run()) {
              System.arraycopy(BatchRuns.values((TFloat32) result.get(0)), 0, values, 0, values.length);
            }
          }
          columns.put(name, values);
        }
        for (var entry : shapes.entrySet()) {
          Session.Runner r = feed(session.runner(), theta, point, layout.dims(), inputs, columns, n);
          entry.getValue().forEach(r::fetch);
          List<long[]> fetched = new ArrayList<>();
          try (Result result = r.run()) {
            for (int i = 0; i < entry.getValue().size(); i++) {
              TInt64 t = (TInt64) result.get(i);
              long[] s = new long[(int) t.shape().size()];
              for (int j = 0; j < s.length; j++) {
                s[j] = t.getLong(j);
              }
              fetched.add(s);
            }
          }
          String name = entry.getKey().substring(entry.getKey().lastIndexOf(' ') + 1);
          int width = entry.getKey().startsWith("prior") ? layout.parameter(name).width() : spec.observed().get(name);
          long expectedRows = entry.getKey().startsWith("prior") ? DRAWS : (long) DRAWS * n;
          rows.add(EventShapes.compare(entry.getKey(), fetched, List.of(width), expectedRows));
        }
        // 5. The log density's gradient at the prior draws.
        float f;
        float[] g;
        try (Result result = feed(session.runner(), theta, point, layout.dims(), inputs, columns, n)
            .fetch(logJoint).fetch(gradient).run()) {
          f = ((TFloat32) result.get(0)).getFloat();
          g = BatchRuns.values((TFloat32) result.get(1));
        }
        float[] base = point;
        for (ParameterLayout.Parameter p : layout.parameters()) {
          float[] direction = new float[base.length];
          double along = 0;
          int largest = -1;
          for (int d = 0; d < DRAWS; d++) {
            for (int j = 0; j < p.width(); j++) {
              int index = d * layout.dims() + p.offset() + j;
              direction[index] = random.nextBoolean() ? 1 : -1;
              along += direction[index] * g[index];
              if (largest < 0 || Math.abs(g[index]) > Math.abs(g[largest])) {
                largest = index;
              }
            }
          }
          rows.add(FiniteDifferences.compare("log-density", "global " + p.name() + " (random direction)", along, f,
              t -> value(session, theta, shifted(base, direction, t), layout.dims(), inputs, columns, n, logJoint),
              FiniteDifferences.step(f, along)));
          float[] unit = new float[base.length];
          unit[largest] = 1;
          rows.add(FiniteDifferences.compare("log-density", "global " + layout.label(largest % layout.dims())
              + " at prior draw " + largest / layout.dims(), g[largest], f,
              t -> value(session, theta, shifted(base, unit, t), layout.dims(), inputs, columns, n, logJoint),
              FiniteDifferences.step(f, g[largest])));
        }
      }
    }
  }

  private static Operand<TFloat32> draw(Ops tf, Distribution prior, RandomSource source, int width) {
    Operand<TInt32> shape = tf.constant(new int[] {DRAWS, width});
    return prior.mapParameters(p -> tf.broadcastTo(p, shape)).sample(source);
  }

  private static List<Operand<TInt64>> shapes(Ops tf, Distribution d) {
    List<Operand<TInt64>> out = new ArrayList<>();
    d.mapParameters(p -> {
      out.add(tf.shape(p, TInt64.class));
      return p;
    });
    return out;
  }

  private static float[] shifted(float[] base, float[] direction, double t) {
    float[] out = base.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (base[i] + t * direction[i]);
    }
    return out;
  }

  private static double value(Session session, Placeholder<TFloat32> theta, float[] point, int dims,
      Map<String, Placeholder<TFloat32>> inputs, Map<String, float[]> columns, int n, Operand<TFloat32> logJoint) {
    try (Result result = feed(session.runner(), theta, point, dims, inputs, columns, n).fetch(logJoint).run()) {
      return ((TFloat32) result.get(0)).getFloat();
    }
  }

  /** The tensors fed to the check's runs, closed when it ends (the check is small: a few hundred runs). */
  private static final ThreadLocal<List<TFloat32>> OPEN = ThreadLocal.withInitial(ArrayList::new);

  /** Feeds theta and every column known so far. */
  private static Session.Runner feed(Session.Runner runner, Placeholder<TFloat32> theta, float[] point, int dims,
      Map<String, Placeholder<TFloat32>> inputs, Map<String, float[]> columns, int n) {
    TFloat32 t = TFloat32.tensorOf(Shape.of(DRAWS, dims), DataBuffers.of(point, true, false));
    List<TFloat32> open = new ArrayList<>(List.of(t));
    runner.feed(theta, t);
    columns.forEach((name, values) -> {
      TFloat32 c = TFloat32.tensorOf(Shape.of(n, values.length / n), DataBuffers.of(values, true, false));
      open.add(c);
      runner.feed(inputs.get(name), c);
    });
    OPEN.get().addAll(open);
    return runner;
  }
}
