package dev.helmholtz.samples.bigan;

import dev.helmholtz.adversarial.AdversarialModel;
import dev.helmholtz.adversarial.AdversarialPass;
import dev.helmholtz.adversarial.AdversarialSpec;
import dev.helmholtz.adversarial.DiscriminatorPass;
import dev.helmholtz.adversarial.EncoderPass;
import dev.helmholtz.annotations.GanLoss;
import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ThreadSettings;
import java.util.Objects;
import javax.annotation.processing.Generated;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The adversarial model defined by {@link MnistBigan}, compiled to a TensorFlow graph by Helmholtz.
 *
 * <h2>Model report</h2>
 * <p>Objective: adversarial, NON_SATURATING loss, 1 discriminator step per generator step; ALI/BiGAN: the discriminator judges (x, z) pairs, the generator and encoder train together.
 * <ul>
 * <li>{@code z}: latent Normal, event shape [50]; p(z): standard prior; inferred by encode(), judged in pairs by discriminate()
 * <li>{@code x}: observed Bernoulli, event shape [784]; x = generate(z), implicit; judged with its latent by discriminate()
 * </ul>
 * <p>Generative order: z, x.
 */
@Generated("dev.helmholtz.processor.HelmholtzProcessor")
public final class MnistBiganModel extends AdversarialModel {
  private static final AdversarialSpec SPEC = AdversarialSpec.builder("dev.helmholtz.samples.bigan.MnistBigan")
      .game(GanLoss.NON_SATURATING, 1, 10.0)
      // ALI/BiGAN: encode() infers z; discriminate() judges (x, z) pairs
      .bidirectional("z")
      .latent("z", 50)
      .generated("x", 784)
      .build();

  private final MnistBigan model;

  private MnistBiganModel(MnistBigan model, Seed seed, ThreadSettings threads) {
    super(SPEC, seed, threads);
    this.model = Objects.requireNonNull(model, "model");
    build();
  }

  /**
   * Builds the model's graph and initializes its variables from {@code seed}, with a new
   * {@link MnistBigan} and the default thread settings.
   */
  public static MnistBiganModel create(Seed seed) {
    return new MnistBiganModel(new MnistBigan(), seed, ThreadSettings.defaults());
  }

  /**
   * Builds the model's graph around {@code model}'s networks and initializes its variables
   * from {@code seed}; the same seed and thread settings give the same numbers.
   */
  public static MnistBiganModel create(MnistBigan model, Seed seed, ThreadSettings threads) {
    return new MnistBiganModel(model, seed, threads);
  }

  /**
   * Draws {@code n} generated examples of x: {@code [n][784]}.
   */
  public float[][] sample(int n) {
    return generate(n).get("x");
  }

  /**
   * The encoder's features of each row of x: encode() of it, {@code [rows][50]}.
   */
  public float[][] encode(float[][] x) {
    return encode(Dataset.of("x", x));
  }

  /**
   * Reconstructions of each row of x through the encoder and the generator: {@code [rows][784]}.
   */
  public float[][] reconstruct(float[][] x) {
    return reconstruct(Dataset.of("x", x));
  }

  /**
   * The discriminator's logit that each row of x, paired with the encoder's latent, is data: {@code [rows]}.
   */
  public float[] discriminate(float[][] x) {
    return discriminate(Dataset.of("x", x));
  }

  /**
   * Checks this model on the first {@code options.examples()} rows of {@code data} (or, when it is
   * null, on the generator's own examples), in a graph of its own with this model's variables
   * copied in:
   * <ol>
   * <li>gradient: each player's loss at fixed noise (the discriminator's, the generator side's and,
   * for an adversarial autoencoder, the reconstruction's), against central finite differences over
   * that player's variables;
   * <li>shape: the generator's output against {@code x}'s event shape, the encoder's against its
   * latent's, and the discriminator's against one logit per example;
   * <li>kl, bounds, score-function: skipped, the game matches distributions with no KL.
   * </ol>
   *
   * @return the report, a row per check; {@code assertPassed()} throws naming each failure
   */
  @Override
  public SelfCheckReport selfCheck(Dataset data, SelfCheckOptions options) {
    return super.selfCheck(data, options);
  }

  @Override
  protected void defineGeneration(AdversarialPass pass) {
    Normal pZ = Normal.standard(pass.tf(), pass.shape("z"));
    Operand<TFloat32> z = pass.draw("z", pZ);
    // x by generate(): implicit
    Operand<TFloat32> x = pass.generate("x", model.generate(pass.network("generate"), z));
  }

  @Override
  protected Operand<TFloat32> defineDiscriminator(DiscriminatorPass pass) {
    return model.discriminate(pass.network("discriminate"), pass.node("x"), pass.node("z"));
  }

  @Override
  protected void defineEncoding(EncoderPass pass) {
    // encode(x): deterministic
    pass.encode("z", model.encode(pass.network("encode"), pass.node("x")));
  }
}
