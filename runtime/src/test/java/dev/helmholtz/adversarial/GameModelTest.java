package dev.helmholtz.adversarial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.GanLoss;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Categorical;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Activation;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Games of several players on tiny hand-written models: each player's optimizer moves only its
 * own variables, the cycle and identity losses are those of the right generators, and
 * Triple-GAN's discriminator and classifier see the right pairs (losses against a hand
 * computation from the weights).
 */
class GameModelTest {
  /** CycleGAN on 3-wide domains: G = toY, F = toX, one discriminator each. */
  static final class TinyCycleGan extends GameModel {
    TinyCycleGan(Seed seed, int steps) {
      super(GameSpec.builder("TinyCycleGan").observed("x", 3).observed("y", 3)
          .translation("y", "x", 10, 5).translation("x", "y", 10, 5)
          .discriminator("x", GanLoss.LEAST_SQUARES).discriminator("y", GanLoss.LEAST_SQUARES)
          .steps(steps).build(), seed, ThreadSettings.of(1, 1));
      build();
    }

    @Override
    protected Operand<TFloat32> defineGenerator(GamePass pass, String target) {
      String source = target.equals("y") ? "x" : "y";
      Nn nn = pass.network("to" + target.toUpperCase());
      return nn.dense(nn.dense(pass.node(source), 4, Activation.TANH), 3);
    }

    @Override
    protected Operand<TFloat32> defineDiscriminator(GamePass pass, String target) {
      return pass.network("judge" + target.toUpperCase()).dense(pass.node(target), 1);
    }
  }

  /** Triple-GAN on x of width 2 and K = 2 classes: linear discriminator and classifier, so their losses are computable by hand. */
  static final class TinyTripleGan extends GameModel {
    TinyTripleGan(Seed seed, double alpha, double pseudo) {
      super(GameSpec.builder("TinyTripleGan").latent("z", 2).observed("x", 2).observed("y", 2)
          .generator("x").discriminator("x", GanLoss.NON_SATURATING, "y")
          .classifier("y", "x", alpha, 1.0, pseudo).build(), seed, ThreadSettings.of(1, 1));
      build();
    }

    @Override
    protected Operand<TFloat32> defineGenerator(GamePass pass, String target) {
      var tf = pass.tf();
      Operand<TFloat32> z = pass.draw("z", Normal.standard(tf, pass.shape("z")));
      return pass.network("generate").dense(tf.concat(List.of(z, pass.node("y")), tf.constant(1)), 2);
    }

    @Override
    protected Operand<TFloat32> defineDiscriminator(GamePass pass, String target) {
      var tf = pass.tf();
      return pass.network("judge").dense(tf.concat(List.of(pass.node("x"), pass.node("y")), tf.constant(1)), 1);
    }

    @Override
    protected Categorical defineClassifier(GamePass pass, String target) {
      return Categorical.logits(pass.network("classify").dense(pass.node("x"), 2));
    }
  }

  private static float[][] rows(Random random, int n, int width, float shift) {
    float[][] out = new float[n][width];
    for (float[] row : out) {
      for (int j = 0; j < width; j++) {
        row[j] = (float) random.nextGaussian() + shift;
      }
    }
    return out;
  }

  @Test
  void eachPlayerOwnsItsNetworksAndADiscriminatorStepMovesOnlyTheDiscriminators() {
    Random random = new Random(3);
    Dataset x = Dataset.of("x", rows(random, 40, 3, 0));
    Dataset y = Dataset.of("y", rows(random, 25, 3, 2));
    try (TinyCycleGan game = new TinyCycleGan(Seed.of(1), 2)) {
      Map<String, List<String>> players = game.playerParameterNames();
      assertEquals(List.of("generators", "discriminator x", "discriminator y"), List.copyOf(players.keySet()));
      assertTrue(players.get("generators").stream().allMatch(n -> n.startsWith("toY/") || n.startsWith("toX/")),
          players.toString());
      assertTrue(players.get("generators").stream().anyMatch(n -> n.startsWith("toX/")));
      assertTrue(players.get("discriminator x").stream().allMatch(n -> n.startsWith("judgeX/")), players.toString());
      assertTrue(players.get("discriminator y").stream().allMatch(n -> n.startsWith("judgeY/")), players.toString());
      Set<String> all = new HashSet<>();
      players.values().forEach(all::addAll);
      assertEquals(game.parameterNames().size(), all.size(), "every trainable variable belongs to one player");

      Map<String, float[]> before = game.parameters(all);
      // Two discriminator steps per generator step: the first step updates the discriminators only.
      game.fit(List.of(x, y), Training.epochs(1).batchSize(8).maxSteps(1));
      Map<String, float[]> after = game.parameters(all);
      for (String name : all) {
        boolean moved = !java.util.Arrays.equals(before.get(name), after.get(name));
        assertEquals(name.startsWith("judge"), moved, name + (moved ? " moved" : " did not move"));
      }
      game.fit(List.of(x, y), Training.epochs(1).batchSize(8).maxSteps(2));
      Map<String, float[]> later = game.parameters(all);
      assertTrue(players.get("generators").stream().allMatch(n -> !java.util.Arrays.equals(after.get(n), later.get(n))),
          "the generators' step moves every generator variable");
    }
  }

