package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.linear.LinearGaussianModel;
import dev.helmholtz.linear.Subspaces;
import dev.helmholtz.samples.ppca.LinearVae;
import dev.helmholtz.samples.ppca.LinearVaeFit;
import dev.helmholtz.samples.ppca.LinearVaeModel;
import dev.helmholtz.samples.ppca.PpcaData;
import dev.helmholtz.train.LearningRateSchedule;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Probabilistic PCA three ways on a synthetic set with a known four-dimensional principal subspace
 * ({@link PpcaData}): Tipping and Bishop's closed form, EM, and the linear VAE ({@link LinearVae})
 * trained by the ELBO, with factor analysis by EM beside them; prints each one's exact train and
 * test log-likelihood, the VAE's ELBO, and the largest principal angle between each W and the
 * data's top principal components.
 */
@Command(
    name = "ppca",
    mixinStandardHelpOptions = true,
    description = "Fits probabilistic PCA (4 components) to a synthetic 20-dimensional set with a known principal"
        + " subspace by the closed form (Tipping & Bishop 1999), by EM, and as a linear VAE trained by the ELBO"
        + " (Adam), with factor analysis by EM beside them; prints the exact log-likelihoods side by side and"
        + " writes metrics.json.")
public final class PpcaCommand implements Callable<Integer> {
  @Option(names = "--train-examples", defaultValue = "5000", description = "Training examples (default: ${DEFAULT-VALUE}).")
  int trainExamples;

  @Option(names = "--test-examples", defaultValue = "5000", description = "Test examples (default: ${DEFAULT-VALUE}).")
  int testExamples;

  @Option(names = "--epochs", defaultValue = "100", description = "Linear VAE epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "100", description = "Linear VAE minibatch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "0.2",
      description = "Adam's learning rate, decaying exponentially to a hundredth of it by the end (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--em-iterations", defaultValue = "200", description = "EM iterations (default: ${DEFAULT-VALUE}).")
  int emIterations;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the data and the training (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--output", defaultValue = "out/ppca", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Override
  public Integer call() throws IOException {
    if (trainExamples < 2 * PpcaData.DIMENSIONS || testExamples < 1 || epochs < 1 || emIterations < 1) {
      throw new IllegalArgumentException("--train-examples must be at least " + 2 * PpcaData.DIMENSIONS
          + ", and --test-examples, --epochs and --em-iterations at least 1");
    }
    // The training options' own checks, before the data load and the steps-per-epoch division
    // (a message naming --batch-size or --learning-rate, not "/ by zero").
    Training.epochs(epochs).batchSize(batchSize).adam(learningRate);
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return run();
    }
  }

  private int run() throws IOException {
    PpcaData source = new PpcaData(seed);
    float[][] trainRows = source.sample(trainExamples, seed + 1);
    float[][] testRows = source.sample(testExamples, seed + 2);
    LinearGaussianModel.Moments train = LinearGaussianModel.Moments.of(trainRows);
    LinearGaussianModel.Moments test = LinearGaussianModel.Moments.of(testRows);
    int k = PpcaData.COMPONENTS;
    double[][] principal = Subspaces.topPrincipalComponents(train, k);
    System.out.printf(Locale.ROOT, "Synthetic data: %d train and %d test examples of %d dimensions, a known"
        + " %d-dimensional principal subspace (scales 4, 3, 2, 1.5) plus unit noise%n", trainExamples, testExamples,
        PpcaData.DIMENSIONS, k);

    LinearGaussianModel closedForm = LinearGaussianModel.probabilisticPca(train, k);
    LinearGaussianModel em = LinearGaussianModel.initial(train, k, seed);
    LinearGaussianModel fa = LinearGaussianModel.initial(train, k, seed);
    for (int i = 0; i < emIterations; i++) {
      em = em.ppcaEmStep(train);
      fa = fa.factorAnalysisEmStep(train);
    }
    long started = System.nanoTime();
    LinearVaeFit vae;
    long steps;
    double monteCarloElbo;
    try (LinearVaeModel model = LinearVaeModel.create(new LinearVae(), Seed.of(seed), ThreadSettings.of(1, 1))) {
      long stepsPerEpoch = (trainExamples + batchSize - 1) / batchSize;
      Training training = Training.epochs(epochs).batchSize(batchSize).adam(learningRate).seed(seed)
          .learningRateSchedule(LearningRateSchedule.exponentialDecay(0.01, stepsPerEpoch * epochs))
          .logEvery(Duration.ofSeconds(30)).progress(ProgressListener.silent());
      steps = model.fit(Dataset.of("x", trainRows), training).steps();
      vae = LinearVaeFit.of(model);
      monteCarloElbo = model.elbo(Dataset.of("x", trainRows));
    }
    double vaeSeconds = (System.nanoTime() - started) / 1e9;

    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("train_examples", trainExamples);
    metrics.put("test_examples", testExamples);
    metrics.put("epochs", epochs);
    metrics.put("vae_steps", steps);
    metrics.put("vae_seconds", vaeSeconds);
    metrics.put("em_iterations", emIterations);
    TextTable table = new TextTable(1, "model", "train log-lik.", "test log-lik.", "train ELBO",
        "noise var.", "max angle to top PCs (deg)");
    row(table, metrics, "closed_form", "PPCA, closed form", closedForm, Double.NaN, train, test, principal);
    row(table, metrics, "em", "PPCA, EM", em, Double.NaN, train, test, principal);
    row(table, metrics, "linear_vae", "PPCA, linear VAE (ELBO)", vae.decoder(), vae.elbo(train), train, test,
        principal);
    row(table, metrics, "factor_analysis", "factor analysis, EM", fa, Double.NaN, train, test, principal);
    table.print(System.out);
    System.out.printf(Locale.ROOT, "Linear VAE: %d Adam steps in %.1f s; its ELBO (closed form) is %.4f nats below"
        + " its own exact log-likelihood and %.4f below the closed form's; the model's Monte Carlo ELBO is %.4f.%n",
        steps, vaeSeconds, vae.logLikelihood(train) - vae.elbo(train),
        closedForm.logLikelihood(train) - vae.elbo(train), monteCarloElbo);
    metrics.put("linear_vae_monte_carlo_train_elbo", monteCarloElbo);
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    return ExitCodes.OK;
  }

  private static void row(TextTable table, Map<String, Object> metrics, String key, String name,
      LinearGaussianModel model, double elbo, LinearGaussianModel.Moments train, LinearGaussianModel.Moments test,
      double[][] principal) {
    double trainLl = model.logLikelihood(train);
    double testLl = model.logLikelihood(test);
    double[] angles = Subspaces.principalAngles(model.weights(), principal);
    double maxAngle = Math.toDegrees(angles[angles.length - 1]);
    double meanNoise = 0;
    for (double n : model.noise()) {
      meanNoise += n / model.noise().length;
    }
    metrics.put(key + "_train_log_likelihood", trainLl);
    metrics.put(key + "_test_log_likelihood", testLl);
    metrics.put(key + "_max_principal_angle_degrees", maxAngle);
    if (!Double.isNaN(elbo)) {
      metrics.put(key + "_train_elbo", elbo);
    }
    table.row(name, String.format(Locale.ROOT, "%.4f", trainLl), String.format(Locale.ROOT, "%.4f", testLl),
        Double.isNaN(elbo) ? "-" : String.format(Locale.ROOT, "%.4f", elbo),
        String.format(Locale.ROOT, "%.4f", meanNoise), String.format(Locale.ROOT, "%.3f", maxAngle));
  }
}
