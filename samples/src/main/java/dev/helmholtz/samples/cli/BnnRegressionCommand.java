package dev.helmholtz.samples.cli;

import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.HamiltonianMonteCarlo;
import dev.helmholtz.infer.HmcResult;
import dev.helmholtz.infer.McmcDiagnostics;
import dev.helmholtz.infer.NoUTurnSampler;
import dev.helmholtz.infer.NutsResult;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.infer.ParameterLayout;
import dev.helmholtz.samples.bayes.BayesianNeuralNetwork;
import dev.helmholtz.samples.bayes.TanhRegressionNetwork;
import dev.helmholtz.samples.bayes.TanhRegressionNetworkModel;
import java.util.Arrays;
import dev.helmholtz.samples.bayes.PosteriorDraws;
import dev.helmholtz.samples.bayes.PredictiveBandPlot;
import dev.helmholtz.train.ThreadSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A Bayesian neural network on a synthetic 1-d regression, by HMC: predictive intervals and their coverage. */
@Command(
    name = "bnn-regression",
    mixinStandardHelpOptions = true,
    description = "Fits a 1-50-1 tanh Bayesian neural network (N(0, 1) priors, noise sd inferred: the model"
        + " TanhRegressionNetwork, whose generated TanhRegressionNetworkModel gives the log posterior) by HMC"
        + " (or NUTS: --sampler nuts) to"
        + " y = sin(2x) + x/2 + noise, x in [-3, -0.5] and [0.5, 3], and prints the coverage of its"
        + " posterior-predictive intervals on held-out points, the acceptance rate, R-hat and ESS,"
        + " and seconds; writes predictive.png (the band) and metrics.json.")
public final class BnnRegressionCommand implements Callable<Integer> {
  @Option(names = "--train-points", defaultValue = "100", description = "Training points (default: ${DEFAULT-VALUE}).")
  int trainPoints;

  @Option(names = "--test-points", defaultValue = "500", description = "Held-out points (default: ${DEFAULT-VALUE}).")
  int testPoints;

  @Option(names = "--noise", defaultValue = "0.2", description = "Noise sd of the synthetic data (default: ${DEFAULT-VALUE}).")
  double noise;

  @Option(names = "--interval", defaultValue = "0.9", description = "Central predictive interval probability (default: ${DEFAULT-VALUE}).")
  double interval;

  @Option(names = "--chains", defaultValue = "8", description = "HMC chains (default: ${DEFAULT-VALUE}).")
  int chains;

  @Option(names = "--warmup", defaultValue = "500", description = "HMC warm-up iterations (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--draws", defaultValue = "500", description = "HMC kept draws per chain (default: ${DEFAULT-VALUE}).")
  int draws;

  @Option(names = "--leapfrog-steps", defaultValue = "20", description = "Leapfrog steps per trajectory (default: ${DEFAULT-VALUE}).")
  int leapfrogSteps;

  @Option(names = "--target-acceptance", defaultValue = "0.9", description = "Mean acceptance probability the step size is adapted to (default: ${DEFAULT-VALUE}).")
  double targetAcceptance;

  // Off by default: the mass is adapted from the variance of all chains' draws pooled, which the
  // chains' different modes of the weights inflate (3 to 13 times the within-chain variance in
  // the default run) and the step size shrinks: the noise sd mixed with R-hat 3.21, 2.63, 1.88
  // (seeds 1-3, target acceptance 0.8), against 1.027, 1.030, 1.056 with unit mass at 0.9.
  @Option(names = "--adapt-mass", negatable = true, defaultValue = "false",
      description = "Adapt a diagonal mass matrix in warm-up from the chains' pooled draws (default: ${DEFAULT-VALUE}: unit mass).")
  boolean adaptMass;

  @Option(names = "--sampler", defaultValue = "hmc", description = "hmc, or nuts: NUTS with Stan's defaults, each chain"
      + " adapting its own diagonal mass (--leapfrog-steps, --adapt-mass and --target-acceptance are HMC's) (default: ${DEFAULT-VALUE}).")
  String samplerName;

  @Option(names = "--nuts-target-acceptance", defaultValue = "0.8", description = "NUTS: mean accept_stat the step size is adapted to (default: ${DEFAULT-VALUE}).")
  double nutsTargetAcceptance;

