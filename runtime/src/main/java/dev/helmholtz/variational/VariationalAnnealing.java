package dev.helmholtz.variational;

import dev.helmholtz.check.VariableCopy;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Distribution;
import dev.helmholtz.dist.Support;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.AnnealedImportanceSampler;
import dev.helmholtz.nn.VariableStore;
import dev.helmholtz.train.ThreadSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Annealed importance sampling of a variational model's log p(x) ({@link AnnealedImportanceSampler}),
 * in a graph of its own with the model's variables copied in, as the self-check builds its own.
 * The path's two terms come from the generated {@code defineInference} run as a {@link
 * InferencePass.Mode#DREAM} pass: its latents take the chains' values (the HMC state, every latent
 * side by side in one vector), so the pass's log p(x, z) and its observed nodes' log p(x | z) are
 * the model's at those values, and log p(z) is their difference; the chains start from p(z) drawn
 * by the generated {@code defineGeneration} (given each chain's example's given nodes). HMC moves over the reals, so every latent must be drawn
 * from a family of real support (a Normal, a flow); a discrete or bounded latent is refused.
 */
final class VariationalAnnealing {
  private VariationalAnnealing() {}

  static AnnealedImportanceSampler.Estimate run(VariationalModel model, Dataset data, int leapfrogSteps,
      AnnealedImportanceSampler.Settings settings, ThreadSettings threads) {
    ModelSpec spec = model.spec();
    List<ModelSpec.Node> observed = spec.observed();
    List<ModelSpec.Node> latents = spec.latents();
    if (latents.isEmpty()) {
      throw new IllegalArgumentException(spec.modelName() + " has no latents to anneal over");
    }
    int width = observed.stream().mapToInt(ModelSpec.Node::width).sum();
    int dims = latents.stream().mapToInt(ModelSpec.Node::width).sum();
    float[][] x = rows(data, observed, width);
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      RandomSource random = new RandomSource(tf, Seed.of(settings.seed()).derive("ais"));
      VariableStore store = new VariableStore(tf, random);
      List<InferencePass> passes = new ArrayList<>();
      AnnealedImportanceSampler.Target target = (ops, xs, zs) -> {
        Map<String, Operand<TFloat32>> values = columns(tf, xs, observed);
        Map<String, Operand<TFloat32>> dreams = columns(tf, zs, latents);
        InferencePass pass = new InferencePass(tf, spec, store, random, values, tf.constant(1), 1,
            InferencePass.Mode.DREAM, dreams);
        model.defineInference(pass);
        passes.add(pass);
        Operand<TFloat32> logJoint = tf.reshape(pass.logJoint(), tf.constant(new long[] {-1}));
        Operand<TFloat32> logLikelihood = tf.reshape(pass.observedLogLikelihood(), tf.constant(new long[] {-1}));
        return new AnnealedImportanceSampler.Densities(tf.math.sub(logJoint, logLikelihood), logLikelihood);
      };
      AnnealedImportanceSampler.Transition transition = AnnealedImportanceSampler.build(tf, target, width, dims,
          leapfrogSteps);
      for (Map.Entry<String, Distribution> drawn : passes.get(0).drawnFrom().entrySet()) {
        if (drawn.getValue().support() != Support.REAL) {
          throw new IllegalArgumentException("AIS moves latents by HMC over the reals, but latent '" + drawn.getKey()
              + "' of " + spec.modelName() + " is drawn from " + drawn.getValue().familyName()
              + ", of support " + drawn.getValue().support() + "; estimate its log-likelihood by importance sampling");
        }
      }
      Placeholder<TInt32> count = tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
      // A conditional model's prior draws see each chain's example's given nodes.
      Map<String, Placeholder<TFloat32>> givenInputs = new LinkedHashMap<>();
      for (ModelSpec.Node node : spec.given()) {
        givenInputs.put(node.name(), tf.placeholder(TFloat32.class,
            Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, node.width()))));
      }
      GenerativePass prior = new GenerativePass(tf, spec, store, random, count, new LinkedHashMap<>(givenInputs));
      model.defineGeneration(prior);
      List<Operand<TFloat32>> draws = latents.stream().map(n -> prior.samples().get(n.name())).toList();
      Operand<TFloat32> priorDraw = draws.size() == 1 ? draws.get(0) : tf.concat(draws, tf.constant(-1));
      VariableCopy copy = new VariableCopy(tf, store.allVariables(), random);
      try (Session session = new Session(graph, threads.toConfig())) {
        Session.Runner init = session.runner();
        store.initializers().forEach(init::addTarget);
        init.run().close();
        copy.from(session, model);
        return AnnealedImportanceSampler.run(session, transition, x, n -> {
          List<TFloat32> givenValues = givenColumns(data, spec.given(), n / x.length);
          try (TInt32 rows = TInt32.scalarOf(n); Result result = feedAll(session.runner().feed(count, rows),
              givenInputs, givenValues).fetch(priorDraw).run()) {
            float[] flat = new float[n * dims];
            ((TFloat32) result.get(0)).copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(flat, false, false));
            float[][] z = new float[n][dims];
            for (int r = 0; r < n; r++) {
              System.arraycopy(flat, r * dims, z[r], 0, dims);
            }
            return z;
          } finally {
            givenValues.forEach(TFloat32::close);
          }
        }, settings);
      }
    }
  }

  /** The nodes' columns of {@code values} {@code [n, sum of widths]}, each {@code [n, width]}. */
  private static Map<String, Operand<TFloat32>> columns(Ops tf, Operand<TFloat32> values, List<ModelSpec.Node> nodes) {
    Map<String, Operand<TFloat32>> out = new LinkedHashMap<>();
    int from = 0;
    for (ModelSpec.Node node : nodes) {
      out.put(node.name(), nodes.size() == 1 ? values : tf.slice(values, tf.constant(new int[] {0, from}),
          tf.constant(new int[] {-1, node.width()})));
      from += node.width();
    }
    return out;
  }

  /** Each given node's column with every example repeated {@code chains} times, as AIS orders its rows. */
  private static List<TFloat32> givenColumns(Dataset data, List<ModelSpec.Node> given, int chains) {
    List<TFloat32> out = new ArrayList<>();
    for (ModelSpec.Node node : given) {
      float[] flat = data.flat(node.name());
      int w = node.width();
      float[] tiled = new float[data.size() * chains * w];
      for (int i = 0; i < data.size(); i++) {
        for (int c = 0; c < chains; c++) {
          System.arraycopy(flat, i * w, tiled, (i * chains + c) * w, w);
        }
      }
      out.add(TFloat32.tensorOf(Shape.of((long) data.size() * chains, w),
          org.tensorflow.ndarray.buffer.DataBuffers.of(tiled, true, false)));
    }
    return out;
  }

  private static Session.Runner feedAll(Session.Runner runner, Map<String, Placeholder<TFloat32>> inputs,
      List<TFloat32> values) {
    int i = 0;
    for (Placeholder<TFloat32> input : inputs.values()) {
      runner.feed(input, values.get(i++));
    }
    return runner;
  }

  /** Each example's observed columns side by side. */
  private static float[][] rows(Dataset data, List<ModelSpec.Node> nodes, int width) {
    float[][] x = new float[data.size()][width];
    int from = 0;
    for (ModelSpec.Node node : nodes) {
      if (!data.has(node.name())) {
        throw new IllegalArgumentException("the data has no column '" + node.name() + "'");
      }
      if (data.isDynamicallyBinarized(node.name())) {
        throw new IllegalArgumentException("column '" + node.name() + "' is dynamically binarized: AIS scores fixed "
            + "data, binarize it once with binarized(\"" + node.name() + "\", seed) as evaluation does");
      }
      float[] flat = data.flat(node.name());
      int w = node.width();
      for (int i = 0; i < x.length; i++) {
        System.arraycopy(flat, i * w, x[i], from, w);
      }
      from += w;
    }
    return x;
  }
}
