package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.HmcResult;
import dev.helmholtz.infer.McmcDiagnostics;
import dev.helmholtz.infer.ParameterLayout;
import dev.helmholtz.infer.SgmcmcResult;
import dev.helmholtz.infer.StochasticGradientMcmc;
import dev.helmholtz.infer.VariationalPosterior;
import dev.helmholtz.samples.bayes.DiabetesData;
import dev.helmholtz.samples.bayes.DiabetesNetwork;
import dev.helmholtz.samples.bayes.DiabetesNetworkModel;
import dev.helmholtz.samples.bayes.PosteriorDraws;
import dev.helmholtz.train.ThreadSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A Bayesian neural network on a real regression task, the diabetes data, by one of several
 * inference methods: test log-likelihood, predictive-interval coverage and RMSE, in the units of
 * the target. Each method is a {@link Method} in {@link #METHODS}: a new one is one more entry.
 */
@Command(
    name = "bnn",
    mixinStandardHelpOptions = true,
    description = "Fits a 10-50-1 tanh Bayesian neural network (the model DiabetesNetwork) to the diabetes"
        + " regression data of Efron et al. (2004; 442 patients, 10 features, bundled) by --method hmc (HMC,"
        + " full batch), bbb (Bayes by backprop: mean-field stochastic VI on minibatches) or sghmc (stochastic-"
        + " gradient HMC on minibatches), on a seeded train/test split standardized by the training set; prints"
        + " the test log-likelihood per point and the RMSE in the target's units, the coverage of the central"
        + " predictive interval, R-hat and ESS of the noise sd and of f at the first test point (samplers),"
        + " and seconds; writes metrics.json.")
public final class BnnCommand implements Callable<Integer> {
  /** An inference method: the posterior draws of the network's weights given the training data. */
  interface Method {
    Fit fit(BnnCommand options, DiabetesNetworkModel model, Dataset train);
  }

  /**
   * What a method produced: pooled draws [draw][dims] for prediction, and, for samplers, the
   * chains [draw][chain][dims] for diagnostics; its settings and figures for metrics.json.
   */
  record Fit(double[][] draws, float[][][] chains, double seconds, Map<String, Object> details) {}

  /** The methods by name, in the order --help lists them. */
  static final Map<String, Method> METHODS = new LinkedHashMap<>();

  static {
    METHODS.put("hmc", BnnCommand::hmc);
    METHODS.put("bbb", BnnCommand::bayesByBackprop);
    METHODS.put("sghmc", BnnCommand::sghmc);
  }

  @Option(names = "--method", defaultValue = "sghmc", description = "hmc, bbb or sghmc (default: ${DEFAULT-VALUE}).")
  String method;

  @Option(names = "--test-fraction", defaultValue = "0.1", description = "Held-out fraction of the 442 rows (default: ${DEFAULT-VALUE}).")
  double testFraction;

  @Option(names = "--interval", defaultValue = "0.9", description = "Central predictive interval probability (default: ${DEFAULT-VALUE}).")
  double interval;

  @Option(names = "--predictive-draws", defaultValue = "1000", description = "Posterior draws the predictions average over, at most (default: ${DEFAULT-VALUE}).")
  int predictiveDraws;

  @Option(names = "--chains", defaultValue = "4", description = "hmc, sghmc: parallel chains (default: ${DEFAULT-VALUE}).")
  int chains;

  @Option(names = "--warmup", defaultValue = "300", description = "hmc: warm-up iterations (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--draws", defaultValue = "300", description = "hmc, sghmc: kept draws per chain (default: ${DEFAULT-VALUE}).")
  int draws;

  @Option(names = "--leapfrog-steps", defaultValue = "20", description = "hmc: leapfrog steps per trajectory (default: ${DEFAULT-VALUE}).")
  int leapfrogSteps;

  @Option(names = "--target-acceptance", defaultValue = "0.9", description = "hmc: the step size's target acceptance (default: ${DEFAULT-VALUE}).")
  double targetAcceptance;

  @Option(names = "--batch-size", defaultValue = "32", description = "bbb, sghmc: examples per minibatch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--epochs", defaultValue = "300", description = "bbb: epochs of stochastic VI (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--vi-samples", defaultValue = "8", description = "bbb: draws of the weights per step (default: ${DEFAULT-VALUE}).")
  int viSamples;

  @Option(names = "--learning-rate", defaultValue = "0.01", description = "bbb: Adam's learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--step-size", defaultValue = "2e-5", description = "sghmc: the learning rate eta (default: ${DEFAULT-VALUE}).")
  double stepSize;

  @Option(names = "--friction", defaultValue = "0.1", description = "sghmc: friction alpha (default: ${DEFAULT-VALUE}).")
  double friction;

  @Option(names = "--burnin", defaultValue = "10000", description = "sghmc: updates discarded (default: ${DEFAULT-VALUE}).")
  int burnin;

  @Option(names = "--thin", defaultValue = "50", description = "sghmc: updates per kept draw (default: ${DEFAULT-VALUE}).")
  int thin;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the split and of the method (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", split = ",", description = "TensorFlow intra-op,inter-op threads and training towers: intra,inter[,towers] (default: measured defaults).")
  int[] threads;

  @Option(names = "--output", defaultValue = "out/bnn", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Override
  public Integer call() throws IOException {
    Method chosen = METHODS.get(method);
    if (chosen == null) {
      throw new IllegalArgumentException("--method must be one of " + METHODS.keySet() + ", was '" + method + "'");
    }
    if (!(interval > 0 && interval < 1)) {
      throw new IllegalArgumentException("--interval must be in (0, 1), was " + interval);
    }
    if (predictiveDraws < 1) {
      throw new IllegalArgumentException("--predictive-draws must be at least 1, was " + predictiveDraws);
    }
    DiabetesData.Split split = DiabetesData.split(testFraction, Seed.of(seed).derive("split").value());
    DiabetesNetworkModel model = DiabetesNetworkModel.create(new DiabetesNetwork(), ThreadSettings.fromCounts(threads));
    Dataset train = DiabetesNetworkModel.dataset(split.trainX(), split.trainY());
    // The directory is this run's until it returns: a second run on it is refused here.
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      long start = System.nanoTime();
      Fit fit = chosen.fit(this, model, train);
      return evaluateAndWrite(model, split, fit, start, System.out);
    }
  }

  private int evaluateAndWrite(DiabetesNetworkModel model, DiabetesData.Split split, Fit fit, long start,
      PrintStream out) throws IOException {
    ParameterLayout layout = model.parameters();
    int sigma = layout.index("logSigma", 0);
    double[][] draws = fit.draws();
    int tests = split.testY().length;
    // log p(y* | x*, data) ~ log mean_s N(y*; f_s(x*), sigma_s^2), in the target's units.
    float[][][] means = model.predictiveMeans("y", draws, Dataset.of("x", split.testX()));
    double logLik = 0;
    double squaredError = 0;
    double[] terms = new double[draws.length];
    for (int i = 0; i < tests; i++) {
      double y = split.testY()[i][0];
      double meanPrediction = 0;
      for (int s = 0; s < draws.length; s++) {
        double sd = Math.exp(draws[s][sigma]);
        double z = (y - means[s][i][0]) / sd;
        terms[s] = -0.5 * z * z - Math.log(sd) - 0.5 * Math.log(2 * Math.PI);
        meanPrediction += means[s][i][0] / draws.length;
      }
      logLik += logMeanExp(terms) - Math.log(split.ySd());
      squaredError += Math.pow((y - meanPrediction) * split.ySd(), 2);
    }
    logLik /= tests;
    double rmse = Math.sqrt(squaredError / tests);
    float[][][] ys = model.predictiveSamples(draws, Dataset.of("x", split.testX()), Seed.of(seed).derive("predictive"));
    double lower = (1 - interval) / 2;
    int covered = 0;
    double[] atPoint = new double[draws.length];
    for (int i = 0; i < tests; i++) {
      for (int s = 0; s < draws.length; s++) {
        atPoint[s] = ys[s][i][0];
      }
      Arrays.sort(atPoint);
      double y = split.testY()[i][0];
      covered += y >= PosteriorDraws.quantile(atPoint, lower) && y <= PosteriorDraws.quantile(atPoint, 1 - lower) ? 1 : 0;
    }
    double coverage = (double) covered / tests;
    double[] noise = new double[draws.length];
    for (int s = 0; s < draws.length; s++) {
      noise[s] = Math.exp(draws[s][sigma]) * split.ySd();
    }

    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("model", "BNN 10-" + DiabetesNetwork.HIDDEN + "-1 tanh on the diabetes data (Efron et al. 2004)");
    metrics.put("method", method);
    metrics.put("parameters", layout.dims());
    metrics.put("train_points", split.trainY().length);
    metrics.put("test_points", tests);
    metrics.put("seed", seed);
    metrics.putAll(fit.details());
    metrics.put("test_log_likelihood", logLik);
    metrics.put("test_rmse", rmse);
    metrics.put("interval", interval);
    metrics.put("test_coverage", coverage);
    metrics.put("noise_sd_posterior_median", PosteriorDraws.median(noise));
    metrics.put("predictive_draws", draws.length);
    out.printf(Locale.ROOT, "BNN 10-%d-1 tanh, %d parameters, diabetes: %d training and %d test points, by %s in %.1f s%n",
        DiabetesNetwork.HIDDEN, layout.dims(), split.trainY().length, tests, method, fit.seconds());
    out.printf(Locale.ROOT, "test log-likelihood %.3f per point | RMSE %.2f | %.0f%% interval coverage %.3f |"
        + " noise sd posterior median %.1f (target sd %.1f)%n", logLik, rmse, 100 * interval, coverage,
        PosteriorDraws.median(noise), split.ySd());
    if (fit.chains() != null && fit.chains().length >= 4) { // R-hat and ESS need 4 draws per chain
      diagnose(model, fit.chains(), sigma, split, metrics, out);
    }
    metrics.put("method_seconds", fit.seconds());
    metrics.put("total_seconds", (System.nanoTime() - start) / 1e9);
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    out.println("wrote " + output.resolve("metrics.json"));
    return 0;
  }

  /** R-hat and ESS of the noise sd and of f at the first test point (the weights themselves are not identified). */
  private void diagnose(DiabetesNetworkModel model, float[][][] chains, int sigma, DiabetesData.Split split,
      Map<String, Object> metrics, PrintStream out) {
    int n = chains.length;
    int c = chains[0].length;
    double[][] every = new double[n * c][];
    double[][] noiseChains = new double[c][n];
    for (int k = 0; k < c; k++) {
      for (int t = 0; t < n; t++) {
        float[] draw = chains[t][k];
        double[] copy = new double[draw.length];
        for (int d = 0; d < draw.length; d++) {
          copy[d] = draw[d];
        }
        every[k * n + t] = copy;
        noiseChains[k][t] = copy[sigma];
      }
    }
    float[][][] f = model.predictiveMeans("y", every, Dataset.of("x", new float[][] {split.testX()[0]}));
    double[][] fChains = new double[c][n];
    for (int k = 0; k < c; k++) {
      for (int t = 0; t < n; t++) {
        fChains[k][t] = f[k * n + t][0][0];
      }
    }
    double fRhat = McmcDiagnostics.rankNormalizedSplitRhat(fChains);
    double fEss = McmcDiagnostics.bulkEffectiveSampleSize(fChains);
    double noiseRhat = McmcDiagnostics.rankNormalizedSplitRhat(noiseChains);
    double noiseEss = McmcDiagnostics.bulkEffectiveSampleSize(noiseChains);
    metrics.put("rhat_noise_sd", noiseRhat);
    metrics.put("ess_noise_sd", noiseEss);
    metrics.put("rhat_f_test0", fRhat);
    metrics.put("ess_f_test0", fEss);
    out.printf(Locale.ROOT, "R-hat: noise sd %.3f, f(test point 0) %.3f | ESS: noise sd %.0f, f(test point 0) %.0f"
        + " (%d chains x %d draws)%n", noiseRhat, fRhat, noiseEss, fEss, c, n);
  }

  private static Fit hmc(BnnCommand o, DiabetesNetworkModel model, Dataset train) {
    HmcResult r = model.hmc(train).chains(o.chains).warmup(o.warmup).draws(o.draws).leapfrogSteps(o.leapfrogSteps)
        .adaptMass(false).targetAcceptance(o.targetAcceptance)
        .initialPositions(o.initialPositions(model.parameters(), o.chains))
        .seed(Seed.of(o.seed).derive("hmc")).build().sample();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("hmc_chains", o.chains);
    details.put("hmc_warmup", o.warmup);
    details.put("hmc_draws", o.draws);
    details.put("hmc_leapfrog_steps", o.leapfrogSteps);
    details.put("hmc_target_acceptance", o.targetAcceptance);
    details.put("hmc_acceptance_rate", r.acceptanceRate());
    details.put("hmc_divergences", r.divergences());
    System.out.printf(Locale.ROOT, "HMC: %d chains x %d draws (%d warm-up, %d leapfrog steps, unit mass), acceptance"
        + " %.3f, %d divergences%n", o.chains, o.draws, o.warmup, o.leapfrogSteps, r.acceptanceRate(), r.divergences());
    return new Fit(r.pooledDraws(o.predictiveDraws), r.draws(), r.seconds(), details);
  }

  private static Fit bayesByBackprop(BnnCommand o, DiabetesNetworkModel model, Dataset train) {
    ParameterLayout layout = model.parameters();
    VariationalPosterior q = model.stochasticVariational(train).batchSize(o.batchSize).epochs(o.epochs)
        .samples(o.viSamples).learningRate(o.learningRate).initialStd(0.01)
        .initialMean(toDouble(o.initialPositions(layout, 1)[0]))
        .seed(Seed.of(o.seed).derive("bbb")).build().fit();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("bbb_batch_size", o.batchSize);
    details.put("bbb_epochs", o.epochs);
    details.put("bbb_steps", q.steps());
    details.put("bbb_samples_per_step", o.viSamples);
    details.put("bbb_learning_rate", o.learningRate);
    details.put("bbb_final_elbo", q.elbo());
    System.out.printf(Locale.ROOT, "Bayes by backprop: %d epochs of batch %d (%d Adam steps, %d draws each), ELBO"
        + " %.1f (averaged over the last quarter)%n", o.epochs, o.batchSize, q.steps(), o.viSamples, q.elbo());
    return new Fit(q.draws(o.predictiveDraws, Seed.of(o.seed).derive("bbb/draws").value()), null, q.seconds(), details);
  }

  private static Fit sghmc(BnnCommand o, DiabetesNetworkModel model, Dataset train) {
    SgmcmcResult r = model.sgmcmc(train).method(StochasticGradientMcmc.Method.SGHMC).batchSize(o.batchSize)
        .stepSize(o.stepSize).friction(o.friction).chains(o.chains).burnin(o.burnin).draws(o.draws).thin(o.thin)
        .initialPositions(o.initialPositions(model.parameters(), o.chains))
        .seed(Seed.of(o.seed).derive("sghmc")).build().sample();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("sghmc_chains", o.chains);
    details.put("sghmc_batch_size", o.batchSize);
    details.put("sghmc_step_size", o.stepSize);
    details.put("sghmc_friction", o.friction);
    details.put("sghmc_burnin", r.burnin());
    details.put("sghmc_draws", o.draws);
    details.put("sghmc_thin", o.thin);
    int updates = r.burnin() + o.draws * o.thin;
    details.put("sghmc_epochs", (double) updates * o.batchSize / train.size());
    System.out.printf(Locale.ROOT, "SGHMC: %d chains x %d draws, thin %d, %d burn-in updates (%.0f epochs of batch %d"
        + " per chain), eta %.2g, friction %.2g%n", o.chains, o.draws, o.thin, r.burnin(),
        (double) updates * o.batchSize / train.size(), o.batchSize, o.stepSize, o.friction);
    return new Fit(r.pooledDraws(o.predictiveDraws), r.draws(), r.seconds(), details);
  }

  /** Small random weights (sd 0.3), log noise sd 0: a start where the tanh units are not saturated. */
  private float[][] initialPositions(ParameterLayout layout, int count) {
    SplittableRandom random = new SplittableRandom(Seed.of(seed).derive("init").value());
    int logSigma = layout.index("logSigma", 0);
    float[][] positions = new float[count][layout.dims()];
    for (float[] p : positions) {
      for (int d = 0; d < p.length; d++) {
        p[d] = d == logSigma ? 0f : (float) (0.3 * random.nextGaussian());
      }
    }
    return positions;
  }

  private static double[] toDouble(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  private static double logMeanExp(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : x) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum / x.length);
  }
}
