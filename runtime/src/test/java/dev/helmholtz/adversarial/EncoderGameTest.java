package dev.helmholtz.adversarial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.GanLoss;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Activation;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * ALI/BiGAN and the adversarial autoencoder, written by hand as the processor generates them: the
 * pairs the joint discriminator sees, the autoencoder's real and fake sides, and which variables
 * each player's update moves.
 */
class EncoderGameTest {
  private static final int W = 2;

  private static double softplus(double v) {
    return Math.log1p(Math.exp(v));
  }

  /** {@code value + 0 * v} for a fresh variable v of network {@code nn}: a network with variables and no gradient. */
  private static Operand<TFloat32> withIdleVariable(Nn nn, Operand<TFloat32> value) {
    Ops tf = nn.tf();
    return tf.math.add(value, tf.math.mul(tf.constant(0f), nn.variable("idle", 1)));
  }

  /**
   * E(x) = x, G(z) = z + 1, D(x, z) = sum(x - z): real pairs (x, E(x)) score exactly 0, generated
   * pairs (G(z), z) exactly W, whatever the draws; either pair with E(x) and z swapped scores noise.
   */
  static final class PairingBigan extends AdversarialModel {
    PairingBigan(Seed seed) {
      super(AdversarialSpec.builder("PairingBigan").game(GanLoss.NON_SATURATING, 1, 10.0).bidirectional("z")
          .latent("z", W).generated("x", W).build(), seed, ThreadSettings.of(1, 1));
      build();
    }

    @Override
    protected void defineGeneration(AdversarialPass pass) {
      Operand<TFloat32> z = pass.draw("z", Normal.standard(pass.tf(), pass.shape("z")));
      pass.generate("x", withIdleVariable(pass.network("generate"), pass.tf().math.add(z, pass.tf().constant(1f))));
    }

    @Override
    protected void defineEncoding(EncoderPass pass) {
      pass.encode("z", withIdleVariable(pass.network("encode"), pass.node("x")));
    }

    @Override
    protected Operand<TFloat32> defineDiscriminator(DiscriminatorPass pass) {
      Ops tf = pass.tf();
      Operand<TFloat32> gap = tf.sum(tf.math.sub(pass.node("x"), pass.node("z")), tf.constant(1));
      return withIdleVariable(pass.network("discriminate"), gap);
    }
  }

  @Test
  void theJointDiscriminatorJudgesDataWithItsEncodingAndGeneratedExamplesWithTheirNoise() {
    float[][] x = new float[8][W];
    for (int i = 0; i < x.length; i++) {
      x[i] = new float[] {i * 0.7f - 2, 3 - i * 0.4f};
    }
    try (PairingBigan model = new PairingBigan(Seed.of(5))) {
      double dLoss = model.fit(Dataset.of("x", x), Training.epochs(1).batchSize(8)).finalObjective();
      // -log D(x, E(x)) - log(1 - D(G(z), z)) with logits 0 and W
      assertEquals(softplus(0) + softplus(W), dLoss, 1e-5);
      // the generator and encoder: -log D(G(z), z) - log(1 - D(x, E(x)))
      assertEquals(softplus(-W) + softplus(0), model.lastGeneratorLoss(), 1e-5);
      float[] real = model.discriminate(Dataset.of("x", x));
      for (float logit : real) {
        assertEquals(0f, logit, 1e-6f);
      }
      assertArrayEquals(x[3], model.encode(Dataset.of("x", x))[3], 1e-6f);
      float[][] reconstructed = model.reconstruct(Dataset.of("x", x));
      assertArrayEquals(new float[] {x[3][0] + 1, x[3][1] + 1}, reconstructed[3], 1e-6f);
    }
  }

  /**
   * Prior draws of z sit at -1 (a Normal of scale e^-20), the encoder puts every x at 3: the
   * discriminator D(z) = sum(z) scores prior draws -W and encodings 3W.
   */
  static final class PlacedAutoencoder extends AdversarialModel {
    PlacedAutoencoder(Seed seed) {
      super(AdversarialSpec.builder("PlacedAutoencoder").game(GanLoss.NON_SATURATING, 1, 10.0)
          .adversarialAutoencoder("z").latent("z", W).generated("x", W).build(), seed, ThreadSettings.of(1, 1));
      build();
    }

    @Override
    protected void defineGeneration(AdversarialPass pass) {
      Ops tf = pass.tf();
      Operand<TFloat32> z = pass.draw("z", Normal.meanLogStd(tf.fill(pass.shape("z"), tf.constant(-1f)),
          tf.fill(pass.shape("z"), tf.constant(-20f))));
      Operand<TFloat32> mean = withIdleVariable(pass.network("decode"), tf.math.mul(z, tf.constant(0f)));
      pass.generate("x", Normal.meanLogStd(mean, tf.zerosLike(mean)));
    }

