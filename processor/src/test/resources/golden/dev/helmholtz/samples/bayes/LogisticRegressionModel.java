package dev.helmholtz.samples.bayes;

import dev.helmholtz.bayesian.BayesianModel;
import dev.helmholtz.bayesian.BayesianPass;
import dev.helmholtz.bayesian.BayesianSpec;
import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ThreadSettings;
import java.util.Objects;
import javax.annotation.processing.Generated;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The model defined by {@link LogisticRegression}, compiled by Helmholtz: a model of global latents, whose
 * posterior given a data set {@code hmc(data)} samples and {@code variational(data)} fits.
 *
 * <h2>Model report</h2>
 * <p>Objective: none per example: the posterior of the global latents given the whole data set, log p(globals) + sum over examples of log p(observed | globals, given), sampled by HMC (hmc(data)) or fitted by mean-field VI (variational(data)).
 * <ul>
 * <li>{@code weights}: latent Normal, event shape [10]; p(weights) by weightPrior(); global: one value for the whole data set, theta[0, 10)
 * <li>{@code bias}: latent Normal, event shape [1]; p(bias) by biasPrior(); global: one value for the whole data set, theta[10, 11)
 * <li>{@code features}: observed Normal, event shape [10]; given: conditioned on, not modelled
 * <li>{@code label}: observed Bernoulli, event shape [1]; p(label | weights, bias, features) by likelihood(); sees the draw axis: global latents [R, width], other parents [n, event], returns [R, n, event]
 * </ul>
 * <p>Generative order: weights, bias, features, label.
 */
@Generated("dev.helmholtz.processor.HelmholtzProcessor")
public final class LogisticRegressionModel extends BayesianModel {
  private static final BayesianSpec SPEC = BayesianSpec.builder("dev.helmholtz.samples.bayes.LogisticRegression")
      .global("weights", 10)
      .global("bias", 1)
      .given("features", 10)
      .observed("label", 1)
      .build();

  private final LogisticRegression model;

  private LogisticRegressionModel(LogisticRegression model, ThreadSettings threads) {
    super(SPEC, threads);
    this.model = Objects.requireNonNull(model, "model");
  }

  /**
   * The model with a new {@link LogisticRegression} and the default thread settings.
   */
  public static LogisticRegressionModel create() {
    return new LogisticRegressionModel(new LogisticRegression(), ThreadSettings.defaults());
  }

  /**
   * The model around {@code model}'s networks; HMC, VI and predictions run with {@code threads}.
   */
  public static LogisticRegressionModel create(LogisticRegression model, ThreadSettings threads) {
    return new LogisticRegressionModel(model, threads);
  }

  /**
   * A data set with a column per given and observed node, {@code [rows][width]} each, in
   * the column names the model's methods read.
   */
  public static Dataset dataset(float[][] features, float[][] label) {
    return Dataset.of("features", features).with("label", label);
  }

  /**
   * The posterior predictive mean of label at each row of {@code givens}, averaged over the
   * draws of the global latents ({@code [draws][11]}): {@code [rows][1]}.
   */
  public float[][] predictMean(double[][] draws, Dataset givens) {
    return predictMean("label", draws, givens);
  }

  /**
   * One draw of label per draw of the global latents and row of {@code givens}:
   * {@code [draws][rows][1]}.
   */
  public float[][][] predictiveSamples(double[][] draws, Dataset givens, Seed seed) {
    return predictiveSamples("label", draws, givens, seed);
  }

  /**
   * Checks this model on the first {@code options.examples()} rows of {@code data} (or, when it is
   * null, on synthetic data: given nodes standard normal, observed nodes from the prior predictive):
   * <ol>
   * <li>log-density: the log posterior's gradient with respect to {@code weights}, {@code bias}, at draws from their priors,
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
    Operand<TFloat32> weights = pass.global("weights");
    // p(weights | -) by weightPrior()
    Normal pWeights = model.weightPrior(pass.network("weightPrior"));
    pass.prior("weights", weights, pWeights);
    Operand<TFloat32> bias = pass.global("bias");
    // p(bias | -) by biasPrior()
    Normal pBias = model.biasPrior(pass.network("biasPrior"));
    pass.prior("bias", bias, pBias);
    Operand<TFloat32> features = pass.data("features");
    // p(label | weights, bias, features) by likelihood()
    Bernoulli pLabel = model.likelihood(pass.network("likelihood"), weights, bias, features);
    pass.observeDrawAxis("label", pLabel);
  }
}
