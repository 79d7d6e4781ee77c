package dev.helmholtz.samples.ssvae;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckPlan;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.data.Dataset;
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
 * The model defined by {@link StackedSemiSupervisedVae}, compiled to a TensorFlow graph by Helmholtz.
 *
 * <h2>Model report</h2>
 * <p>Objective: ELBO, 1 sample per example.
 * <ul>
 * <li>{@code y}: latent Categorical, event shape [10]; p(y): standard prior; q(y | features) by classify(); summed out by enumeration of its 10 classes where unlabelled (labels: data column y, one-hot rows; all-zero rows are unlabelled); classification weight 60.0
 * <li>{@code z}: latent Normal, event shape [50]; p(z): standard prior; q(z | features, y) by encode(); gradient: reparameterized; KL: analytic
 * <li>{@code features}: observed Normal, event shape [50]; p(features | y, z) by decode()
 * </ul>
 * <p>Inference order: y, z. Generative order: y, z, features.
 */
@Generated("dev.helmholtz.processor.HelmholtzProcessor")
public final class StackedSemiSupervisedVaeModel extends VariationalModel {
  private static final ModelSpec SPEC = ModelSpec.builder("dev.helmholtz.samples.ssvae.StackedSemiSupervisedVae")
      .objective(ObjectiveKind.ELBO, 1)
      .enumerated("y", 10, 60.0)
      .latent("z", 50)
      .observed("features", 50)
      .build();

  private final StackedSemiSupervisedVae model;

  private StackedSemiSupervisedVaeModel(StackedSemiSupervisedVae model, Seed seed,
      ThreadSettings threads) {
    super(SPEC, seed, threads);
    this.model = Objects.requireNonNull(model, "model");
    build();
  }

  /**
   * Builds the model's graph and initializes its variables from {@code seed}, with a new
   * {@link StackedSemiSupervisedVae} and the default thread settings.
   */
  public static StackedSemiSupervisedVaeModel create(Seed seed) {
    return new StackedSemiSupervisedVaeModel(new StackedSemiSupervisedVae(), seed, ThreadSettings.defaults());
  }

  /**
   * Builds the model's graph around {@code model}'s networks and initializes its variables
   * from {@code seed}; the same seed and thread settings give the same numbers.
   */
  public static StackedSemiSupervisedVaeModel create(StackedSemiSupervisedVae model, Seed seed,
      ThreadSettings threads) {
    return new StackedSemiSupervisedVaeModel(model, seed, threads);
  }

  /**
   * The most probable class of y under q(y | features) for each row, from 0.
   */
  public int[] classify(float[][] data) {
    return classify(Dataset.of("features", data));
  }

  /**
   * q(y | features) for each row: {@code [rows][10]}.
   */
  public float[][] classProbabilities(float[][] data) {
    return classProbabilities(Dataset.of("features", data));
  }

  /**
   * Draws one example per entry of {@code classes} (each in 0..9) by ancestral sampling with
   * y set to that class, and returns the mean of p(features | parents) for each: {@code [n][50]}.
   */
  public float[][] sampleClasses(int... classes) {
    return generateClasses(classes).get("features");
  }

  /**
   * Draws {@code n} examples by ancestral sampling and returns, for each, the mean of
   * p(features | parents): {@code [n][50]}.
   */
  public float[][] sample(int n) {
    return generate(n).get("features");
  }

  /**
   * Encodes each row to the means of the posteriors and decodes it to the mean of
   * p(features | ...): {@code [rows][50]}.
   */
  public float[][] reconstruct(float[][] data) {
    return reconstructAll(Dataset.of("features", data)).get("features");
  }

  /**
   * The mean of q(y | ...) for each row: {@code [rows][10]}.
   */
  public float[][] encodeY(float[][] data) {
    return encodeAll(Dataset.of("features", data)).get("y");
  }

  /**
   * The mean of q(z | ...) for each row: {@code [rows][50]}.
   */
  public float[][] encodeZ(float[][] data) {
    return encodeAll(Dataset.of("features", data)).get("z");
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
   * <li>shape: the output of every network against its node's event shape ({@code y} [10], {@code z} [50], {@code features} [50]);
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
    Operand<TFloat32> features = pass.observed("features");
    // q(y | features) by classify(): Categorical, summed out by enumeration where unlabelled
    Categorical qY = model.classify(pass.network("classify"), features);
    Operand<TFloat32> y = pass.enumerate("y", qY);
    // q(z | features, y) by encode(): Normal, reparameterized gradient, analytic KL
    Normal qZ = pass.unfold(model.encode(pass.network("encode"), pass.tileAndFold(features), pass.fold(y)));
    Operand<TFloat32> z = pass.draw("z", qZ);
    // p(y): standard prior
    Categorical pY = Categorical.uniform(pass.tf(), pass.shape(y), 10);
    pass.latentEnumerated("y", y, qY, pY);
    // p(z): standard prior
    Normal pZ = Normal.standard(pass.tf(), pass.shape(z));
    pass.latentAnalyticKl("z", z, qZ, pZ);
    // p(features | y, z) by decode()
    Normal pFeatures = pass.unfold(model.decode(pass.network("decode"), pass.fold(y), pass.fold(z)));
    pass.observe("features", features, pFeatures);
  }

  @Override
  protected void defineGeneration(GenerativePass pass) {
    Categorical pY = Categorical.uniform(pass.tf(), pass.shape("y"), 10);
    Operand<TFloat32> y = pass.draw("y", pY);
    Normal pZ = Normal.standard(pass.tf(), pass.shape("z"));
    Operand<TFloat32> z = pass.draw("z", pZ);
    Normal pFeatures = model.decode(pass.network("decode"), y, z);
    Operand<TFloat32> features = pass.draw("features", pFeatures);
  }
}
