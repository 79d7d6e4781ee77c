package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.HamiltonianMonteCarlo;
import dev.helmholtz.infer.HmcResult;
import dev.helmholtz.infer.MeanFieldVariationalInference;
import dev.helmholtz.infer.VariationalPosterior;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.samples.bayes.LogisticRegression;
import dev.helmholtz.samples.bayes.LogisticRegressionModel;
import dev.helmholtz.samples.bayes.Pca;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Bayesian logistic regression on MNIST 4 vs 9 in PCA space, by HMC and by mean-field VI. */
@Command(
    name = "bayes-logreg",
    mixinStandardHelpOptions = true,
    description = "Bayesian logistic regression of MNIST 4 (label 0) vs 9 (label 1) on the first 10 principal"
        + " components of the training images (computed in Java, standardized), with N(0, --prior-scale^2)"
        + " priors: the model LogisticRegression, whose generated LogisticRegressionModel gives the log"
        + " posterior; the posterior by HMC and by mean-field VI. Prints each"
        + " method's posterior-predictive test accuracy, HMC's acceptance rate, R-hat and ESS (max/median,"
        + " min/median over parameters) and seconds; writes metrics.json.")
public final class BayesLogregCommand implements Callable<Integer> {
  @Option(names = "--chains", defaultValue = "8", description = "HMC chains (default: ${DEFAULT-VALUE}).")
  int chains;

  @Option(names = "--warmup", defaultValue = "300", description = "HMC warm-up iterations (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--draws", defaultValue = "500", description = "HMC kept draws per chain (default: ${DEFAULT-VALUE}).")
  int draws;

  @Option(names = "--leapfrog-steps", defaultValue = "10", description = "Leapfrog steps per trajectory (default: ${DEFAULT-VALUE}).")
  int leapfrogSteps;

  @Option(names = "--vi-steps", defaultValue = "2000", description = "Adam steps of VI (default: ${DEFAULT-VALUE}).")
  int viSteps;

  @Option(names = "--prior-scale", defaultValue = "1.0", description = "Prior standard deviation of weights and bias (default: ${DEFAULT-VALUE}).")
  double priorScale;

  @Option(names = "--data", description = "Directory with the four MNIST .gz files (default: the copy bundled with Helmholtz).")
  Path data;

  @Option(names = "--train-examples", description = "Use the first N training 4s and 9s only (default: all).")
  Integer trainExamples;

  @Option(names = "--test-examples", description = "Evaluate on the first N test 4s and 9s only (default: all).")
  Integer testExamples;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of HMC, VI and the PCA's start (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", split = ",", description = "TensorFlow intra-op,inter-op threads and training towers: intra,inter[,towers] (default: measured defaults).")
  int[] threads;

