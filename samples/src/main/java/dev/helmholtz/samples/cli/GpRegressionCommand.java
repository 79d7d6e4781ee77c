package dev.helmholtz.samples.cli;

import dev.helmholtz.gp.ExactGaussianProcess;
import dev.helmholtz.gp.GaussianLikelihood;
import dev.helmholtz.gp.GpFit;
import dev.helmholtz.gp.GpPrediction;
import dev.helmholtz.gp.Kernel;
import dev.helmholtz.gp.PeriodicKernel;
import dev.helmholtz.gp.RbfKernel;
import dev.helmholtz.gp.SparseVariationalGaussianProcess;
import dev.helmholtz.graph.Seed;
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

/** Exact GP and SVGP regression of a simulated periodic signal with a trend. */
@Command(
    name = "gp-regression",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Simulates y = sin(2 pi x / 1.5) + 0.3 x + N(0, 0.3^2) at --train-points inputs uniform in"
        + " [0, 8] and 200 held-out inputs uniform in [0, 10] (the last fifth extrapolates), and fits an exact"
        + " GP and a sparse variational GP (20 inducing points, minibatches of 50) with the kernel RBF +"
        + " periodic, every hyperparameter trained by Adam (the period started at 1.3). Prints each model's"
        + " objective, learned period and noise sd, held-out RMSE and mean log predictive density and"
        + " seconds; writes gp-regression.png (the exact GP's 90%% predictive band) and metrics.json.")
public final class GpRegressionCommand implements Callable<Integer> {
  @Option(names = "--train-points", defaultValue = "300", description = "Training points (default: ${DEFAULT-VALUE}).")
  int trainPoints;

  @Option(names = "--exact-steps", defaultValue = "300", description = "Adam steps of the exact GP (default: ${DEFAULT-VALUE}).")
  int exactSteps;