  @Option(names = "--max-tree-depth", defaultValue = "10", description = "NUTS: maximum tree depth (default: ${DEFAULT-VALUE}).")
  int maxTreeDepth;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the data and of HMC (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", split = ",", description = "TensorFlow intra-op,inter-op threads and training towers: intra,inter[,towers] (default: measured defaults).")
  int[] threads;

  @Option(names = "--output", defaultValue = "out/bnn-regression", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  /** The NUTS sampler when {@code --sampler nuts}, else null. */
  private NoUTurnSampler nuts;
  private NutsResult nutsResult;

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    if (trainPoints < 1 || testPoints < 1) {
      throw new IllegalArgumentException("--train-points and --test-points must be at least 1, were "
          + trainPoints + " and " + testPoints);
    }
    if (!(noise > 0 && Double.isFinite(noise))) {
      throw new IllegalArgumentException("--noise must be finite and > 0, was " + noise);
    }
    if (!(interval > 0 && interval < 1)) {
      throw new IllegalArgumentException("--interval must be in (0, 1), was " + interval);
    }
    ThreadSettings threadSettings = ThreadSettings.fromCounts(threads);
    float[][] train = BayesianNeuralNetwork.syntheticData(trainPoints, noise, Seed.of(seed).derive("train").value());
    float[][] test = BayesianNeuralNetwork.syntheticData(testPoints, noise, Seed.of(seed).derive("test").value());
    TanhRegressionNetworkModel model = TanhRegressionNetworkModel.create(new TanhRegressionNetwork(), threadSettings);
    ParameterLayout layout = model.parameters();
    HamiltonianMonteCarlo sampler = model.hmc(TanhRegressionNetworkModel.dataset(column(train[0]), column(train[1])))
        .chains(chains).warmup(warmup).draws(draws).leapfrogSteps(leapfrogSteps).adaptMass(adaptMass)
        .targetAcceptance(targetAcceptance)
        .initialPositions(initialPositions(layout, Seed.of(seed).derive("init").value()))
        .seed(Seed.of(seed).derive("hmc")).build();
    if (!samplerName.equals("hmc") && !samplerName.equals("nuts")) {
      throw new IllegalArgumentException("--sampler must be hmc or nuts, was " + samplerName);
    }
    nuts = samplerName.equals("nuts") ? model.nuts(TanhRegressionNetworkModel.dataset(column(train[0]), column(train[1])))
        .chains(chains).warmup(warmup).draws(draws).targetAcceptance(nutsTargetAcceptance).maxTreeDepth(maxTreeDepth)
        .initialPositions(initialPositions(layout, Seed.of(seed).derive("init").value()))
        .seed(Seed.of(seed).derive("nuts")).build() : null;
    // The directory is this run's until it returns: a second run on it is refused here.
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return sampleAndWrite(model, sampler, train, test, out);
    }
  }

