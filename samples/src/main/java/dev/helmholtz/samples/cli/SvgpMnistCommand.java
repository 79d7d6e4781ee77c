package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.gp.BernoulliLikelihood;
import dev.helmholtz.gp.GpFit;
import dev.helmholtz.gp.RbfKernel;
import dev.helmholtz.gp.SparseVariationalGaussianProcess;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.VariationalPosterior;
import dev.helmholtz.samples.bayes.LogisticRegression;
import dev.helmholtz.samples.bayes.LogisticRegressionModel;
import dev.helmholtz.samples.bayes.Pca;
import dev.helmholtz.train.ThreadSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** SVGP classification of MNIST 4 vs 9 on principal components, against Bayesian logistic regression. */
@Command(
    name = "svgp-mnist",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Classifies MNIST 4 (label 0) vs 9 (label 1) on the first 10 principal components of the"
        + " training images (standardized, as bayes-logreg builds them) with a sparse variational GP"
        + " (Hensman et al. 2015: an RBF kernel with one lengthscale per component, a Bernoulli likelihood"
        + " by Gauss-Hermite quadrature, --inducing inducing points started at random training images and"
        + " trained, whitened q(u)), fitted by Adam on minibatches with the N / batch scaling; and, on the"
        + " same features, bayes-logreg's Bayesian logistic regression by mean-field VI. Prints each"
        + " model's test accuracy and mean test log predictive density, the SVGP's ELBO and seconds;"
        + " writes metrics.json.")
public final class SvgpMnistCommand implements Callable<Integer> {
  @Option(names = "--inducing", defaultValue = "100", description = "Inducing points (default: ${DEFAULT-VALUE}).")
  int inducing;