  @Test
  void trainingTheGameShrinksTheCycleError() {
    Random random = new Random(7);
    Dataset x = Dataset.of("x", rows(random, 256, 3, 0));
    Dataset y = Dataset.of("y", rows(random, 256, 3, 2));
    try (TinyCycleGan game = new TinyCycleGan(Seed.of(3), 1)) {
      double before = game.cycleError("x", x) + game.cycleError("y", y);
      game.fit(List.of(x, y), Training.epochs(40).batchSize(32));
      double after = game.cycleError("x", x) + game.cycleError("y", y);
      assertTrue(after < 0.5 * before, "cycle error " + before + " -> " + after);
    }
  }

  @Test
  void cycleAndIdentityLossesAreThoseOfTheRightGenerators() {
    Random random = new Random(5);
    float[][] xs = rows(random, 6, 3, 0);
    float[][] ys = rows(random, 6, 3, 3);
    try (TinyCycleGan game = new TinyCycleGan(Seed.of(2), 1)) {
      float[][] gx = game.translate("y", Dataset.of("x", xs));            // G(x)
      float[][] fgx = game.translate("x", Dataset.of("y", gx));           // F(G(x))
      float[][] fy = game.translate("x", Dataset.of("y", ys));            // F(y)
      float[][] gfy = game.translate("y", Dataset.of("x", fy));           // G(F(y))
      float[][] gy = game.translate("y", Dataset.of("x", ys));            // G(y): identity of G
      float[][] fx = game.translate("x", Dataset.of("y", xs));            // F(x): identity of F
      assertArrayEquals(flat(fgx), flat(game.roundTrip("x", Dataset.of("x", xs))), 1e-6f);
      Map<String, Double> losses = game.losses(Dataset.of("x", xs), Dataset.of("y", ys));
      assertEquals(mae(xs, fgx), losses.get("cycle/x"), 1e-5);
      assertEquals(mae(ys, gfy), losses.get("cycle/y"), 1e-5);
      assertEquals(mae(ys, gy), losses.get("identity/y"), 1e-5);
      assertEquals(mae(xs, fx), losses.get("identity/x"), 1e-5);
      assertEquals(mae(xs, fgx), game.cycleError("x", Dataset.of("x", xs)), 1e-5);
      // The swapped pairings differ, so a swap would be caught.
      assertTrue(Math.abs(mae(ys, fy) - mae(ys, gy)) > 1e-3);
      assertTrue(Math.abs(mae(xs, fgx) - mae(ys, gfy)) > 1e-3);
    }
  }

  @Test
  void tripleGanDiscriminatorAndClassifierSeeTheRightPairs() {
    // Rows 0-2 labelled (classes 1, 0, 1), rows 3-5 unlabelled (y all zero).
    float[][] xs = {{0.5f, -1f}, {1.5f, 0.2f}, {-0.3f, 0.8f}, {1f, 1f}, {-1f, 0.4f}, {0.2f, -0.7f}};
    float[][] ys = {{0, 1}, {1, 0}, {0, 1}, {0, 0}, {0, 0}, {0, 0}};
    Dataset data = Dataset.of("x", xs).with("y", ys);
    // alpha = 1 and no pseudo-discriminative term: the generator's pairs weigh 0, so both losses are exact.
    try (TinyTripleGan game = new TinyTripleGan(Seed.of(4), 1.0, 0.0)) {
      float[] w = game.parameter("judge/dense_0/kernel");   // [4, 1]: x0, x1, y0, y1
      float b = game.parameter("judge/dense_0/bias")[0];
      float[][] p = game.classProbabilities(Dataset.of("x", xs));
      double real = 0;
      double classifierPairs = 0;
      double classifierAdversarial = 0;
      double supervised = 0;
      for (int i = 0; i < 6; i++) {
        boolean labelled = ys[i][0] + ys[i][1] > 0;
        if (labelled) {
          double d = w[0] * xs[i][0] + w[1] * xs[i][1] + w[2] * ys[i][0] + w[3] * ys[i][1] + b;
          real += softplus(-d) / 3;
          supervised += -Math.log(ys[i][0] == 1 ? p[i][0] : p[i][1]) / 3;
        } else {
          for (int k = 0; k < 2; k++) {
            double d = w[0] * xs[i][0] + w[1] * xs[i][1] + w[2 + k] + b;
            classifierPairs += p[i][k] * softplus(d) / 3;
            classifierAdversarial -= p[i][k] * softplus(d) / 3;
          }
        }
      }
      Map<String, Double> losses = game.losses(data);
      assertEquals(real + classifierPairs, losses.get("discriminator x"), 1e-5);
      assertEquals(classifierAdversarial + supervised, losses.get("classifier"), 1e-5);
      // Swapping the roles (unlabelled rows as real pairs) gives another value.
      assertFalse(Math.abs(real - classifierPairs) < 1e-4);
      assertEquals(List.of("generators", "classifier", "discriminator x"), List.copyOf(game.playerParameterNames().keySet()));
      assertEquals(2, game.generate("x", Dataset.of("y", new float[][] {{1, 0}, {0, 1}})).length);
    }
  }

  private static double softplus(double v) {
    return Math.log1p(Math.exp(-Math.abs(v))) + Math.max(v, 0);
  }

  private static double mae(float[][] a, float[][] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        sum += Math.abs(a[i][j] - b[i][j]);
      }
    }
    return sum / (a.length * a[0].length);
  }

  private static float[] flat(float[][] rows) {
    List<Float> out = new ArrayList<>();
    for (float[] r : rows) {
      for (float v : r) {
        out.add(v);
      }
    }
    float[] f = new float[out.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = out.get(i);
    }
    return f;
  }
}
