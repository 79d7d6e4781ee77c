package dev.helmholtz.samples.bayesvae;

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
 * The model defined by {@link BayesianDecoderVae}, compiled to a TensorFlow graph by Helmholtz.
 *
 * <h2>Model report</h2>
 * <p>Objective: ELBO, 1 sample per example; global latents (w1, b1, w2, b2) by Bayes by backprop: each example's objective carries 1 / N of their KL, N the training data's size, so a minibatch carries B / N.
 * <ul>
 * <li>{@code z}: latent Normal, event shape [20]; p(z): standard prior; q(z | x) by encode(); gradient: reparameterized; KL: analytic
 * <li>{@code w1}: latent Normal, event shape [2000]; p(w1): standard prior; global: one value for the whole data set; q: mean-field Normal (trainable loc and softplus scale), reparameterized, one draw per step; KL: Monte Carlo, 1 / N of it per example
 * <li>{@code b1}: latent Normal, event shape [100]; p(b1): standard prior; global: one value for the whole data set; q: mean-field Normal (trainable loc and softplus scale), reparameterized, one draw per step; KL: Monte Carlo, 1 / N of it per example
 * <li>{@code w2}: latent Normal, event shape [78400]; p(w2): standard prior; global: one value for the whole data set; q: mean-field Normal (trainable loc and softplus scale), reparameterized, one draw per step; KL: Monte Carlo, 1 / N of it per example
 * <li>{@code b2}: latent Normal, event shape [784]; p(b2): standard prior; global: one value for the whole data set; q: mean-field Normal (trainable loc and softplus scale), reparameterized, one draw per step; KL: Monte Carlo, 1 / N of it per example
 * <li>{@code x}: observed Bernoulli, event shape [784]; p(x | z, w1, b1, w2, b2) by decode(); sees the draw axis: global latents [R, width], other parents [n, event], returns [R, n, event]
 * </ul>
 * <p>Inference order: z. Generative order: z, w1, b1, w2, b2, x.
 */
@Generated("dev.helmholtz.processor.HelmholtzProcessor")
public final class BayesianDecoderVaeModel extends VariationalModel {
  private static final ModelSpec SPEC = ModelSpec.builder("dev.helmholtz.samples.bayesvae.BayesianDecoderVae")
      .objective(ObjectiveKind.ELBO, 1)
      .latent("z", 20)
      .global("w1", 2000)
      .global("b1", 100)
      .global("w2", 78400)
      .global("b2", 784)
      .observed("x", 784)
      .build();

  private final BayesianDecoderVae model;

  private BayesianDecoderVaeModel(BayesianDecoderVae model, Seed seed, ThreadSettings threads) {
    super(SPEC, seed, threads);
    this.model = Objects.requireNonNull(model, "model");
    build();
  }

  /**
   * Builds the model's graph and initializes its variables from {@code seed}, with a new
   * {@link BayesianDecoderVae} and the default thread settings.
   */
  public static BayesianDecoderVaeModel create(Seed seed) {
    return new BayesianDecoderVaeModel(new BayesianDecoderVae(), seed, ThreadSettings.defaults());
  }

  /**
   * Builds the model's graph around {@code model}'s networks and initializes its variables
   * from {@code seed}; the same seed and thread settings give the same numbers.
   */
  public static BayesianDecoderVaeModel create(BayesianDecoderVae model, Seed seed,
      ThreadSettings threads) {
    return new BayesianDecoderVaeModel(model, seed, threads);
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
   * The mean of q(z | ...) for each row: {@code [rows][20]}.
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
   * <li>shape: the output of every network against its node's event shape ({@code z} [20], {@code w1} [2000], {@code b1} [100], {@code w2} [78400], {@code b2} [784], {@code x} [784]);
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
    // q(w1): mean-field Normal, reparameterized; p(w1) standard; KL: Monte Carlo, 1 / N of it per example
    Operand<TFloat32> w1 = pass.global("w1");
    Normal pW1 = Normal.standard(pass.tf(), pass.shape(w1));
    pass.globalPrior("w1", w1, pW1);
    // q(b1): mean-field Normal, reparameterized; p(b1) standard; KL: Monte Carlo, 1 / N of it per example
    Operand<TFloat32> b1 = pass.global("b1");
    Normal pB1 = Normal.standard(pass.tf(), pass.shape(b1));
    pass.globalPrior("b1", b1, pB1);
    // q(w2): mean-field Normal, reparameterized; p(w2) standard; KL: Monte Carlo, 1 / N of it per example
    Operand<TFloat32> w2 = pass.global("w2");
    Normal pW2 = Normal.standard(pass.tf(), pass.shape(w2));
    pass.globalPrior("w2", w2, pW2);
    // q(b2): mean-field Normal, reparameterized; p(b2) standard; KL: Monte Carlo, 1 / N of it per example
    Operand<TFloat32> b2 = pass.global("b2");
    Normal pB2 = Normal.standard(pass.tf(), pass.shape(b2));
    pass.globalPrior("b2", b2, pB2);
    // q(z | x) by encode(): Normal, reparameterized gradient, analytic KL
    Normal qZ = model.encode(pass.network("encode"), x);
    Operand<TFloat32> z = pass.draw("z", qZ);
    // p(z): standard prior
    Normal pZ = Normal.standard(pass.tf(), pass.shape(z));
    pass.latentAnalyticKl("z", z, qZ, pZ);
    // p(x | z, w1, b1, w2, b2) by decode()
    Bernoulli pX = pass.unfold(pass.dropDrawAxis("x", model.decode(pass.network("decode"), pass.fold(z), w1, b1, w2, b2)));
    pass.observe("x", x, pX);
  }

  @Override
  protected void defineGeneration(GenerativePass pass) {
    Normal pZ = Normal.standard(pass.tf(), pass.shape("z"));
    Operand<TFloat32> z = pass.draw("z", pZ);
    Operand<TFloat32> w1 = pass.global("w1");
    Operand<TFloat32> b1 = pass.global("b1");
    Operand<TFloat32> w2 = pass.global("w2");
    Operand<TFloat32> b2 = pass.global("b2");
    Bernoulli pX = pass.dropDrawAxis("x", model.decode(pass.network("decode"), z, w1, b1, w2, b2));
    Operand<TFloat32> x = pass.draw("x", pX);
  }
}