  @Option(names = "--output", defaultValue = "out/bayes-logreg", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    if (trainExamples != null && trainExamples < 2) {
      throw new IllegalArgumentException("--train-examples must be at least 2, was " + trainExamples);
    }
    if (testExamples != null && testExamples < 1) {
      throw new IllegalArgumentException("--test-examples must be at least 1, was " + testExamples);
    }
    int components = LogisticRegression.FEATURES;
    ThreadSettings threadSettings = ThreadSettings.fromCounts(threads);
    LogisticRegressionModel model = LogisticRegressionModel.create(new LogisticRegression(priorScale), threadSettings);
    // The samplers check their own settings: build both on one dummy example before minutes of loading.
    Dataset probe = LogisticRegressionModel.dataset(new float[1][components], new float[1][1]);
    hmc(model, probe).build();
    vi(model, probe).build();
    // The directory is this run's until it returns: a second run on it is refused here.
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return fitAndWrite(model, components, out);
    }
  }

  private int fitAndWrite(LogisticRegressionModel model, int components, PrintStream out) throws IOException {
    long start = System.nanoTime();

    Mnist mnist = data == null ? Mnist.loadDefault() : Mnist.load(data);
    Binary train = fourVersusNine(mnist.train(), trainExamples);
    Binary test = fourVersusNine(mnist.test(), testExamples);
    long pcaStart = System.nanoTime();
    Pca pca = Pca.fit(train.images(), components, seed);
    float[][] trainFeatures = project(pca, train.images());
    float[][] testFeatures = project(pca, test.images());
    double pcaSeconds = (System.nanoTime() - pcaStart) / 1e9;
    out.printf(Locale.ROOT, "MNIST 4 vs 9: %d training and %d test images, %d principal components (%.1f s)%n",
        train.size(), test.size(), components, pcaSeconds);

    Dataset trainData = LogisticRegressionModel.dataset(trainFeatures, column(train.labels()));
    Dataset testGivens = Dataset.of("features", testFeatures);
    HmcResult hmc = hmc(model, trainData).build().sample();
    double[][] hmcDraws = PosteriorDraws.flatten(hmc, 4000);
    double hmcAccuracy = accuracy(model.predictMean(hmcDraws, testGivens), test.labels());
    double[] rhat = hmc.rhat();
    double[] ess = hmc.effectiveSampleSize();
    out.printf(Locale.ROOT, "HMC  test accuracy %.4f | acceptance %.3f, step size %.4f (median), %d divergences |"
            + " R-hat max %.4f (%s) median %.4f | ESS min %.0f median %.0f of %d draws | %.1f s%n",
        hmcAccuracy, hmc.acceptanceRate(), PosteriorDraws.median(hmc.stepSizes()), hmc.divergences(),
        PosteriorDraws.max(rhat), model.parameters().label(argMax(rhat)), PosteriorDraws.median(rhat),
        PosteriorDraws.min(ess), PosteriorDraws.median(ess), hmc.drawCount() * hmc.chainCount(), hmc.seconds());

    VariationalPosterior q = vi(model, trainData).build().fit();
    double viAccuracy = accuracy(model.predictMean(q.draws(4000, seed), testGivens), test.labels());
    out.printf(Locale.ROOT, "VI   test accuracy %.4f | ELBO %.2f | %.1f s%n", viAccuracy, q.elbo(), q.seconds());
    double[] hmcMean = hmc.mean();
    double[][] hmcCov = hmc.covariance();
    double worstMeanGap = 0;
    double worstSdRatio = 0;
    for (int d = 0; d < model.parameters().dims(); d++) {
      double sd = Math.sqrt(hmcCov[d][d]);
      worstMeanGap = Math.max(worstMeanGap, Math.abs(q.means()[d] - hmcMean[d]) / sd);
      worstSdRatio = Math.max(worstSdRatio, Math.abs(Math.log(q.stds()[d] / sd)));
    }
    out.printf(Locale.ROOT, "VI vs HMC: largest |mean gap| %.3f HMC sds, largest sd ratio %.3f%n",
        worstMeanGap, Math.exp(worstSdRatio));

    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("task", "MNIST 4 (0) vs 9 (1), logistic regression on standardized principal components");
    metrics.put("components", components);
    metrics.put("prior_scale", priorScale);
    metrics.put("train_examples", train.size());
    metrics.put("test_examples", test.size());
    metrics.put("seed", seed);
    metrics.put("hmc_chains", chains);
    metrics.put("hmc_warmup", warmup);
    metrics.put("hmc_draws", draws);
    metrics.put("hmc_leapfrog_steps", leapfrogSteps);
    metrics.put("hmc_test_accuracy", hmcAccuracy);
    metrics.put("hmc_acceptance_rate", hmc.acceptanceRate());
    metrics.put("hmc_divergences", hmc.divergences());
    metrics.put("hmc_rhat_max", PosteriorDraws.max(rhat));
    metrics.put("hmc_rhat_median", PosteriorDraws.median(rhat));
    metrics.put("hmc_ess_min", PosteriorDraws.min(ess));
    metrics.put("hmc_ess_median", PosteriorDraws.median(ess));
    metrics.put("hmc_seconds", hmc.seconds());
    metrics.put("vi_steps", viSteps);
    metrics.put("vi_test_accuracy", viAccuracy);
    metrics.put("vi_elbo", q.elbo());
    metrics.put("vi_seconds", q.seconds());
    metrics.put("vi_vs_hmc_max_mean_gap_in_sds", worstMeanGap);
    metrics.put("vi_vs_hmc_max_sd_ratio", Math.exp(worstSdRatio));
    metrics.put("pca_seconds", pcaSeconds);
    metrics.put("total_seconds", (System.nanoTime() - start) / 1e9);
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    out.println("wrote " + output.resolve("metrics.json"));
    return 0;
  }

  private HamiltonianMonteCarlo.Builder hmc(LogisticRegressionModel model, Dataset data) {
    return model.hmc(data).chains(chains).warmup(warmup).draws(draws).leapfrogSteps(leapfrogSteps)
        .seed(Seed.of(seed).derive("hmc"));
  }

  private MeanFieldVariationalInference.Builder vi(LogisticRegressionModel model, Dataset data) {
    return model.variational(data).steps(viSteps).learningRate(0.02).seed(Seed.of(seed).derive("vi"));
  }

  /** The fraction of labels that p(label = 1 | features) >= 1/2 predicts. */
  static double accuracy(float[][] probabilities, int[] labels) {
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      correct += (probabilities[i][0] >= 0.5f ? 1 : 0) == labels[i] ? 1 : 0;
    }
    return (double) correct / labels.length;
  }

  static float[][] column(int[] labels) {
    float[][] out = new float[labels.length][1];
    for (int i = 0; i < labels.length; i++) {
      out[i][0] = labels[i];
    }
    return out;
  }

  static int argMax(double[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  /** The 4s (label 0) and 9s (label 1) of a split, the first {@code limit} of them if given. */
  record Binary(float[][] images, int[] labels) {
    int size() {
      return labels.length;
    }
  }

  static Binary fourVersusNine(Mnist.Split split, Integer limit) {
    List<float[]> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int i = 0; i < split.size() && (limit == null || images.size() < limit); i++) {
      int digit = split.labels()[i];
      if (digit == 4 || digit == 9) {
        images.add(split.images()[i]);
        labels.add(digit == 9 ? 1 : 0);
      }
    }
    if (images.isEmpty()) {
      throw new IllegalArgumentException("the data has no images of 4 or 9");
    }
    return new Binary(images.toArray(float[][]::new), labels.stream().mapToInt(Integer::intValue).toArray());
  }

  private static float[][] project(Pca pca, float[][] images) {
    float[][] out = new float[images.length][];
    for (int i = 0; i < images.length; i++) {
      out[i] = pca.project(images[i]);
    }
    return out;
  }
}
