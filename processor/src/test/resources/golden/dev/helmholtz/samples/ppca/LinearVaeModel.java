package dev.helmholtz.samples.ppca;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckPlan;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.data.Dataset;
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
 * The model defined by {@link LinearVae}, compiled to a TensorFlow graph by Helmholtz.
 *
 * <h2>Model report</h2>
 * <p>Objective: ELBO, 1 sample per example.
 * <ul>
 * <li>{@code z}: latent Normal, event shape [4]; p(z): standard prior; q(z | x) by encode(); gradient: reparameterized; KL: analytic
 * <li>{@code x}: observed Normal, event shape [20]; p(x | z) by decode()
 * </ul>
 * <p>Inference order: z. Generative order: z, x.
 */
@Generated("dev.helmholtz.processor.HelmholtzProcessor")
public final class LinearVaeModel extends VariationalModel {
  private static final ModelSpec SPEC = ModelSpec.builder("dev.helmholtz.samples.ppca.LinearVae")
      .objective(ObjectiveKind.ELBO, 1)
      .latent("z", 4)
      .observed("x", 20)
      .build();

  private final LinearVae model;

  private LinearVaeModel(LinearVae model, Seed seed, ThreadSettings threads) {
    super(SPEC, seed, threads);
    this.model = Objects.requireNonNull(model, "model");
    build();
  }

  /**
   * Builds the model's graph and initializes its variables from {@code seed}, with a new
   * {@link LinearVae} and the default thread settings.
   */
  public static LinearVaeModel create(Seed seed) {
    return new LinearVaeModel(new LinearVae(), seed, ThreadSettings.defaults());
  }

  /**
   * Builds the model's graph around {@code model}'s networks and initializes its variables
   * from {@code seed}; the same seed and thread settings give the same numbers.
   */
  public static LinearVaeModel create(LinearVae model, Seed seed, ThreadSettings threads) {
    return new LinearVaeModel(model, seed, threads);
  }

  /**
   * Draws {@code n} examples by ancestral sampling and returns, for each, the mean of
   * p(x | parents): {@code [n][20]}.
   */
  public float[][] sample(int n) {
    return generate(n).get("x");
  }

  /**
   * Encodes each row to the means of the posteriors and decodes it to the mean of
   * p(x | ...): {@code [rows][20]}.
   */
  public float[][] reconstruct(float[][] data) {
    return reconstructAll(Dataset.of("x", data)).get("x");
  }

  /**
   * The mean of q(z | ...) for each row: {@code [rows][4]}.
   */
  public float[][] encode(float[][] data) {
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
   * <li>shape: the output of every network against its node's event shape ({@code z} [4], {@code x} [20]);
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
            .build());
  }

  @Override
  protected void defineInference(InferencePass pass) {
    Operand<TFloat32> x = pass.observed("x");
    // q(z | x) by encode(): Normal, reparameterized gradient, analytic KL
    Normal qZ = model.encode(pass.network("encode"), x);
    Operand<TFloat32> z = pass.draw("z", qZ);
    // p(z): standard prior
    Normal pZ = Normal.standard(pass.tf(), pass.shape(z));
    pass.latentAnalyticKl("z", z, qZ, pZ);
    // p(x | z) by decode()
    Normal pX = pass.unfold(model.decode(pass.network("decode"), pass.fold(z)));
    pass.observe("x", x, pX);
  }

  @Override
  protected void defineGeneration(GenerativePass pass) {
    Normal pZ = Normal.standard(pass.tf(), pass.shape("z"));
    Operand<TFloat32> z = pass.draw("z", pZ);
    Normal pX = model.decode(pass.network("decode"), z);
    Operand<TFloat32> x = pass.draw("x", pX);
  }
}