    @Override
    protected void defineEncoding(EncoderPass pass) {
      Ops tf = pass.tf();
      Operand<TFloat32> three = tf.math.add(tf.math.mul(pass.node("x"), tf.constant(0f)), tf.constant(3f));
      pass.encode("z", withIdleVariable(pass.network("encode"), three));
    }

    @Override
    protected Operand<TFloat32> defineDiscriminator(DiscriminatorPass pass) {
      Ops tf = pass.tf();
      return withIdleVariable(pass.network("discriminate"), tf.sum(pass.node("z"), tf.constant(1)));
    }
  }

  @Test
  void theAutoencodersDiscriminatorCallsPriorDrawsRealAndEncodingsGenerated() {
    try (PlacedAutoencoder model = new PlacedAutoencoder(Seed.of(2))) {
      double dLoss = model.fit(Dataset.of("x", new float[6][W]), Training.epochs(1).batchSize(6)).finalObjective();
      // real: logit sum(-1, -1) = -W, fake: sum(3, 3) = 3W; -log D(real) - log(1 - D(fake))
      assertEquals(softplus(W) + softplus(3 * W), dLoss, 1e-4);
      // the encoder wants its draws taken for prior draws: -log D(E(x))
      assertEquals(softplus(-3 * W), model.lastGeneratorLoss(), 1e-5);
      // -log N(0; 0, 1) per unit, W units: the decoder scores the data at the encoder's z
      assertEquals(W * 0.5 * Math.log(2 * Math.PI), model.lastReconstructionLoss(), 1e-5);
      // discriminate(data) scores the data's encodings: 3W each
      assertEquals(3f * W, model.discriminate(Dataset.of("x", new float[2][W]))[1], 1e-5f);
      // the game's value puts the prior first: log sigmoid(-W) + log(1 - sigmoid(3W))
      assertEquals(-softplus(W) - softplus(3 * W), model.gameValue(Dataset.of("x", new float[4][W])), 1e-4);
    }
  }

  /** A small BiGAN (ALI: a Normal encoder) of dense networks. */
  static final class SmallAli extends AdversarialModel {
    SmallAli(Seed seed) {
      super(AdversarialSpec.builder("SmallAli").game(GanLoss.NON_SATURATING, 1, 10.0).bidirectional("z")
          .latent("z", 2).generated("x", 3).build(), seed, ThreadSettings.of(1, 1));
      build();
    }

    @Override
    protected void defineGeneration(AdversarialPass pass) {
      Operand<TFloat32> z = pass.draw("z", Normal.standard(pass.tf(), pass.shape("z")));
      Nn nn = pass.network("generate");
      pass.generate("x", nn.dense(nn.dense(z, 8, Activation.TANH), 3));
    }

    @Override
    protected void defineEncoding(EncoderPass pass) {
      Nn nn = pass.network("encode");
      Operand<TFloat32> h = nn.dense(pass.node("x"), 8, Activation.TANH);
      pass.encode("z", Normal.meanLogStd(nn.dense(h, 2), nn.dense(h, 2)));
    }

    @Override
    protected Operand<TFloat32> defineDiscriminator(DiscriminatorPass pass) {
      Nn nn = pass.network("discriminate");
      Operand<TFloat32> xz = pass.tf().concat(List.of(pass.node("x"), pass.node("z")), pass.tf().constant(1));
      return nn.dense(nn.dense(xz, 8, Activation.TANH), 1);
    }
  }

  /** A small adversarial autoencoder: Normal encoder, Bernoulli decoder, dense discriminator of z. */
  static final class SmallAae extends AdversarialModel {
    SmallAae(Seed seed) {
      super(AdversarialSpec.builder("SmallAae").game(GanLoss.NON_SATURATING, 1, 10.0).adversarialAutoencoder("z")
          .latent("z", 2).generated("x", 3).build(), seed, ThreadSettings.of(1, 1));
      build();
    }

    @Override
    protected void defineGeneration(AdversarialPass pass) {
      Operand<TFloat32> z = pass.draw("z", Normal.standard(pass.tf(), pass.shape("z")));
      Nn nn = pass.network("decode");
      pass.generate("x", Bernoulli.logits(nn.dense(nn.dense(z, 8, Activation.TANH), 3)));
    }

    @Override
    protected void defineEncoding(EncoderPass pass) {
      Nn nn = pass.network("encode");
      Operand<TFloat32> h = nn.dense(pass.node("x"), 8, Activation.TANH);
      pass.encode("z", Normal.meanLogStd(nn.dense(h, 2), nn.dense(h, 2)));
    }

    @Override
    protected Operand<TFloat32> defineDiscriminator(DiscriminatorPass pass) {
      Nn nn = pass.network("discriminate");
      return nn.dense(nn.dense(pass.node("z"), 8, Activation.TANH), 1);
    }
  }