  @Option(names = "--svgp-steps", defaultValue = "2000", description = "Adam steps of the SVGP (default: ${DEFAULT-VALUE}).")
  int svgpSteps;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the data and the minibatches (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", split = ",", description = "TensorFlow intra-op,inter-op threads: intra,inter (default: measured defaults).")
  int[] threads;

  @Option(names = "--output", defaultValue = "out/gp-regression", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  private static final int TEST_POINTS = 200;
  private static final int INDUCING = 20;
  private static final double NOISE = 0.3;

  @Override
  public Integer call() throws IOException {
    if (trainPoints < 50 || exactSteps < 1 || svgpSteps < 1) {
      throw new IllegalArgumentException("--train-points must be at least 50 and the steps at least 1; were "
          + trainPoints + ", " + exactSteps + " and " + svgpSteps);
    }
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return run(System.out);
    }
  }

  private static double signal(double x) {
    return Math.sin(2 * Math.PI * x / 1.5) + 0.3 * x;
  }

  private static Kernel kernel() {
    return new RbfKernel(1.0, 3.0).plus(new PeriodicKernel(1.0, 1.0, 1.3));
  }

  private int run(PrintStream out) throws IOException {
    long start = System.nanoTime();
    SplittableRandom random = new SplittableRandom(seed);
    double[][] x = new double[trainPoints][1];
    double[] y = new double[trainPoints];
    for (int i = 0; i < trainPoints; i++) {
      x[i][0] = 8 * random.nextDouble();
      y[i] = signal(x[i][0]) + NOISE * random.nextGaussian();
    }
    double[][] testX = new double[TEST_POINTS][1];
    double[] testY = new double[TEST_POINTS];
    for (int i = 0; i < TEST_POINTS; i++) {
      testX[i][0] = 10 * random.nextDouble();
      testY[i] = signal(testX[i][0]) + NOISE * random.nextGaussian();
    }
    double mean = java.util.Arrays.stream(y).average().orElseThrow();
    double[] centred = java.util.Arrays.stream(y).map(v -> v - mean).toArray();
    ThreadSettings threadSettings = ThreadSettings.fromCounts(threads);
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("data", "simulated: y = sin(2 pi x / 1.5) + 0.3 x + N(0, 0.3^2), train x in [0, 8], test x in [0, 10]");
    metrics.put("train_points", trainPoints);
    metrics.put("test_points", TEST_POINTS);
    metrics.put("seed", seed);

    Kernel exactKernel = kernel();
    try (ExactGaussianProcess gp = new ExactGaussianProcess(exactKernel, x, centred, 0.5, threadSettings)) {
      double before = gp.logMarginalLikelihood();
      GpFit fit = gp.fit(exactSteps, 0.05);
      double after = gp.logMarginalLikelihood();
      GpPrediction p = gp.predict(testX);
      double[] scores = scores(p.mean(), p.observationVariance(), testY, mean);
      double period = gp.get(periodOf(gp.hyperparameters()))[0];
      double noiseSd = Math.sqrt(gp.get(gp.noiseVariance())[0]);
      out.printf(Locale.ROOT, "exact GP: log marginal likelihood %.2f -> %.2f (%d steps) | period %.4f, noise sd %.4f"
          + " | held-out RMSE %.4f, log predictive density %.4f | %.1f s%n", before, after, exactSteps, period,
          noiseSd, scores[0], scores[1], fit.seconds());
      metrics.put("exact_log_marginal_likelihood", after);
      metrics.put("exact_period", period);
      metrics.put("exact_noise_sd", noiseSd);
      metrics.put("exact_test_rmse", scores[0]);
      metrics.put("exact_test_log_predictive_density", scores[1]);
      metrics.put("exact_seconds", fit.seconds());
      writeBand(gp, mean, x, y, testX, testY);
    }

    double[][] inducing = new double[INDUCING][1];
    for (int i = 0; i < INDUCING; i++) {
      inducing[i][0] = 8.0 * i / (INDUCING - 1);
    }
    GaussianLikelihood likelihood = new GaussianLikelihood(0.5);
    try (SparseVariationalGaussianProcess svgp = SparseVariationalGaussianProcess
        .builder(kernel(), likelihood, inducing).seed(Seed.of(seed)).threads(threadSettings).build(x, centred)) {
      GpFit fit = svgp.fit(svgpSteps, 50, 0.02);
      double elbo = svgp.elbo();
      GpPrediction p = svgp.predict(testX);
      double[] scores = scores(p.mean(), p.observationVariance(), testY, mean);
      double period = svgp.get(periodOf(svgp.hyperparameters()))[0];
      double noiseSd = Math.sqrt(svgp.get(likelihood.noiseVariance())[0]);
      out.printf(Locale.ROOT, "SVGP (%d inducing, %d steps of 50): ELBO %.2f | period %.4f, noise sd %.4f | held-out"
          + " RMSE %.4f, log predictive density %.4f | %.1f s%n", INDUCING, svgpSteps, elbo, period, noiseSd,
          scores[0], scores[1], fit.seconds());
      metrics.put("svgp_elbo", elbo);
      metrics.put("svgp_period", period);
      metrics.put("svgp_noise_sd", noiseSd);
      metrics.put("svgp_test_rmse", scores[0]);
      metrics.put("svgp_test_log_predictive_density", scores[1]);
      metrics.put("svgp_seconds", fit.seconds());
    }
    metrics.put("total_seconds", (System.nanoTime() - start) / 1e9);
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    out.println("wrote " + output.resolve("gp-regression.png") + " and " + output.resolve("metrics.json"));
    return ExitCodes.OK;
  }

  private static dev.helmholtz.gp.Hyperparameter periodOf(java.util.List<dev.helmholtz.gp.Hyperparameter> all) {
    return all.stream().filter(h -> h.name().equals("periodic.period")).findFirst().orElseThrow();
  }

  /** RMSE and mean Gaussian log predictive density of held-out targets (the model predicts centred targets). */
  private static double[] scores(double[] mean, double[] variance, double[] y, double offset) {
    double squared = 0;
    double logDensity = 0;
    for (int i = 0; i < y.length; i++) {
      double d = y[i] - offset - mean[i];
      squared += d * d;
      logDensity += -0.5 * (Math.log(2 * Math.PI * variance[i]) + d * d / variance[i]);
    }
    return new double[] {Math.sqrt(squared / y.length), logDensity / y.length};
  }

  private void writeBand(ExactGaussianProcess gp, double mean, double[][] x, double[] y, double[][] testX,
      double[] testY) throws IOException {
    int points = 400;
    double[] grid = new double[points];
    double[][] gridX = new double[points][1];
    for (int i = 0; i < points; i++) {
      grid[i] = 10.0 * i / (points - 1);
      gridX[i][0] = grid[i];
    }
    GpPrediction p = gp.predict(gridX);
    double[][] band = new double[3][points];
    for (int i = 0; i < points; i++) {
      double sd = Math.sqrt(p.observationVariance()[i]);
      band[0][i] = p.mean()[i] + mean - 1.645 * sd;
      band[1][i] = p.mean()[i] + mean;
      band[2][i] = p.mean()[i] + mean + 1.645 * sd;
    }
    PredictiveBandPlot.write(output.resolve("gp-regression.png"), "exact GP, RBF + periodic: 90% predictive band",
        grid, band, column(x), toFloat(y), column(testX), toFloat(testY));
  }

  private static float[] column(double[][] x) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) x[i][0];
    }
    return out;
  }

  private static float[] toFloat(double[] v) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) v[i];
    }
    return out;
  }
}
