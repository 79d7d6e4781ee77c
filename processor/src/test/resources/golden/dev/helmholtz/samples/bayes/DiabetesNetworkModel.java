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
 * The model defined by {@link DiabetesNetwork}, compiled by Helmholtz: a model of global latents, whose
 * posterior given a data set {@code hmc(data)} samples and {@code variational(data)} fits.
 *
 * <h2>Model report</h2>
 * <p>Objective: none per example: the posterior of the global latents given the whole data set, log p(globals) + sum over examples of log p(observed | globals, given), sampled by HMC (hmc(data)) or fitted by mean-field VI (variational(data)).
 * <ul>
 * <li>{@code w}: latent Normal, event shape [500]; p(w): standard prior; global: one value for the whole data set, theta[0, 500)
 * <li>{@code c}: latent Normal, event shape [50]; p(c): standard prior; global: one value for the whole data set, theta[500, 550)
 * <li>{@code v}: latent Normal, event shape [50]; p(v) by outputPrior(); global: one value for the whole data set, theta[550, 600)
 * <li>{@code d}: latent Normal, event shape [1]; p(d): standard prior; global: one value for the whole data set, theta[600, 601)
 * <li>{@code logSigma}: latent Normal, event shape [1]; p(logSigma) by noisePrior(); global: one value for the whole data set, theta[601, 602)
 * <li>{@code x}: observed Normal, event shape [10]; given: conditioned on, not modelled
 * <li>{@code y}: observed Normal, event shape [1]; p(y | w, c, v, d, logSigma, x) by likelihood(); global latents repeated per example: w, c, v, d, logSigma
 * </ul>
 * <p>Generative order: w, c, v, d, logSigma, x, y.
 */
@Generated("dev.helmholtz.processor.HelmholtzProcessor")
public final class DiabetesNetworkModel extends BayesianModel {
  private static final BayesianSpec SPEC = BayesianSpec.builder("dev.helmholtz.samples.bayes.DiabetesNetwork")
      .global("w", 500)
      .global("c", 50)
      .global("v", 50)
      .global("d", 1)
      .global("logSigma", 1)
      .given("x", 10)
      .observed("y", 1)
      .build();

  private final DiabetesNetwork model;

  private DiabetesNetworkModel(DiabetesNetwork model, ThreadSettings threads) {
    super(SPEC, threads);
    this.model = Objects.requireNonNull(model, "model");
  }

  /**
   * The model with a new {@link DiabetesNetwork} and the default thread settings.
   */
  public static DiabetesNetworkModel create() {
    return new DiabetesNetworkModel(new DiabetesNetwork(), ThreadSettings.defaults());
  }

  /**
   * The model around {@code model}'s networks; HMC, VI and predictions run with {@code threads}.
   */
  public static DiabetesNetworkModel create(DiabetesNetwork model, ThreadSettings threads) {
    return new DiabetesNetworkModel(model, threads);
  }

  /**
   * A data set with a column per given and observed node, {@code [rows][width]} each, in
   * the column names the model's methods read.
   */
  public static Dataset dataset(float[][] x, float[][] y) {
    return Dataset.of("x", x).with("y", y);
  }

  /**
   * The posterior predictive mean of y at each row of {@code givens}, averaged over the
   * draws of the global latents ({@code [draws][602]}): {@code [rows][1]}.
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
   * <li>log-density: the log posterior's gradient with respect to {@code w}, {@code c}, {@code v}, {@code d}, {@code logSigma}, at draws from their priors,
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
    Operand<TFloat32> w = pass.global("w");
    // p(w): standard prior
    Normal pW = Normal.standard(pass.tf(), pass.shape(w));
    pass.prior("w", w, pW);
    Operand<TFloat32> c = pass.global("c");
    // p(c): standard prior
    Normal pC = Normal.standard(pass.tf(), pass.shape(c));
    pass.prior("c", c, pC);
    Operand<TFloat32> v = pass.global("v");
    // p(v | -) by outputPrior()
    Normal pV = model.outputPrior(pass.network("outputPrior"));
    pass.prior("v", v, pV);
    Operand<TFloat32> d = pass.global("d");
    // p(d): standard prior
    Normal pD = Normal.standard(pass.tf(), pass.shape(d));
    pass.prior("d", d, pD);
    Operand<TFloat32> logSigma = pass.global("logSigma");
    // p(logSigma | -) by noisePrior()
    Normal pLogSigma = model.noisePrior(pass.network("noisePrior"));
    pass.prior("logSigma", logSigma, pLogSigma);
    Operand<TFloat32> x = pass.given("x");
    // p(y | w, c, v, d, logSigma, x) by likelihood()
    Normal pY = model.likelihood(pass.network("likelihood"), pass.perExample(w), pass.perExample(c), pass.perExample(v), pass.perExample(d), pass.perExample(logSigma), x);
    pass.observe("y", pY);
  }
}
