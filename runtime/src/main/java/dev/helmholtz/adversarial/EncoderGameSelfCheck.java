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
import java.util.ArrayList;
import java.util.List;
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
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The self-check of a game with an encoder (ALI/BiGAN, the adversarial autoencoder), in a graph of
 * its own with the model's variables copied in: each player's loss ({@link EncoderGameGraph}'s:
 * the discriminator's, the generator side's, the autoencoder's reconstruction) against central
 * finite differences over that player's variables, noise fixed; the generator's, encoder's and
 * discriminator's output shapes.
 */
final class EncoderGameSelfCheck {
  private EncoderGameSelfCheck() {}

  static SelfCheckReport run(AdversarialModel model, Dataset given, SelfCheckOptions options) {
    AdversarialSpec spec = model.spec();
    AdversarialSpec.Node x = spec.generated();
    AdversarialSpec.Node z = spec.require(spec.encodedLatent());
    List<Row> rows = new ArrayList<>();
    List<TFloat32> open = new ArrayList<>();
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      RandomSource random = new RandomSource(tf, Seed.of(options.seed()).derive("self-check"));
      VariableStore store = new VariableStore(tf, random);
      Placeholder<TFloat32> data = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE,
          x.width())));
      Operand<TInt32> n = tf.squeeze(tf.slice(tf.shape(data), tf.constant(new int[] {0}), tf.constant(new int[] {1})));
      EncoderGameGraph game = EncoderGameGraph.build(model, tf, spec, store, random, data, n, false);
      List<VariableGradientCheck> checks = new ArrayList<>();
      checks.add(new VariableGradientCheck(tf, "gradient", game.discriminatorLoss, game.discriminatorVariables));
      checks.add(new VariableGradientCheck(tf, "gradient", game.generatorLoss, game.generatorSide()));
      if (game.reconstructionLoss != null) {
        checks.add(new VariableGradientCheck(tf, "gradient", game.reconstructionLoss, game.reconstructionSide()));
      }
      Operand<TInt64> generatedShape = tf.shape(game.generated, TInt64.class);
      Operand<TInt64> encodedShape = tf.shape(game.encoded, TInt64.class);
      Operand<TInt64> logitShape = tf.shape(game.realScores, TInt64.class);
      VariableCopy copy = new VariableCopy(tf, store.allVariables(), random);

      try (Session session = new Session(graph)) {
        Session.Runner init = session.runner();
        store.initializers().forEach(init::addTarget);
        init.run().close();
        copy.from(session, model);
        int rowsWanted = given == null ? options.examples() : Math.min(options.examples(), given.size());
        float[] values;
        if (given != null) {
          values = java.util.Arrays.copyOf(given.flat(x.name()), rowsWanted * x.width());
        } else {
          // Synthetic data: the generator's own examples, drawn once.
          copy.resetNoise(session);
          try (Result r = feed(session.runner(), data, new float[rowsWanted * x.width()], rowsWanted, open)
              .fetch(game.generated).run()) {
            values = BatchRuns.values((TFloat32) r.get(0));
          }
        }
        float[] column = values;
        UnaryOperator<Session.Runner> feeds = r -> feed(r, data, column, rowsWanted, open);
        Runnable reset = () -> copy.resetNoise(session);
        for (int i = 0; i < checks.size(); i++) {
          rows.addAll(checks.get(i).run(session, feeds, reset, options.entriesPerVariable(),
              new Random(options.seed() + i)));
        }
        reset.run();
        try (Result r = feeds.apply(session.runner()).fetch(generatedShape).fetch(encodedShape).fetch(logitShape)
            .run()) {
          rows.add(EventShapes.compare("generator output of node " + x.name(), List.of(longs((TInt64) r.get(0))),
              List.of(x.width()), rowsWanted));
          rows.add(EventShapes.compare("encoder output of node " + z.name(), List.of(longs((TInt64) r.get(1))),
              List.of(z.width()), rowsWanted));
          rows.add(EventShapes.compare("discriminator output", List.of(longs((TInt64) r.get(2))), List.of(),
              rowsWanted));
        }
      }
    } finally {
      open.forEach(TFloat32::close);
    }
    rows.add(Row.skipped("kl", "-", "the game matches the latent's distributions adversarially, with no KL"));
    rows.add(Row.skipped("bounds", "-", "an adversarial game has no likelihood bound"));
    rows.add(Row.skipped("score-function", "-", "no score-function estimator"));
    return new SelfCheckReport(spec.modelName(), rows);
  }

  private static Session.Runner feed(Session.Runner runner, Placeholder<TFloat32> data, float[] values, int rows,
      List<TFloat32> open) {
    TFloat32 t = TFloat32.tensorOf(Shape.of(rows, values.length / rows), DataBuffers.of(values, true, false));
    open.add(t);
    return runner.feed(data, t);
  }

  private static long[] longs(TInt64 t) {
    long[] out = new long[(int) t.shape().size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = t.getLong(i);
    }
    return out;
  }
}
