package dev.helmholtz.samples.mmd;

import dev.helmholtz.adversarial.AdversarialModel;
import dev.helmholtz.adversarial.AdversarialPass;
import dev.helmholtz.adversarial.AdversarialSpec;
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
 * The moment-matching model defined by {@link MnistMmd}, compiled to a TensorFlow graph by Helmholtz.
 *
 * <h2>Model report</h2>
 * <p>Objective: moment matching: the generator minimizes MMD^2 to the data under Gaussian kernels of bandwidths [2.0, 5.0, 10.0, 20.0, 40.0, 80.0]; no discriminator.
 * <ul>
 * <li>{@code z}: latent Normal, event shape [10]; p(z): standard prior; noise
 * <li>{@code x}: observed Bernoulli, event shape [784]; x = generate(z), implicit; matched to the data by a kernel two-sample loss
 * </ul>
 * <p>Generative order: z, x.
 */
@Generated("dev.helmholtz.processor.HelmholtzProcessor")
public final class MnistMmdModel extends AdversarialModel {
  private static final AdversarialSpec SPEC = AdversarialSpec.builder("dev.helmholtz.samples.mmd.MnistMmd")
      // no discriminator: the generator minimizes the kernel MMD^2 to the data of x
      .momentMatching(2.0, 5.0, 10.0, 20.0, 40.0, 80.0)
      .latent("z", 10)
      .generated("x", 784)
      .build();

  private final MnistMmd model;

  private MnistMmdModel(MnistMmd model, Seed seed, ThreadSettings threads) {
    super(SPEC, seed, threads);
    this.model = Objects.requireNonNull(model, "model");
    build();
  }

  /**
   * Builds the model's graph and initializes its variables from {@code seed}, with a new
   * {@link MnistMmd} and the default thread settings.
   */
  public static MnistMmdModel create(Seed seed) {
    return new MnistMmdModel(new MnistMmd(), seed, ThreadSettings.defaults());
  }

  /**
   * Builds the model's graph around {@code model}'s networks and initializes its variables
   * from {@code seed}; the same seed and thread settings give the same numbers.
   */
  public static MnistMmdModel create(MnistMmd model, Seed seed, ThreadSettings threads) {
    return new MnistMmdModel(model, seed, threads);
  }

  /**
   * Draws {@code n} generated examples of x: {@code [n][784]}.
   */
  public float[][] sample(int n) {
    return generate(n).get("x");
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
    // x by generate(): implicit
    Operand<TFloat32> x = pass.generate("x", model.generate(pass.network("generate"), z));
  }
}