  private static final float[][] BITS = {{0, 1, 1}, {1, 0, 1}, {1, 1, 0}, {0, 0, 1}, {1, 0, 0}, {0, 1, 0}};

  /** The variables whose values differ between two snapshots. */
  private static Set<String> moved(Map<String, float[]> before, Map<String, float[]> after) {
    Set<String> out = new TreeSet<>();
    before.forEach((name, value) -> {
      if (!java.util.Arrays.equals(value, after.get(name))) {
        out.add(name);
      }
    });
    return out;
  }

  private static Set<String> under(List<String> names, String... scopes) {
    Set<String> out = new TreeSet<>();
    for (String name : names) {
      for (String scope : scopes) {
        if (name.startsWith(scope + "/")) {
          out.add(name);
        }
      }
    }
    return out;
  }

  /**
   * One batch with 2 discriminator steps per generator step runs only the discriminator's update
   * (and, for the autoencoder, the reconstruction phase before it); with 1 it runs the generator
   * side's too, from the same state: what that second update moves, beyond the first run, is the
   * generator side's own.
   */
  private static void checkPlayers(java.util.function.Supplier<AdversarialModel> create, Set<String> discriminatorOnly,
      Set<String> generatorSide, Set<String> reconstruction) {
    Dataset data = Dataset.of("x", BITS);
    Map<String, float[]> start;
    Map<String, float[]> afterDiscriminator;
    try (AdversarialModel model = create.get()) {
      start = model.parameters(model.parameterNames());
      model.fit(data, Training.epochs(1).batchSize(BITS.length), 2);
      afterDiscriminator = model.parameters(model.parameterNames());
    }
    Set<String> first = new TreeSet<>(discriminatorOnly);
    first.addAll(reconstruction);
    assertEquals(first, moved(start, afterDiscriminator), "the reconstruction and discriminator updates");
    try (AdversarialModel model = create.get()) {
      model.fit(data, Training.epochs(1).batchSize(BITS.length), 1);
      Map<String, float[]> afterBoth = model.parameters(model.parameterNames());
      assertEquals(generatorSide, moved(afterDiscriminator, afterBoth), "the generator side's update");
    }
  }

  @Test
  void aliPlayersMoveOnlyTheirOwnVariables() {
    try (SmallAli model = new SmallAli(Seed.of(4))) {
      List<String> all = model.parameterNames();
      assertEquals(under(all, "discriminate"), new TreeSet<>(model.discriminatorParameterNames()));
      assertEquals(under(all, "generate", "encode"), new TreeSet<>(model.generatorParameterNames()));
      assertEquals(under(all, "encode"), new TreeSet<>(model.encoderParameterNames()));
      assertFalse(model.encoderParameterNames().isEmpty());
      List<String> names = new ArrayList<>(all);
      checkPlayers(() -> new SmallAli(Seed.of(4)), under(names, "discriminate"), under(names, "generate", "encode"),
          Set.of());
    }
  }

  @Test
  void aaePhasesMoveOnlyTheirPlayersVariables() {
    try (SmallAae model = new SmallAae(Seed.of(6))) {
      List<String> all = model.parameterNames();
      assertEquals(under(all, "discriminate"), new TreeSet<>(model.discriminatorParameterNames()));
      // the regularization phase's generator is the encoder alone
      assertEquals(under(all, "encode"), new TreeSet<>(model.generatorParameterNames()));
      checkPlayers(() -> new SmallAae(Seed.of(6)), under(all, "discriminate"), under(all, "encode"),
          under(all, "encode", "decode"));
    }
  }

  @Test
  void theSelfCheckDifferentiatesEveryPlayer() {
    try (SmallAli ali = new SmallAli(Seed.of(4)); SmallAae aae = new SmallAae(Seed.of(6))) {
      var report = ali.selfCheck(Dataset.of("x", BITS), dev.helmholtz.check.SelfCheckOptions.smoke());
      assertTrue(report.passed(), report.toString());
      // the AAE's third loss, the reconstruction, over the encoder and the decoder
      var aaeReport = aae.selfCheck(null, dev.helmholtz.check.SelfCheckOptions.smoke());
      assertTrue(aaeReport.passed() && aaeReport.toString().contains("decode/"), aaeReport.toString());
    }
  }

  @Test
  void aSpecRefusesWhatTheEncoderGamesDoNotSupport() {
    assertThrows(IllegalStateException.class, () -> AdversarialSpec.builder("m").game(GanLoss.WASSERSTEIN_GP, 5, 10)
        .bidirectional("z").latent("z", 2).generated("x", 2).build());
    assertThrows(IllegalStateException.class, () -> AdversarialSpec.builder("m").bidirectional("z")
        .latent("z", 2).latent("w", 2).generated("x", 2).build());
    assertThrows(IllegalStateException.class, () -> AdversarialSpec.builder("m").adversarialAutoencoder("x")
        .latent("z", 2).generated("x", 2).build());
  }
}
