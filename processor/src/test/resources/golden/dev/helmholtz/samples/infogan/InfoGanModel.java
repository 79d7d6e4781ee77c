package dev.helmholtz.samples.infogan;

import dev.helmholtz.adversarial.AdversarialModel;
import dev.helmholtz.adversarial.AdversarialPass;
import dev.helmholtz.adversarial.AdversarialSpec;
import dev.helmholtz.adversarial.DiscriminatorPass;
import dev.helmholtz.annotations.GanLoss;
import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Categorical;
import dev.helmholtz.dist.Distribution;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ThreadSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.annotation.processing.Generated;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The adversarial model defined by {@link InfoGan}, compiled to a TensorFlow graph by Helmholtz.
 *
 * <h2>Model report</h2>
 * <p>Objective: adversarial, NON_SATURATING loss, 1 discriminator step per generator step.
 * <ul>
 * <li>{@code z}: latent Normal, event shape [62]; p(z): standard prior; noise
 * <li>{@code c}: latent Categorical, event shape [10]; p(c): standard prior; an InfoGAN code, Q by inferClass()
 * <li>{@code s}: latent Normal, event shape [2]; p(s): standard prior; an InfoGAN code, Q by inferStyle()
 * <li>{@code x}: observed Bernoulli, event shape [784]; x = generate(z, c, s), implicit; judged by discriminate()
 * </ul>
 * <p>Generative order: z, c, s, x.
 */
@Generated("dev.helmholtz.processor.HelmholtzProcessor")
public final class InfoGanModel extends AdversarialModel {
  private static final AdversarialSpec SPEC = AdversarialSpec.builder("dev.helmholtz.samples.infogan.InfoGan")
      .game(GanLoss.NON_SATURATING, 1, 10.0)
      // InfoGAN: inferClass() is Q(c | x); both players maximize the bound on their mutual information
      .mutualInformation("c", 1.0)
      // InfoGAN: inferStyle() is Q(s | x); both players maximize the bound on their mutual information
      .mutualInformation("s", 0.5)
      .latent("z", 62)
      .latent("c", 10)
      .latent("s", 2)
      .generated("x", 784)
      .build();

  private final InfoGan model;

  private InfoGanModel(InfoGan model, Seed seed, ThreadSettings threads) {
    super(SPEC, seed, threads);
    this.model = Objects.requireNonNull(model, "model");
    build();
  }

  /**
   * Builds the model's graph and initializes its variables from {@code seed}, with a new
   * {@link InfoGan} and the default thread settings.
   */
  public static InfoGanModel create(Seed seed) {
    return new InfoGanModel(new InfoGan(), seed, ThreadSettings.defaults());
  }

  /**
   * Builds the model's graph around {@code model}'s networks and initializes its variables
   * from {@code seed}; the same seed and thread settings give the same numbers.
   */
  public static InfoGanModel create(InfoGan model, Seed seed, ThreadSettings threads) {
    return new InfoGanModel(model, seed, threads);
  }

  /**
   * Draws {@code n} generated examples of x: {@code [n][784]}.
   */
  public float[][] sample(int n) {
    return generate(n).get("x");
  }

  /**
   * The discriminator's logit that each row of x is data: {@code [rows]}.
   */
  public float[] discriminate(float[][] x) {
    return discriminate(Dataset.of("x", x));
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
    Categorical pC = Categorical.uniform(pass.tf(), pass.shape("c"), 10);
    Operand<TFloat32> c = pass.draw("c", pC);
    Normal pS = Normal.standard(pass.tf(), pass.shape("s"));
    Operand<TFloat32> s = pass.draw("s", pS);
    // x by generate(): implicit
    Operand<TFloat32> x = pass.generate("x", model.generate(pass.network("generate"), z, c, s));
  }

  @Override
  protected Operand<TFloat32> defineDiscriminator(DiscriminatorPass pass) {
    return model.discriminate(pass.network("discriminate"), pass.node("x"));
  }

  @Override
  protected Map<String, Distribution> defineCodePosteriors(DiscriminatorPass pass) {
    Map<String, Distribution> q = new LinkedHashMap<>();
    q.put("c", model.inferClass(pass.network("inferClass"), pass.node("x")));
    q.put("s", model.inferStyle(pass.network("inferStyle"), pass.node("x")));
    return q;
  }
}
