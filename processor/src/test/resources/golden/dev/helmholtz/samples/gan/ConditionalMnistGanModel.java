package dev.helmholtz.samples.gan;

import dev.helmholtz.adversarial.AdversarialModel;
import dev.helmholtz.adversarial.AdversarialPass;
import dev.helmholtz.adversarial.AdversarialSpec;
import dev.helmholtz.adversarial.DiscriminatorPass;
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
 * The adversarial model defined by {@link ConditionalMnistGan}, compiled to a TensorFlow graph by Helmholtz.
 *
 * <h2>Model report</h2>
 * <p>Objective: adversarial, NON_SATURATING loss, 1 discriminator step per generator step.
 * <ul>
 * <li>{@code z}: latent Normal, event shape [64]; p(z): standard prior; noise
 * <li>{@code y}: observed Categorical, event shape [10]; label, given to both networks
 * <li>{@code x}: observed Bernoulli, event shape [784]; x = generate(z, y), implicit; judged by discriminate()
 * </ul>
 * <p>Generative order: z, y, x.
 */
@Generated("dev.helmholtz.processor.HelmholtzProcessor")
public final class ConditionalMnistGanModel extends AdversarialModel {
  private static final AdversarialSpec SPEC = AdversarialSpec.builder("dev.helmholtz.samples.gan.ConditionalMnistGan")
      .game(GanLoss.NON_SATURATING, 1, 10.0)
      .latent("z", 64)
      .generated("x", 784)
      .label("y", 10)
      .build();

  private final ConditionalMnistGan model;

  private ConditionalMnistGanModel(ConditionalMnistGan model, Seed seed, ThreadSettings threads) {
    super(SPEC, seed, threads);
    this.model = Objects.requireNonNull(model, "model");
    build();
  }

  /**
   * Builds the model's graph and initializes its variables from {@code seed}, with a new
   * {@link ConditionalMnistGan} and the default thread settings.
   */
  public static ConditionalMnistGanModel create(Seed seed) {
    return new ConditionalMnistGanModel(new ConditionalMnistGan(), seed, ThreadSettings.defaults());
  }

  /**
   * Builds the model's graph around {@code model}'s networks and initializes its variables
   * from {@code seed}; the same seed and thread settings give the same numbers.
   */
  public static ConditionalMnistGanModel create(ConditionalMnistGan model, Seed seed,
      ThreadSettings threads) {
    return new ConditionalMnistGanModel(model, seed, threads);
  }

  /**
   * Draws one generated example of x per row of the labels: {@code [rows][784]}.
   */
  public float[][] sample(float[][] y) {
    return generate(Dataset.of("y", y)).get("x");
  }

  /**
   * The discriminator's logit that each row of x is data: {@code [rows]}.
   */
  public float[] discriminate(float[][] x, float[][] y) {
    return discriminate(Dataset.of("x", x).with("y", y));
  }

  /**
   * Checks this model on the first {@code options.examples()} rows of {@code data} (or, when it is
   * null, on the generator's own examples), in a graph of its own with this model's variables
   * copied in:
   * <ol>
   * <li>gradient: the generator's loss and the discriminator's loss at fixed noise, against central
   * finite differences over each player's variables;
   * <li>shape: the generator's output against {@code x}'s event shape, and the discriminator's
   * against one logit per example;
   * <li>kl, bounds, score-function: skipped, an implicit model has no density.
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
    Operand<TFloat32> y = pass.label("y");
    // x by generate(): implicit
    Operand<TFloat32> x = pass.generate("x", model.generate(pass.network("generate"), z, y));
  }

  @Override
  protected Operand<TFloat32> defineDiscriminator(DiscriminatorPass pass) {
    return model.discriminate(pass.network("discriminate"), pass.node("x"), pass.node("y"));
  }
}
