package dev.helmholtz.samples.cvae;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckPlan;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Bernoulli;
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
 * The model defined by {@link ConditionalVae}, compiled to a TensorFlow graph by Helmholtz.
 *
 * <h2>Model report</h2>
 * <p>Objective: ELBO, 1 sample per example.
 * <ul>
 * <li>{@code z}: latent Normal, event shape [20]; p(z): standard prior; q(z | x, y) by encode(); gradient: reparameterized; KL: analytic
 * <li>{@code y}: observed Categorical, event shape [10]; given: conditioned on, not modelled
 * <li>{@code x}: observed Bernoulli, event shape [784]; p(x | z, y) by decode()
 * </ul>
 * <p>Inference order: z. Generative order: z, y, x.
 */
@Generated("dev.helmholtz.processor.HelmholtzProcessor")
public final class ConditionalVaeModel extends VariationalModel {
  private static final ModelSpec SPEC = ModelSpec.builder("dev.helmholtz.samples.cvae.ConditionalVae")
      .objective(ObjectiveKind.ELBO, 1)
      .latent("z", 20)
      .observed("x", 784)
      .given("y", 10)
      .build();

  private final ConditionalVae model;

  private ConditionalVaeModel(ConditionalVae model, Seed seed, ThreadSettings threads) {
    super(SPEC, seed, threads);
    this.model = Objects.requireNonNull(model, "model");
    build();
  }

  /**
   * Builds the model's graph and initializes its variables from {@code seed}, with a new
   * {@link ConditionalVae} and the default thread settings.
   */
  public static ConditionalVaeModel create(Seed seed) {
    return new ConditionalVaeModel(new ConditionalVae(), seed, ThreadSettings.defaults());
  }

  /**
   * Builds the model's graph around {@code model}'s networks and initializes its variables
   * from {@code seed}; the same seed and thread settings give the same numbers.
   */
  public static ConditionalVaeModel create(ConditionalVae model, Seed seed,
      ThreadSettings threads) {
    return new ConditionalVaeModel(model, seed, threads);
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
   * <li>shape: the output of every network against its node's event shape ({@code z} [20], {@code x} [784]);
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
    Operand<TFloat32> y = pass.observed("y");
    // q(z | x, y) by encode(): Normal, reparameterized gradient, analytic KL
    Normal qZ = model.encode(pass.network("encode"), x, y);
    Operand<TFloat32> z = pass.draw("z", qZ);
    // p(z): standard prior
    Normal pZ = Normal.standard(pass.tf(), pass.shape(z));
    pass.latentAnalyticKl("z", z, qZ, pZ);
    // p(x | z, y) by decode()
    Bernoulli pX = pass.unfold(model.decode(pass.network("decode"), pass.fold(z), pass.tileAndFold(y)));
    pass.observe("x", x, pX);
  }

  @Override
  protected void defineGeneration(GenerativePass pass) {
    Normal pZ = Normal.standard(pass.tf(), pass.shape("z"));
    Operand<TFloat32> z = pass.draw("z", pZ);
    Operand<TFloat32> y = pass.given("y");
    Bernoulli pX = model.decode(pass.network("decode"), z, y);
    Operand<TFloat32> x = pass.draw("x", pX);
  }
}
