package dev.helmholtz.energy;

import dev.helmholtz.check.EventShapes;
import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.check.SelfCheckReport.Row;
import dev.helmholtz.check.VariableCopy;
import dev.helmholtz.check.VariableGradientCheck;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.VariableStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * An energy model's self-check (see {@link EnergyModel#selfCheck}), in a graph of its own with the
 * model's variables copied in: (1) the gradient of the mean energy at data rows and fixed latent
 * configurations (the gradient contrastive divergence and the block-Gibbs conditionals are read
 * from) against central finite differences; (6) the energy's output against one energy per
 * configuration.
 */
final class EnergySelfCheck {
  private EnergySelfCheck() {}

  static SelfCheckReport run(EnergyModel model, Dataset given, SelfCheckOptions options) {
    EnergySpec spec = model.spec();
    List<Row> rows = new ArrayList<>();
    List<TFloat32> open = new ArrayList<>();
    Random random = new Random(options.seed());
    int n = given == null ? options.examples() : Math.min(options.examples(), given.size());
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      RandomSource source = new RandomSource(tf, Seed.of(options.seed()).derive("self-check"));
      VariableStore store = new VariableStore(tf, source);
      Map<String, Placeholder<TFloat32>> inputs = new LinkedHashMap<>();
      Map<String, Operand<TFloat32>> values = new LinkedHashMap<>();
      for (EnergySpec.Node node : spec.nodes()) {
        Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(n, node.width())));
        inputs.put(node.name(), in);
        values.put(node.name(), in);
      }
      Operand<TFloat32> energy = model.defineEnergy(new EnergyPass(tf, spec, store, values));
      Operand<TFloat32> mean = tf.math.mean(tf.reshape(energy, tf.constant(new long[] {-1})), tf.constant(0));
      VariableGradientCheck gradients = new VariableGradientCheck(tf, "gradient", mean, store.trainableVariables());
      Operand<TInt64> shape = tf.shape(energy, TInt64.class);
      VariableCopy copy = new VariableCopy(tf, store.allVariables(), source);
      // Configurations: the data's observed rows (or random ones), latents drawn at random, fixed.
      Map<String, float[]> columns = new LinkedHashMap<>();
      for (EnergySpec.Node node : spec.nodes()) {
        float[] column = new float[n * node.width()];
        if (node.observed() && given != null) {
          System.arraycopy(given.flat(node.name()), 0, column, 0, column.length);
        } else {
          for (int i = 0; i < column.length; i++) {
            column[i] = node.units() == Units.BERNOULLI ? (random.nextBoolean() ? 1 : 0) : (float) random.nextGaussian();
          }
        }
        columns.put(node.name(), column);
      }
      try (Session session = new Session(graph)) {
        Session.Runner init = session.runner();
        store.initializers().forEach(init::addTarget);
        init.run().close();
        copy.from(session, model);
        UnaryOperator<Session.Runner> feeds = r -> {
          columns.forEach((name, column) -> {
            TFloat32 t = TFloat32.tensorOf(Shape.of(n, column.length / n), DataBuffers.of(column, true, false));
            open.add(t);
            r.feed(inputs.get(name), t);
          });
          return r;
        };
        rows.addAll(gradients.run(session, feeds, () -> copy.resetNoise(session), options.entriesPerVariable(),
            new Random(options.seed() + 1)));
        try (Result r = feeds.apply(session.runner()).fetch(shape).run()) {
          TInt64 t = (TInt64) r.get(0);
          long[] s = new long[(int) t.shape().size()];
          for (int i = 0; i < s.length; i++) {
            s[i] = t.getLong(i);
          }
          rows.add(EventShapes.compare("energy output", List.of(s), List.of(), n));
        }
      }
    } finally {
      open.forEach(TFloat32::close);
    }
    rows.add(Row.skipped("kl", "-", "an energy model has no posterior network, so no KL"));
    rows.add(Row.skipped("bounds", "-", "its likelihood needs log Z (annealedLogPartition), not a bound"));
    rows.add(Row.skipped("score-function", "-", "no score-function estimator"));
    return new SelfCheckReport(spec.modelName(), rows);
  }
}
