package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.HmcResult;
import dev.helmholtz.infer.McmcDiagnostics;
import dev.helmholtz.samples.bayes.MatrixFactorization;
import dev.helmholtz.samples.bayes.MatrixFactorizationModel;
import dev.helmholtz.samples.bayes.PosteriorDraws;
import dev.helmholtz.train.ThreadSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Probabilistic matrix factorization of a simulated ratings matrix by HMC. */
@Command(
    name = "pmf-hmc",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Simulates a 40 x 30 ratings matrix of known rank-2 factors (every entry of U and V drawn"
        + " from N(0, 1), ratings U V^T plus N(0, 0.5^2) noise), observes a --observed fraction of its cells"
        + " and samples the posterior of the factors of MatrixFactorization (both factor matrices global"
        + " latents) by HMC. Prints the held-out RMSE of the posterior-mean ratings against the noisy"
        + " ratings and against the true U V^T, next to the training mean's and the true factors' RMSE, and"
        + " HMC's diagnostics (acceptance, step size, divergences, R-hat and ESS of the held-out predictions"
        + " and of the factors, which rotations and sign flips leave unidentified); writes metrics.json.")
public final class PmfHmcCommand implements Callable<Integer> {
  @Option(names = "--observed", defaultValue = "0.5", description = "Fraction of cells observed for training (default: ${DEFAULT-VALUE}).")
  double observed;

  @Option(names = "--chains", defaultValue = "4", description = "HMC chains (default: ${DEFAULT-VALUE}).")
  int chains;

  @Option(names = "--warmup", defaultValue = "300", description = "HMC warm-up iterations (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--draws", defaultValue = "300", description = "HMC kept draws per chain (default: ${DEFAULT-VALUE}).")
  int draws;

  @Option(names = "--leapfrog-steps", defaultValue = "10", description = "Leapfrog steps per trajectory (default: ${DEFAULT-VALUE}).")
  int leapfrogSteps;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the simulation and of HMC (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", split = ",", description = "TensorFlow intra-op,inter-op threads: intra,inter (default: measured defaults).")
  int[] threads;

  @Option(names = "--output", defaultValue = "out/pmf-hmc", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  static final double NOISE = 0.5;

  @Override
  public Integer call() throws IOException {
    if (!(observed > 0 && observed < 1)) {
      throw new IllegalArgumentException("--observed must be in (0, 1), was " + observed);
    }
    MatrixFactorizationModel model = MatrixFactorizationModel.create(new MatrixFactorization(NOISE),
        ThreadSettings.fromCounts(threads));
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return run(model, System.out);
    }
  }

  /** A simulated matrix: the true factors' product, the noisy ratings, and which cells are observed. */
  record Simulation(double[][] truth, double[][] ratings, boolean[][] train) {}

  static Simulation simulate(double observedFraction, long seed) {
    int users = MatrixFactorization.USERS;
    int items = MatrixFactorization.ITEMS;
    int rank = MatrixFactorization.RANK;
    SplittableRandom random = new SplittableRandom(seed);
    double[][] u = gaussians(random, users, rank);
    double[][] v = gaussians(random, items, rank);
    double[][] truth = new double[users][items];
    double[][] ratings = new double[users][items];
    boolean[][] train = new boolean[users][items];
    for (int i = 0; i < users; i++) {
      for (int j = 0; j < items; j++) {
        for (int r = 0; r < rank; r++) {
          truth[i][j] += u[i][r] * v[j][r];
        }
        ratings[i][j] = truth[i][j] + NOISE * random.nextGaussian();
        train[i][j] = random.nextDouble() < observedFraction;
      }
    }
    return new Simulation(truth, ratings, train);
  }

  private int run(MatrixFactorizationModel model, PrintStream out) throws IOException {
    long start = System.nanoTime();
    Simulation sim = simulate(observed, seed);
    Cells trainCells = cells(sim, true);
    Cells testCells = cells(sim, false);
    out.printf(Locale.ROOT, "ratings %d x %d of rank %d (simulated, noise sd %.1f): %d training and %d held-out cells%n",
        MatrixFactorization.USERS, MatrixFactorization.ITEMS, MatrixFactorization.RANK, NOISE, trainCells.size(),
        testCells.size());
    Dataset train = MatrixFactorizationModel.dataset(trainCells.user, trainCells.item, trainCells.rating);
    HmcResult hmc = model.hmc(train).chains(chains).warmup(warmup).draws(draws).leapfrogSteps(leapfrogSteps)
        .seed(Seed.of(seed).derive("hmc")).build().sample();
    Dataset testGivens = Dataset.of("user", testCells.user).with("item", testCells.item);
    float[][] predicted = model.predictMean(PosteriorDraws.flatten(hmc, chains * draws), testGivens);
    double trainMean = 0;
    for (float[] r : trainCells.rating) {
      trainMean += r[0] / trainCells.size();
    }
    double rmseRatings = 0;
    double rmseTruth = 0;
    double rmseMean = 0;
    double rmseOracle = 0;
    for (int c = 0; c < testCells.size(); c++) {
      double p = predicted[c][0];
      double y = testCells.rating[c][0];
      double t = testCells.truth[c];
      rmseRatings += (p - y) * (p - y);
      rmseTruth += (p - t) * (p - t);
      rmseMean += (trainMean - y) * (trainMean - y);
      rmseOracle += (t - y) * (t - y);
    }
    int n = testCells.size();
    rmseRatings = Math.sqrt(rmseRatings / n);
    rmseTruth = Math.sqrt(rmseTruth / n);
    rmseMean = Math.sqrt(rmseMean / n);
    rmseOracle = Math.sqrt(rmseOracle / n);
    // R-hat and ESS of each held-out prediction: the chains' predictive means, draw by draw.
    double[][][] perCell = new double[n][chains][];
    for (int chain = 0; chain < chains; chain++) {
      double[][] chainDraws = new double[hmc.drawCount()][];
      for (int d = 0; d < chainDraws.length; d++) {
        float[] theta = hmc.draws()[d][chain];
        chainDraws[d] = new double[theta.length];
        for (int k = 0; k < theta.length; k++) {
          chainDraws[d][k] = theta[k];
        }
      }
      float[][][] means = model.predictiveMeans("rating", chainDraws, testGivens);
      for (int c = 0; c < n; c++) {
        perCell[c][chain] = new double[means.length];
        for (int d = 0; d < means.length; d++) {
          perCell[c][chain][d] = means[d][c][0];
        }
      }
    }
    double[] predictionRhat = new double[n];
    double[] predictionEss = new double[n];
    for (int c = 0; c < n; c++) {
      predictionRhat[c] = McmcDiagnostics.rankNormalizedSplitRhat(perCell[c]);
      predictionEss[c] = McmcDiagnostics.bulkEffectiveSampleSize(perCell[c]);
    }
    double[] rhat = hmc.rhat();
    out.printf(Locale.ROOT, "held-out RMSE: %.4f against the ratings, %.4f against the true U V^T | training mean"
        + " %.4f, true factors %.4f (the noise)%n", rmseRatings, rmseTruth, rmseMean, rmseOracle);
    out.printf(Locale.ROOT, "HMC %d chains x %d draws (%d warm-up, %d leapfrog steps): acceptance %.3f, step size %.4f"
            + " (median), %d divergences | predictions: R-hat max %.4f median %.4f, ESS min %.0f median %.0f |"
            + " factors: R-hat max %.3f median %.3f | %.1f s%n",
        chains, draws, warmup, leapfrogSteps, hmc.acceptanceRate(), PosteriorDraws.median(hmc.stepSizes()),
        hmc.divergences(), PosteriorDraws.max(predictionRhat), PosteriorDraws.median(predictionRhat),
        PosteriorDraws.min(predictionEss), PosteriorDraws.median(predictionEss), PosteriorDraws.max(rhat),
        PosteriorDraws.median(rhat), hmc.seconds());
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("data", "simulated " + MatrixFactorization.USERS + " x " + MatrixFactorization.ITEMS
        + " ratings of rank " + MatrixFactorization.RANK + ", N(0, 1) factors, noise sd " + NOISE);
    metrics.put("observed_fraction", observed);
    metrics.put("train_cells", trainCells.size());
    metrics.put("test_cells", n);
    metrics.put("seed", seed);
    metrics.put("hmc_chains", chains);
    metrics.put("hmc_warmup", warmup);
    metrics.put("hmc_draws", draws);
    metrics.put("hmc_leapfrog_steps", leapfrogSteps);
    metrics.put("test_rmse_ratings", rmseRatings);
    metrics.put("test_rmse_truth", rmseTruth);
    metrics.put("test_rmse_training_mean", rmseMean);
    metrics.put("test_rmse_true_factors", rmseOracle);
    metrics.put("hmc_acceptance_rate", hmc.acceptanceRate());
    metrics.put("hmc_divergences", hmc.divergences());
    metrics.put("prediction_rhat_max", PosteriorDraws.max(predictionRhat));
    metrics.put("prediction_rhat_median", PosteriorDraws.median(predictionRhat));
    metrics.put("prediction_ess_min", PosteriorDraws.min(predictionEss));
    metrics.put("factor_rhat_max", PosteriorDraws.max(rhat));
    metrics.put("factor_rhat_median", PosteriorDraws.median(rhat));
    metrics.put("hmc_seconds", hmc.seconds());
    metrics.put("total_seconds", (System.nanoTime() - start) / 1e9);
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    out.println("wrote " + output.resolve("metrics.json"));
    return ExitCodes.OK;
  }

  /** The training (or held-out) cells as the model's columns: one-hot user and item, the rating, the truth. */
  private record Cells(float[][] user, float[][] item, float[][] rating, double[] truth) {
    int size() {
      return truth.length;
    }
  }

  private static Cells cells(Simulation sim, boolean training) {
    List<int[]> picked = new ArrayList<>();
    for (int i = 0; i < sim.truth().length; i++) {
      for (int j = 0; j < sim.truth()[i].length; j++) {
        if (sim.train()[i][j] == training) {
          picked.add(new int[] {i, j});
        }
      }
    }
    float[][] user = new float[picked.size()][MatrixFactorization.USERS];
    float[][] item = new float[picked.size()][MatrixFactorization.ITEMS];
    float[][] rating = new float[picked.size()][1];
    double[] truth = new double[picked.size()];
    for (int c = 0; c < picked.size(); c++) {
      int i = picked.get(c)[0];
      int j = picked.get(c)[1];
      user[c][i] = 1;
      item[c][j] = 1;
      rating[c][0] = (float) sim.ratings()[i][j];
      truth[c] = sim.truth()[i][j];
    }
    return new Cells(user, item, rating, truth);
  }

  private static double[][] gaussians(SplittableRandom random, int rows, int cols) {
    double[][] out = new double[rows][cols];
    for (double[] row : out) {
      for (int c = 0; c < cols; c++) {
        row[c] = random.nextGaussian();
      }
    }
    return out;
  }
}