  @Option(names = "--steps", defaultValue = "3000", description = "Adam steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--batch-size", defaultValue = "256", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "0.01", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--train-examples", description = "Use the first N training 4s and 9s only (default: all).")
  Integer trainExamples;

  @Option(names = "--test-examples", description = "Evaluate on the first N test 4s and 9s only (default: all).")
  Integer testExamples;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the PCA's start, the inducing points, the minibatches and VI (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", split = ",", description = "TensorFlow intra-op,inter-op threads: intra,inter (default: measured defaults).")
  int[] threads;

  @Option(names = "--data", description = "Directory with the four MNIST .gz files (default: the copy bundled with Helmholtz).")
  Path data;

  @Option(names = "--output", defaultValue = "out/svgp-mnist", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Override
  public Integer call() throws IOException {
    if (inducing < 1 || steps < 1 || batchSize < 1 || !(learningRate > 0)) {
      throw new IllegalArgumentException("--inducing, --steps and --batch-size must be at least 1 and"
          + " --learning-rate > 0; were " + inducing + ", " + steps + ", " + batchSize + " and " + learningRate);
    }
    if (trainExamples != null && trainExamples < 2) {
      throw new IllegalArgumentException("--train-examples must be at least 2, was " + trainExamples);
    }
    if (testExamples != null && testExamples < 1) {
      throw new IllegalArgumentException("--test-examples must be at least 1, was " + testExamples);
    }
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return run(System.out);
    }
  }

  private int run(PrintStream out) throws IOException {
    long start = System.nanoTime();
    int components = LogisticRegression.FEATURES;
    Mnist mnist = data == null ? Mnist.loadDefault() : Mnist.load(data);
    BayesLogregCommand.Binary train = BayesLogregCommand.fourVersusNine(mnist.train(), trainExamples);
    BayesLogregCommand.Binary test = BayesLogregCommand.fourVersusNine(mnist.test(), testExamples);
    Pca pca = Pca.fit(train.images(), components, seed);
    double[][] trainX = project(pca, train.images());
    double[][] testX = project(pca, test.images());
    double[] trainY = labels(train.labels());
    double[] testY = labels(test.labels());
    out.printf(Locale.ROOT, "MNIST 4 vs 9: %d training and %d test images, %d principal components%n",
        train.size(), test.size(), components);
    if (inducing > train.size()) {
      throw new IllegalArgumentException("--inducing " + inducing + " exceeds the " + train.size() + " training images");
    }
    if (batchSize > train.size()) {
      throw new IllegalArgumentException("--batch-size " + batchSize + " exceeds the " + train.size() + " training images");
    }
    ThreadSettings threadSettings = ThreadSettings.fromCounts(threads);
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("task", "MNIST 4 (0) vs 9 (1) on 10 standardized principal components");
    metrics.put("train_examples", train.size());
    metrics.put("test_examples", test.size());
    metrics.put("seed", seed);

    double[] lengthscales = new double[components];
    Arrays.fill(lengthscales, Math.sqrt(components));
    try (SparseVariationalGaussianProcess svgp = SparseVariationalGaussianProcess
        .builder(new RbfKernel(1.0, lengthscales), new BernoulliLikelihood(), randomRows(trainX, inducing, seed))
        .seed(Seed.of(seed)).threads(threadSettings).build(trainX, trainY)) {
      GpFit fit = svgp.fit(steps, batchSize, learningRate);
      double elbo = svgp.elbo();
      double[] p = svgp.predictiveMean(testX);
      double[] logDensity = svgp.logPredictiveDensity(testX, testY);
      double accuracy = accuracy(p, testY);
      double testLl = Arrays.stream(logDensity).average().orElseThrow();
      out.printf(Locale.ROOT, "SVGP (%d inducing, %d steps of %d): test accuracy %.4f | test log-likelihood %.4f"
              + " per image | ELBO %.1f (%.4f per image) | %.1f s%n", inducing, steps, batchSize, accuracy, testLl,
          elbo, elbo / train.size(), fit.seconds());
      metrics.put("svgp_inducing", inducing);
      metrics.put("svgp_steps", steps);
      metrics.put("svgp_batch_size", batchSize);
      metrics.put("svgp_learning_rate", learningRate);
      metrics.put("svgp_test_accuracy", accuracy);
      metrics.put("svgp_test_log_likelihood", testLl);
      metrics.put("svgp_elbo", elbo);
      metrics.put("svgp_seconds", fit.seconds());
    }

    LogisticRegressionModel logistic = LogisticRegressionModel.create(new LogisticRegression(1.0), threadSettings);
    Dataset trainData = LogisticRegressionModel.dataset(toFloat(trainX), BayesLogregCommand.column(train.labels()));
    VariationalPosterior q = logistic.variational(trainData).steps(2000).learningRate(0.02)
        .seed(Seed.of(seed).derive("vi")).build().fit();
    float[][] probabilities = logistic.predictMean("label", q.draws(4000, seed), Dataset.of("features", toFloat(testX)));
    double[] pLogistic = new double[probabilities.length];
    double llLogistic = 0;
    for (int i = 0; i < pLogistic.length; i++) {
      pLogistic[i] = probabilities[i][0];
      double pi = Math.min(1 - 1e-7, Math.max(1e-7, pLogistic[i]));
      llLogistic += (testY[i] == 1 ? Math.log(pi) : Math.log(1 - pi)) / pLogistic.length;
    }
    double accuracyLogistic = accuracy(pLogistic, testY);
    out.printf(Locale.ROOT, "Bayesian logistic regression (mean-field VI, as bayes-logreg): test accuracy %.4f"
        + " | test log-likelihood %.4f per image | %.1f s%n", accuracyLogistic, llLogistic, q.seconds());
    metrics.put("logistic_vi_test_accuracy", accuracyLogistic);
    metrics.put("logistic_vi_test_log_likelihood", llLogistic);
    metrics.put("logistic_vi_seconds", q.seconds());
    metrics.put("total_seconds", (System.nanoTime() - start) / 1e9);
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    out.println("wrote " + output.resolve("metrics.json"));
    return ExitCodes.OK;
  }

  private static double[][] project(Pca pca, float[][] images) {
    double[][] out = new double[images.length][];
    for (int i = 0; i < images.length; i++) {
      float[] p = pca.project(images[i]);
      out[i] = new double[p.length];
      for (int j = 0; j < p.length; j++) {
        out[i][j] = p[j];
      }
    }
    return out;
  }

  private static float[][] toFloat(double[][] rows) {
    float[][] out = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = new float[rows[i].length];
      for (int j = 0; j < rows[i].length; j++) {
        out[i][j] = (float) rows[i][j];
      }
    }
    return out;
  }

  private static double[] labels(int[] labels) {
    return Arrays.stream(labels).asDoubleStream().toArray();
  }

  /** {@code m} distinct rows drawn by a seeded shuffle: the inducing points' start. */
  private static double[][] randomRows(double[][] rows, int m, long seed) {
    Integer[] order = new Integer[rows.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Collections.shuffle(Arrays.asList(order), new Random(seed));
    double[][] out = new double[m][];
    for (int i = 0; i < m; i++) {
      out[i] = rows[order[i]].clone();
    }
    return out;
  }

  private static double accuracy(double[] p, double[] labels) {
    int correct = 0;
    for (int i = 0; i < p.length; i++) {
      correct += (p[i] >= 0.5 ? 1 : 0) == (int) labels[i] ? 1 : 0;
    }
    return (double) correct / p.length;
  }
}
