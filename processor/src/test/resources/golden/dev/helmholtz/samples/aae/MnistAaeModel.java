package dev.helmholtz.samples.aae;

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
 * The adversarial model defined by {@link MnistAae}, compiled to a TensorFlow graph by Helmholtz.
 *
 * <h2>Model report</h2>
 * <p>Objective: adversarial, NON_SATURATING loss, 1 discriminator step per generator step; an adversarial autoencoder: a reconstruction phase (encoder and decoder) before each regularization phase (discriminator, then encoder).
 * <ul>
 * <li>{@code z}: latent Normal, event shape [8]; p(z): standard prior; inferred by encode(); discriminate() judges prior draws against its draws
 * <li>{@code x}: observed Bernoulli, event shape [784]; x ~ decode(z), the decoder p(x | z), trained on reconstruction
 * </ul>
 * <p>Generative order: z, x.
 */
@Generated("dev.helmholtz.processor.HelmholtzProcessor")
public final class MnistAaeModel extends AdversarialModel {
  private static final AdversarialSpec SPEC = AdversarialSpec.builder("dev.helmholtz.samples.aae.MnistAae")
      .game(GanLoss.NON_SATURATING, 1, 10.0)
      // adversarial autoencoder: encode() infers z, discriminate() judges it against its prior
      .adversarialAutoencoder("z")
      .latent("z", 8)
      .generated("x", 784)
      .build();

  private final MnistAae model;

  private MnistAaeModel(MnistAae model, Seed seed, ThreadSettings threads) {
    super(SPEC, seed, threads);
    this.model = Objects.requireNonNull(model, "model");
    build();
  }

  /**
   * Builds the model's graph and initializes its variables from {@code seed}, with a new
   * {@link MnistAae} and the default thread settings.
   */
  public static MnistAaeModel create(Seed seed) {
    return new MnistAaeModel(new MnistAae(), seed, ThreadSettings.defaults());
  }

  /**
   * Builds the model's graph around {@code model}'s networks and initializes its variables
   * from {@code seed}; the same seed and thread settings give the same numbers.
   */
  public static MnistAaeModel create(MnistAae model, Seed seed, ThreadSettings threads) {
    return new MnistAaeModel(model, seed, threads);
  }

  /**
   * Draws {@code n} generated examples of x: {@code [n][784]}.
   */
  public float[][] sample(int n) {
    return generate(n).get("x");
  }

  /**
   * The encoder's features of each row of x: the mean of encode()'s distribution, {@code [rows][8]}.
   */
  public float[][] encode(float[][] x) {
    return encode(Dataset.of("x", x));
  }

  /**
   * Reconstructions of each row of x through the encoder and the decoder's mean: {@code [rows][784]}.
   */
  public float[][] reconstruct(float[][] x) {
    return reconstruct(Dataset.of("x", x));
  }

  /**
   * The discriminator's logit that the encoder's draw for each row of x is a prior draw: {@code [rows]}.
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
    // x by decode(): the decoder, its mean generated
    Operand<TFloat32> x = pass.generate("x", model.decode(pass.network("decode"), z));
  }

  @Override
  protected Operand<TFloat32> defineDiscriminator(DiscriminatorPass pass) {
    return model.discriminate(pass.network("discriminate"), pass.node("z"));
  }

  @Override
  protected void defineEncoding(EncoderPass pass) {
    // encode(x): drawn by reparameterization in training, its mean otherwise
    pass.encode("z", model.encode(pass.network("encode"), pass.node("x")));
  }
}
