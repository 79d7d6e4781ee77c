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
 * The model defined by {@link EightSchools}, compiled by Helmholtz: a model of global latents, whose
 * posterior given a data set {@code hmc(data)} samples and {@code variational(data)} fits.
 *
 * <h2>Model report</h2>
 * <p>Objective: none per example: the posterior of the global latents given the whole data set, log p(globals) + sum over examples of log p(observed | globals, given), sampled by HMC (hmc(data)) or fitted by mean-field VI (variational(data)).
 * <ul>
 * <li>{@code mu}: latent Normal, event shape [1]; p(mu) by muPrior(); global: one value for the whole data set, theta[0, 1)
 * <li>{@code tauNormal}: latent Normal, event shape [1]; p(tauNormal): standard prior; global: one value for the whole data set, theta[1, 2)
 * <li>{@code thetaTilde}: latent Normal, event shape [8]; p(thetaTilde): standard prior; global: one value for the whole data set, theta[2, 10)
 * <li>{@code school}: observed Normal, event shape [8]; given: conditioned on, not modelled
 * <li>{@code sigma}: observed Normal, event shape [1]; given: conditioned on, not modelled
 * <li>{@code y}: observed Normal, event shape [1]; p(y | mu, tauNormal, thetaTilde, school, sigma) by likelihood(); global latents repeated per example: mu, tauNormal, thetaTilde
 * </ul>
 * <p>Generative order: mu, tauNormal, thetaTilde, school, sigma, y.
 */
@Generated("dev.helmholtz.processor.HelmholtzProcessor")
public final class EightSchoolsModel extends BayesianModel {
  private static final BayesianSpec SPEC = BayesianSpec.builder("dev.helmholtz.samples.bayes.EightSchools")
      .global("mu", 1)
      .global("tauNormal", 1)
      .global("thetaTilde", 8)
      .given("school", 8)
      .given("sigma", 1)
      .observed("y", 1)
      .build();

  private final EightSchools model;

  private EightSchoolsModel(EightSchools model, ThreadSettings threads) {
    super(SPEC, threads);
    this.model = Objects.requireNonNull(model, "model");
  }

  /**
   * The model with a new {@link EightSchools} and the default thread settings.
   */
  public static EightSchoolsModel create() {
    return new EightSchoolsModel(new EightSchools(), ThreadSettings.defaults());
  }

  /**
   * The model around {@code model}'s networks; HMC, VI and predictions run with {@code threads}.
   */
  public static EightSchoolsModel create(EightSchools model, ThreadSettings threads) {
    return new EightSchoolsModel(model, threads);
  }

  /**
   * A data set with a column per given and observed node, {@code [rows][width]} each, in
   * the column names the model's methods read.
   */
  public static Dataset dataset(float[][] school, float[][] sigma, float[][] y) {
    return Dataset.of("school", school).with("sigma", sigma).with("y", y);
  }

  /**
   * The posterior predictive mean of y at each row of {@code givens}, averaged over the
   * draws of the global latents ({@code [draws][10]}): {@code [rows][1]}.
   */
  public float[][] predictMean(double[][] draws, Dataset givens) {
    return predictMean("y", draws, givens);
  }

  /**
   * One draw of y per draw of the global latents and row of {@code givens}:
   * {@code [draws][rows][1]}.
   */
  public float[][][] predictiveSamples(double[][] draws, Dataset givens, Seed seed) {
    return predictiveSamples("y", draws, givens, seed);
  }

  /**
   * Checks this model on the first {@code options.examples()} rows of {@code data} (or, when it is
   * null, on synthetic data: given nodes standard normal, observed nodes from the prior predictive):
   * <ol>
   * <li>log-density: the log posterior's gradient with respect to {@code mu}, {@code tauNormal}, {@code thetaTilde}, at draws from their priors,
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
    Operand<TFloat32> mu = pass.global("mu");
    // p(mu | -) by muPrior()
    Normal pMu = model.muPrior(pass.network("muPrior"));
    pass.prior("mu", mu, pMu);
    Operand<TFloat32> tauNormal = pass.global("tauNormal");
    // p(tauNormal): standard prior
    Normal pTauNormal = Normal.standard(pass.tf(), pass.shape(tauNormal));
    pass.prior("tauNormal", tauNormal, pTauNormal);
    Operand<TFloat32> thetaTilde = pass.global("thetaTilde");
    // p(thetaTilde): standard prior
    Normal pThetaTilde = Normal.standard(pass.tf(), pass.shape(thetaTilde));
    pass.prior("thetaTilde", thetaTilde, pThetaTilde);
    Operand<TFloat32> school = pass.given("school");
    Operand<TFloat32> sigma = pass.given("sigma");
    // p(y | mu, tauNormal, thetaTilde, school, sigma) by likelihood()
    Normal pY = model.likelihood(pass.network("likelihood"), pass.perExample(mu), pass.perExample(tauNormal), pass.perExample(thetaTilde), school, sigma);
    pass.observe("y", pY);
  }
}
