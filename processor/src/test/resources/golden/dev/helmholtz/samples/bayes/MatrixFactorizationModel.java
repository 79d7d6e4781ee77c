package dev.helmholtz.samples.bayes;

import dev.helmholtz.bayesian.BayesianModel;
import dev.helmholtz.bayesian.BayesianPass;
import dev.helmholtz.bayesian.BayesianSpec;
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
 * The model defined by {@link MatrixFactorization}, compiled by Helmholtz: a model of global latents, whose
 * posterior given a data set {@code hmc(data)} samples and {@code variational(data)} fits.
 *
 * <h2>Model report</h2>
 * <p>Objective: none per example: the posterior of the global latents given the whole data set, log p(globals) + sum over examples of log p(observed | globals, given), sampled by HMC (hmc(data)) or fitted by mean-field VI (variational(data)).
 * <ul>
 * <li>{@code users}: latent Normal, event shape [80]; p(users): standard prior; global: one value for the whole data set, theta[0, 80)
 * <li>{@code items}: latent Normal, event shape [60]; p(items): standard prior; global: one value for the whole data set, theta[80, 140)
 * <li>{@code user}: observed Normal, event shape [40]; given: conditioned on, not modelled
 * <li>{@code item}: observed Normal, event shape [30]; given: conditioned on, not modelled
 * <li>{@code rating}: observed Normal, event shape [1]; p(rating | users, items, user, item) by likelihood(); global latents repeated per example: users, items
 * </ul>
 * <p>Generative order: users, items, user, item, rating.
 */
@Generated("dev.helmholtz.processor.HelmholtzProcessor")
public final class MatrixFactorizationModel extends BayesianModel {
  private static final BayesianSpec SPEC = BayesianSpec.builder("dev.helmholtz.samples.bayes.MatrixFactorization")
      .global("users", 80)
      .global("items", 60)
      .given("user", 40)
      .given("item", 30)
      .observed("rating", 1)
      .build();

  private final MatrixFactorization model;

  private MatrixFactorizationModel(MatrixFactorization model, ThreadSettings threads) {
    super(SPEC, threads);
    this.model = Objects.requireNonNull(model, "model");
  }

  /**
   * The model with a new {@link MatrixFactorization} and the default thread settings.
   */
  public static MatrixFactorizationModel create() {
    return new MatrixFactorizationModel(new MatrixFactorization(), ThreadSettings.defaults());
  }

  /**
   * The model around {@code model}'s networks; HMC, VI and predictions run with {@code threads}.
   */
  public static MatrixFactorizationModel create(MatrixFactorization model, ThreadSettings threads) {
    return new MatrixFactorizationModel(model, threads);
  }

  /**
   * A data set with a column per given and observed node, {@code [rows][width]} each, in
   * the column names the model's methods read.
   */
  public static Dataset dataset(float[][] user, float[][] item, float[][] rating) {
    return Dataset.of("user", user).with("item", item).with("rating", rating);
  }

  /**
   * The posterior predictive mean of rating at each row of {@code givens}, averaged over the
   * draws of the global latents ({@code [draws][140]}): {@code [rows][1]}.
   */
  public float[][] predictMean(double[][] draws, Dataset givens) {
    return predictMean("rating", draws, givens);
  }

  /**
   * One draw of rating per draw of the global latents and row of {@code givens}:
   * {@code [draws][rows][1]}.
   */
  public float[][][] predictiveSamples(double[][] draws, Dataset givens, Seed seed) {
    return predictiveSamples("rating", draws, givens, seed);
  }

  /**
   * Checks this model on the first {@code options.examples()} rows of {@code data} (or, when it is
   * null, on synthetic data: given nodes standard normal, observed nodes from the prior predictive):
   * <ol>
   * <li>log-density: the log posterior's gradient with respect to {@code users}, {@code items}, at draws from their priors,
   * against central finite differences;
   * <li>shape: each prior and likelihood against its node's width;
   * <li>gradient, kl, bounds, score-function: skipped, a model of global latents trains no network.
   * </ol>
   *
   * @return the report, a row per check; {@code assertPassed()} throws naming each failure
   */
  @Override
  public SelfCheckReport selfCheck(Dataset data, SelfCheckOptions options) {
    return super.selfCheck(data, options);
  }

  @Override
  protected void define(BayesianPass pass) {
    Operand<TFloat32> users = pass.global("users");
    // p(users): standard prior
    Normal pUsers = Normal.standard(pass.tf(), pass.shape(users));
    pass.prior("users", users, pUsers);
    Operand<TFloat32> items = pass.global("items");
    // p(items): standard prior
    Normal pItems = Normal.standard(pass.tf(), pass.shape(items));
    pass.prior("items", items, pItems);
    Operand<TFloat32> user = pass.given("user");
    Operand<TFloat32> item = pass.given("item");
    // p(rating | users, items, user, item) by likelihood()
    Normal pRating = model.likelihood(pass.network("likelihood"), pass.perExample(users), pass.perExample(items), user, item);
    pass.observe("rating", pRating);
  }
}
