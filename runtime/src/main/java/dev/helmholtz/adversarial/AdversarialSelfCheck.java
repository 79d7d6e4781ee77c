package dev.helmholtz.adversarial;

import dev.helmholtz.check.EventShapes;
import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.check.SelfCheckReport.Row;
import dev.helmholtz.check.VariableCopy;
import dev.helmholtz.check.VariableGradientCheck;
import dev.helmholtz.core.BatchRuns;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.VariableStore;
import dev.helmholtz.objective.AdversarialLosses;
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
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * An adversarial model's self-check (see {@link AdversarialModel#selfCheck}), in a graph of its own
 * with the model's variables copied in: (1) the generator's loss and the discriminator's loss
 * (without a gradient penalty, whose gradient is itself a gradient) against central finite
 * differences over their players' variables, noise fixed; (6) the generator's output against its
 * node's event shape, and the discriminator's against one logit per example.
 */
final class AdversarialSelfCheck {
  private AdversarialSelfCheck() {}

  static SelfCheckReport run(AdversarialModel model, Dataset given, SelfCheckOptions options) {
    AdversarialSpec spec = model.spec();
    if (spec.encoderGame().isPresent()) {
      return EncoderGameSelfCheck.run(model, given, options);
    }
    List<Row> rows = new ArrayList<>();
    List<TFloat32> open = new ArrayList<>();
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      RandomSource random = new RandomSource(tf, Seed.of(options.seed()).derive("self-check"));
      VariableStore store = new VariableStore(tf, random);
      Map<String, Placeholder<TFloat32>> data = new LinkedHashMap<>();
      for (AdversarialSpec.Node node : spec.observed()) {
        data.put(node.name(), tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE,
            node.width()))));
      }
      String generated = spec.generated().name();
      Map<String, Operand<TFloat32>> labels = new LinkedHashMap<>();
      spec.nodes(AdversarialSpec.Role.LABEL).forEach(n -> labels.put(n.name(), data.get(n.name())));
      Operand<TInt32> n = tf.squeeze(tf.slice(tf.shape(data.get(generated)), tf.constant(new int[] {0}),
          tf.constant(new int[] {1})));
      AdversarialPass pass = new AdversarialPass(tf, spec, store, random, n, labels);
      model.defineGeneration(pass);
      Operand<TFloat32> fake = pass.values().get(generated);
      List<Variable<TFloat32>> generatorVariables = new ArrayList<>(store.trainableVariables());
      Operand<TFloat32> realLogits = discriminate(tf, model, spec, store, labels, data.get(generated));
      Operand<TFloat32> fakeLogits = discriminate(tf, model, spec, store, labels, fake);
      List<Variable<TFloat32>> discriminatorVariables = new ArrayList<>(store.trainableVariables());
      discriminatorVariables.removeAll(generatorVariables);
      Operand<TFloat32> realScores = tf.reshape(realLogits, tf.constant(new long[] {-1}));
      Operand<TFloat32> fakeScores = tf.reshape(fakeLogits, tf.constant(new long[] {-1}));
      Operand<TFloat32> dLoss = AdversarialLosses.discriminator(tf, spec.loss(), realScores, fakeScores);
      Operand<TFloat32> gLoss = AdversarialLosses.generator(tf, spec.loss(), fakeScores);
      VariableGradientCheck generatorCheck = generatorVariables.isEmpty() ? null
          : new VariableGradientCheck(tf, "gradient", gLoss, generatorVariables);
      VariableGradientCheck discriminatorCheck = new VariableGradientCheck(tf, "gradient", dLoss,
          discriminatorVariables);
      Operand<TInt64> fakeShape = tf.shape(fake, TInt64.class);
      Operand<TInt64> logitShape = tf.shape(fakeLogits, TInt64.class);
      VariableCopy copy = new VariableCopy(tf, store.allVariables(), random);

      try (Session session = new Session(graph)) {
        Session.Runner init = session.runner();
        store.initializers().forEach(init::addTarget);
        init.run().close();
        copy.from(session, model);
        int rowsWanted = given == null ? options.examples() : Math.min(options.examples(), given.size());
        Map<String, float[]> columns = new LinkedHashMap<>();
        for (AdversarialSpec.Node node : spec.nodes(AdversarialSpec.Role.LABEL)) {
          float[] values = new float[rowsWanted * node.width()];
          if (given != null) {
            System.arraycopy(given.flat(node.name()), 0, values, 0, values.length);
          } else {
            for (int i = 0; i < rowsWanted; i++) {
              values[i * node.width() + i % node.width()] = 1;
            }
          }
          columns.put(node.name(), values);
        }
        if (given != null) {
          columns.put(generated, java.util.Arrays.copyOf(given.flat(generated), rowsWanted * spec.generated().width()));
        } else {
          // Real examples for synthetic data: the generator's own, drawn once.
          float[] zeros = new float[rowsWanted * spec.generated().width()];
          columns.put(generated, zeros);
          copy.resetNoise(session);
          try (Result r = feed(session.runner(), data, columns, rowsWanted, open).fetch(fake).run()) {
            columns.put(generated, BatchRuns.values((TFloat32) r.get(0)));
          }
        }
        UnaryOperator<Session.Runner> feeds = r -> feed(r, data, columns, rowsWanted, open);
        Runnable reset = () -> copy.resetNoise(session);
        if (generatorCheck == null) {
          rows.add(Row.skipped("gradient", "generator", "the generator has no variables"));
        } else {
          rows.addAll(generatorCheck.run(session, feeds, reset, options.entriesPerVariable(),
              new Random(options.seed())));
        }
        rows.addAll(discriminatorCheck.run(session, feeds, reset, options.entriesPerVariable(),
            new Random(options.seed() + 1)));
        reset.run();
        try (Result r = feeds.apply(session.runner()).fetch(fakeShape).fetch(logitShape).run()) {
          rows.add(EventShapes.compare("generator output of node " + generated, List.of(longs((TInt64) r.get(0))),
              List.of(spec.generated().width()), rowsWanted));
          rows.add(EventShapes.compare("discriminator output", List.of(longs((TInt64) r.get(1))), List.of(),
              rowsWanted));
        }
      }
    } finally {
      open.forEach(TFloat32::close);
    }
    if (spec.loss() == dev.helmholtz.annotations.GanLoss.WASSERSTEIN_GP && spec.gradientPenalty() > 0) {
      rows.add(Row.skipped("gradient", "gradient penalty", "its gradient is itself a gradient; the losses are "
          + "checked without it"));
    }
    rows.add(Row.skipped("kl", "-", "an implicit generator has no density, so no KL"));
    rows.add(Row.skipped("bounds", "-", "an adversarial game has no likelihood bound"));
    rows.add(Row.skipped("score-function", "-", "no score-function estimator"));
    return new SelfCheckReport(spec.modelName(), rows);
  }

  private static Operand<TFloat32> discriminate(Ops tf, AdversarialModel model, AdversarialSpec spec,
      VariableStore store, Map<String, Operand<TFloat32>> labels, Operand<TFloat32> value) {
    Map<String, Operand<TFloat32>> inputs = new LinkedHashMap<>(labels);
    inputs.put(spec.generated().name(), value);
    return model.defineDiscriminator(new DiscriminatorPass(tf, spec, store, inputs));
  }

  private static Session.Runner feed(Session.Runner runner, Map<String, Placeholder<TFloat32>> data,
      Map<String, float[]> columns, int rows, List<TFloat32> open) {
    columns.forEach((name, values) -> {
      TFloat32 t = TFloat32.tensorOf(Shape.of(rows, values.length / rows), DataBuffers.of(values, true, false));
      open.add(t);
      runner.feed(data.get(name), t);
    });
    return runner;
  }

  private static long[] longs(TInt64 t) {
    long[] out = new long[(int) t.shape().size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = t.getLong(i);
    }
    return out;
  }
}
