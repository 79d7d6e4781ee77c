package dev.helmholtz.samples.ssvae;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckPlan;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Categorical;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.variational.GenerativePass;
import dev.helmholtz.variational.InferencePass;
import dev.helmholtz.variational.ModelSpec;
import dev.helmholtz.variational.VariationalModel;
import java.util.Objects;
import javax.annotation.processing.Generated;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The model defined by {@link SemiSupervisedVaeAdaptiveIs}, compiled to a TensorFlow graph by Helmholtz.
 *
 * <h2>Model report</h2>
 * <p>Objective: ADAPTIVE_IMPORTANCE_SAMPLING, 10 samples per example.
 * <ul>
 * <li>{@code y}: latent Categorical, event shape [10]; p(y): standard prior; q(y | x) by classify(); in training drawn from q where unlabelled and clamped to the label where labelled, its 10 classes summed out in elbo() (labels: data column y, one-hot rows; all-zero rows are unlabelled); classification weight 60.0
 * <li>{@code z}: latent Normal, event shape [50]; p(z): standard prior; q(z | x, y) by encode(); gradient: none through samples (wake-sleep); KL in elbo(): analytic
 * <li>{@code x}: observed Bernoulli, event shape [784]; p(x | y, z) by decode()
 * </ul>
 * <p>Inference order: y, z. Generative order: y, z, x.
 */
@Generated("dev.helmholtz.processor.HelmholtzProcessor")
public final class SemiSupervisedVaeAdaptiveIsModel extends VariationalModel {
  private static final ModelSpec SPEC = ModelSpec.builder("dev.helmholtz.samples.ssvae.SemiSupervisedVaeAdaptiveIs")
      .objective(ObjectiveKind.ADAPTIVE_IMPORTANCE_SAMPLING, 10)
      .enumerated("y", 10, 60.0)
      .latent("z", 50)
      .observed("x", 784)
      .build();

  private final SemiSupervisedVaeAdaptiveIs model;

  private SemiSupervisedVaeAdaptiveIsModel(SemiSupervisedVaeAdaptiveIs model, Seed seed,
      ThreadSettings threads) {
    super(SPEC, seed, threads);
    this.model = Objects.requireNonNull(model, "model");
    build();
  }

  /**
   * Builds the model's graph and initializes its variables from {@code seed}, with a new
   * {@link SemiSupervisedVaeAdaptiveIs} and the default thread settings.
   */
  public static SemiSupervisedVaeAdaptiveIsModel create(Seed seed) {
    return new SemiSupervisedVaeAdaptiveIsModel(new SemiSupervisedVaeAdaptiveIs(), seed, ThreadSettings.defaults());
  }

  /**
   * Builds the model's graph around {@code model}'s networks and initializes its variables
   * from {@code seed}; the same seed and thread settings give the same numbers.
   */
  public static SemiSupervisedVaeAdaptiveIsModel create(SemiSupervisedVaeAdaptiveIs model,
      Seed seed, ThreadSettings threads) {
    return new SemiSupervisedVaeAdaptiveIsModel(model, seed, threads);
  }

  /**
   * The most probable class of y under q(y | x) for each row, from 0.
   */
  public int[] classify(float[][] data) {
    return classify(Dataset.of("x", data));
  }

  /**
   * q(y | x) for each row: {@code [rows][10]}.
   */
  public float[][] classProbabilities(float[][] data) {
    return classProbabilities(Dataset.of("x", data));
  }

  /**
   * Draws one example per entry of {@code classes} (each in 0..9) by ancestral sampling with
   * y set to that class, and returns the mean of p(x | parents) for each: {@code [n][784]}.
   */
  public float[][] sampleClasses(int... classes) {
    return generateClasses(classes).get("x");
  }

  /**
   * Draws {@code n} examples by ancestral sampling and returns, for each, the mean of
   * p(x | parents): {@code [n][784]}.
   */
  public float[][] sample(int n) {
    return generate(n).get("x");
  }

  /**
   * Encodes each row to the means of the posteriors and decodes it to the mean of
   * p(x | ...): {@code [rows][784]}.
   */
  public float[][] reconstruct(float[][] data) {
    return reconstructAll(Dataset.of("x", data)).get("x");
  }

  /**
   * The mean of q(y | ...) for each row: {@code [rows][10]}.
   */
  public float[][] encodeY(float[][] data) {
    return encodeAll(Dataset.of("x", data)).get("y");
  }

  /**
   * The mean of q(z | ...) for each row: {@code [rows][50]}.
   */
  public float[][] encodeZ(float[][] data) {
    return encodeAll(Dataset.of("x", data)).get("z");
  }

  /**
   * Checks this model on the first {@code options.examples()} rows of {@code data} (or, when it is
   * null, on examples drawn from the model itself), in a graph of its own with this model's
   * variables copied in:
   * <ol>
   * <li>gradient: the ELBO at fixed noise, against central finite differences over every
   * trainable variable (a random direction and single entries);
   * <li>kl: the analytic KL of {@code z} against Monte Carlo, within standard errors;
   * <li>bounds: ELBO &le; IWAE<sub>k</sub> &le; IWAE<sub>k'</sub> &le; the importance-sampled log-likelihood;
   * <li>score-function: skipped, no latent is trained by a score-function estimator;
   * <li>shape: the output of every network against its node's event shape ({@code y} [10], {@code z} [50], {@code x} [784]);
   * <li>structure: the graph's analytic KLs and score-function latents are those compiled.
   * </ol>
   * In a test: {@code model.selfCheck(batch, SelfCheckOptions.quick()).assertPassed()}.
   *
   * @return the report, a row per check; {@code assertPassed()} throws naming each failure
   */
  @Override
  public SelfCheckReport selfCheck(Dataset data, SelfCheckOptions options) {
    return selfCheck(data, options, SelfCheckPlan.builder()
            .analyticKl("z")
            .enumerable("y")
            .build());
  }

  @Override
  protected void defineInference(InferencePass pass) {
    Operand<TFloat32> x = pass.observed("x");
    // q(y | x) by classify(): Categorical, summed out by enumeration where unlabelled
    Categorical qY = model.classify(pass.network("classify"), x);
    Operand<TFloat32> y = pass.enumerate("y", qY);
    // q(z | x, y) by encode(): Normal, no gradient through samples (wake-sleep), analytic KL
    Normal qZ = pass.unfold(model.encode(pass.network("encode"), pass.tileAndFold(x), pass.fold(y)));
    Operand<TFloat32> z = pass.draw("z", qZ);
    // p(y): standard prior
    Categorical pY = Categorical.uniform(pass.tf(), pass.shape(y), 10);
    pass.latentEnumerated("y", y, qY, pY);
    // p(z): standard prior
    Normal pZ = Normal.standard(pass.tf(), pass.shape(z));
    pass.latentAnalyticKl("z", z, qZ, pZ);
    // p(x | y, z) by decode()
    Bernoulli pX = pass.unfold(model.decode(pass.network("decode"), pass.fold(y), pass.fold(z)));
    pass.observe("x", x, pX);
  }

  @Override
  protected void defineGeneration(GenerativePass pass) {
    Categorical pY = Categorical.uniform(pass.tf(), pass.shape("y"), 10);
    Operand<TFloat32> y = pass.draw("y", pY);
    Normal pZ = Normal.standard(pass.tf(), pass.shape("z"));
    Operand<TFloat32> z = pass.draw("z", pZ);
    Bernoulli pX = model.decode(pass.network("decode"), y, z);
    Operand<TFloat32> x = pass.draw("x", pX);
  }
}