  private int sampleAndWrite(TanhRegressionNetworkModel model, HamiltonianMonteCarlo sampler, float[][] train,
      float[][] test, PrintStream out) throws IOException {
    int hidden = TanhRegressionNetwork.HIDDEN;
    ParameterLayout layout = model.parameters();
    long start = System.nanoTime();

    HmcResult hmc = nuts != null ? (nutsResult = nuts.sample()).samples() : sampler.sample();
    double[][] posterior = PosteriorDraws.flatten(hmc, 2000);
    double lower = (1 - interval) / 2;
    double upper = 1 - lower;
    double[] testInputs = new double[testPoints];
    for (int i = 0; i < testPoints; i++) {
      testInputs[i] = test[0][i];
    }
    double[][] atTest = predictiveQuantiles(model, posterior, testInputs, lower, upper, seed);
    int covered = 0;
    double squaredError = 0;
    for (int i = 0; i < testPoints; i++) {
      covered += test[1][i] >= atTest[0][i] && test[1][i] <= atTest[2][i] ? 1 : 0;
      squaredError += Math.pow(test[1][i] - atTest[1][i], 2) / testPoints;
    }
    double coverage = (double) covered / testPoints;
    double[] rhat = hmc.rhat();
    double[] ess = hmc.effectiveSampleSize();
    int sigma = layout.index("logSigma", 0);
    double[] noiseDraws = new double[posterior.length];
    for (int i = 0; i < posterior.length; i++) {
      noiseDraws[i] = Math.exp(posterior[i][sigma]);
    }
    // Predictions are what a BNN's posterior is used for, and unlike the weights (which hidden
    // units' permutations and sign flips make multimodal) they are identified: diagnose f at x = 1.
    double[][] everyDraw = new double[hmc.chainCount() * hmc.drawCount()][];
    for (int c = 0; c < hmc.chainCount(); c++) {
      for (int t = 0; t < hmc.drawCount(); t++) {
        float[] draw = hmc.draws()[t][c];
        everyDraw[c * hmc.drawCount() + t] = new double[draw.length];
        for (int d = 0; d < draw.length; d++) {
          everyDraw[c * hmc.drawCount() + t][d] = draw[d];
        }
      }
    }
    float[][][] fAtOne = model.predictiveMeans("y", everyDraw, Dataset.of("x", new float[][] {{1f}}));
    double[][] fChains = new double[hmc.chainCount()][hmc.drawCount()];
    for (int c = 0; c < hmc.chainCount(); c++) {
      for (int t = 0; t < hmc.drawCount(); t++) {
        fChains[c][t] = fAtOne[c * hmc.drawCount() + t][0][0];
      }
    }
    double fRhat = McmcDiagnostics.rankNormalizedSplitRhat(fChains);
    double fEss = McmcDiagnostics.bulkEffectiveSampleSize(fChains);

    out.printf(Locale.ROOT, "BNN 1-%d-1 tanh, %d parameters, %d training and %d held-out points (noise sd %.2f)%n",
        hidden, layout.dims(), trainPoints, testPoints, noise);
    if (nutsResult != null) {
      out.printf(Locale.ROOT, "NUTS %d chains x %d draws (%d warm-up) in %.1f s | accept_stat %.3f, %d divergences |"
              + " tree depth mean %.2f, %d at the limit %d | leapfrog steps per draw %.1f%n", hmc.chainCount(),
          hmc.drawCount(), warmup, hmc.seconds(), hmc.acceptanceRate(), hmc.divergences(), nutsResult.meanTreeDepth(),
          nutsResult.maxTreeDepthHits(), maxTreeDepth, nutsResult.meanLeapfrogSteps());
    } else {
      out.printf(Locale.ROOT, "HMC  %d chains x %d draws (%d warm-up, %d leapfrog steps) in %.1f s | acceptance %.3f,"
              + " %d divergences%n", hmc.chainCount(), hmc.drawCount(), warmup, leapfrogSteps, hmc.seconds(),
          hmc.acceptanceRate(), hmc.divergences());
    }
    out.printf(Locale.ROOT, "held-out coverage of the %.0f%% predictive interval %.3f | RMSE of the median %.3f |"
            + " noise sd posterior median %.3f%n", 100 * interval, coverage, Math.sqrt(squaredError),
        PosteriorDraws.median(noiseDraws));
    out.printf(Locale.ROOT, "R-hat: f(1) %.3f, noise sd %.3f, weights max %.3f median %.3f | ESS: f(1) %.0f, noise sd %.0f,"
            + " weights min %.0f median %.0f%n", fRhat, rhat[sigma], PosteriorDraws.max(rhat), PosteriorDraws.median(rhat),
        fEss, ess[sigma], PosteriorDraws.min(ess), PosteriorDraws.median(ess));

    double[] grid = new double[201];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = -3.5 + 7.0 * i / (grid.length - 1);
    }
    double[][] band = predictiveQuantiles(model, posterior, grid, lower, upper, seed + 1);
    Path plot = output.resolve("predictive.png");
    PredictiveBandPlot.write(plot, String.format(Locale.ROOT,
        "BNN 1-%d-1 by %s: %.0f%% predictive band (held-out coverage %.3f); dots: training, circles: held-out",
        hidden, nutsResult != null ? "NUTS" : "HMC", 100 * interval, coverage), grid, band, train[0], train[1], test[0], test[1]);

    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("model", "BNN 1-" + hidden + "-1 tanh, N(0,1) priors, log noise sd ~ N(log 0.1, 1)");
    metrics.put("parameters", layout.dims());
    metrics.put("train_points", trainPoints);
    metrics.put("test_points", testPoints);
    metrics.put("noise", noise);
    metrics.put("seed", seed);
    metrics.put("hmc_chains", hmc.chainCount());
    metrics.put("hmc_warmup", warmup);
    metrics.put("hmc_draws", hmc.drawCount());
    metrics.put("hmc_leapfrog_steps", leapfrogSteps);
    metrics.put("hmc_adapt_mass", adaptMass);
    metrics.put("hmc_target_acceptance", targetAcceptance);
    metrics.put("interval", interval);
    metrics.put("test_coverage", coverage);
    metrics.put("test_rmse_of_median", Math.sqrt(squaredError));
    metrics.put("noise_sd_posterior_median", PosteriorDraws.median(noiseDraws));
    metrics.put("hmc_acceptance_rate", hmc.acceptanceRate());
    metrics.put("hmc_divergences", hmc.divergences());
    metrics.put("rhat_f_at_1", fRhat);
    metrics.put("ess_f_at_1", fEss);
    metrics.put("rhat_noise_sd", rhat[sigma]);
    metrics.put("ess_noise_sd", ess[sigma]);
    metrics.put("rhat_max", PosteriorDraws.max(rhat));
    metrics.put("rhat_median", PosteriorDraws.median(rhat));
    metrics.put("ess_min", PosteriorDraws.min(ess));
    metrics.put("ess_median", PosteriorDraws.median(ess));
    metrics.put("hmc_seconds", hmc.seconds());
    metrics.put("sampler", samplerName);
    if (nutsResult != null) {
      metrics.put("nuts_target_acceptance", nutsTargetAcceptance);
      metrics.put("nuts_max_tree_depth", maxTreeDepth);
      metrics.put("nuts_mean_tree_depth", nutsResult.meanTreeDepth());
      metrics.put("nuts_max_tree_depth_hits", nutsResult.maxTreeDepthHits());
      metrics.put("nuts_mean_leapfrog_steps", nutsResult.meanLeapfrogSteps());
    }
    metrics.put("total_seconds", (System.nanoTime() - start) / 1e9);
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    out.println("wrote " + plot + " and " + output.resolve("metrics.json"));
    return 0;
  }

  /**
   * Posterior predictive quantiles of y at each input: one y from p(y | x, theta) per draw, then
   * the empirical {@code lower}, 0.5 and {@code upper} quantiles over draws; [3][inputs].
   */
  static double[][] predictiveQuantiles(TanhRegressionNetworkModel model, double[][] draws, double[] inputs,
      double lower, double upper, long seed) {
    float[][] x = new float[inputs.length][1];
    for (int i = 0; i < inputs.length; i++) {
      x[i][0] = (float) inputs[i];
    }
    float[][][] ys = model.predictiveSamples(draws, Dataset.of("x", x), Seed.of(seed));
    double[][] out = new double[3][inputs.length];
    double[] atInput = new double[draws.length];
    for (int i = 0; i < inputs.length; i++) {
      for (int s = 0; s < draws.length; s++) {
        atInput[s] = ys[s][i][0];
      }
      Arrays.sort(atInput);
      out[0][i] = PosteriorDraws.quantile(atInput, lower);
      out[1][i] = PosteriorDraws.quantile(atInput, 0.5);
      out[2][i] = PosteriorDraws.quantile(atInput, upper);
    }
    return out;
  }

  private static float[][] column(float[] values) {
    float[][] out = new float[values.length][1];
    for (int i = 0; i < values.length; i++) {
      out[i][0] = values[i];
    }
    return out;
  }

  /** Small random weights (sd 0.5), log noise sd 0: a start where tanh units are not saturated. */
  private float[][] initialPositions(ParameterLayout layout, long initSeed) {
    SplittableRandom random = new SplittableRandom(initSeed);
    int dims = layout.dims();
    int logSigma = layout.index("logSigma", 0);
    float[][] positions = new float[chains][dims];
    for (float[] p : positions) {
      for (int d = 0; d < dims; d++) {
        if (d == logSigma) {
          continue;
        }
        p[d] = (float) (0.5 * Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble()));
      }
    }
    return positions;
  }
}
