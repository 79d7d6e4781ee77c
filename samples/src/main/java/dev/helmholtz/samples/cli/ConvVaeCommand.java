package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.conv.ConvVae;
import dev.helmholtz.samples.conv.ConvVaeModel;
import dev.helmholtz.samples.vae.Vae;
import dev.helmholtz.samples.vae.VaeModel;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import dev.helmholtz.variational.VariationalModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The convolutional VAE on MNIST images of shape [28, 28, 1], next to the MLP VAE trained the
 * same way: the same epochs, batch, learning rate, seed and binarized test images.
 */
@Command(
    name = "conv-vae",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Trains the convolutional VAE (residual blocks at 14 x 14 and 7 x 7, 50 latents; images of event"
        + " shape [28, 28, 1]) on dynamically binarized MNIST and, unless --no-baseline, the MLP VAE of the vae"
        + " command with the same epochs, batch, learning rate and seed; prints each one's test ELBO and"
        + " importance-sampled test log-likelihood on the same images, and writes samples.png,"
        + " reconstructions.png and metrics.json.",
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILED, ExitCodes.HELP_BAD_INPUT})
public final class ConvVaeCommand implements Callable<Integer> {
  @Option(names = "--epochs", defaultValue = "1", description = "Training epochs of each model (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Mixin
  TrainingOptions trainingOptions;

  @Option(names = "--k", defaultValue = "100",
      description = "Importance samples for the test log-likelihood (default: ${DEFAULT-VALUE}; the paper figure: 5000).")
  int k;

  @Option(names = "--ll-examples", paramLabel = "N",
      description = "Estimate the log-likelihood on the first N test images (default: every test image); a"
          + " convolutional decoder at k = 5000 costs minutes per hundred images on a CPU.")
  Integer logLikelihoodExamples;

  @Option(names = "--baseline", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Also train and evaluate the MLP VAE the same way (default: ${DEFAULT-VALUE}).")
  boolean baseline;

  @Option(names = "--output", defaultValue = "out/conv-vae",
      description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin
  MnistDataOptions mnistFiles;

  @Override
  public Integer call() throws IOException {
    if (epochs < 1) {
      throw new IllegalArgumentException("--epochs must be at least 1, was " + epochs);
    }
    if (k < 1) {
      throw new IllegalArgumentException("--k must be at least 1, was " + k);
    }
    if (logLikelihoodExamples != null && logLikelihoodExamples < 1) {
      throw new IllegalArgumentException("--ll-examples must be at least 1, was " + logLikelihoodExamples);
    }
    PrintStream out = System.out;
    Training training = trainingOptions.apply(Training.epochs(epochs), out);
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return run(out, training);
    }
  }

  private int run(PrintStream out, Training training) throws IOException {
    Mnist mnist = mnistFiles.load();
    Mnist.Split trainSplit = mnistFiles.train(mnist);
    Mnist.Split testSplit = mnistFiles.test(mnist);
    // Images as [28, 28, 1] for the convolutional model; the MLP reads the same values as rows of 784.
    Dataset train = trainSplit.imageDataset("x").dynamicallyBinarized("x");
    Dataset test = testSplit.imageDataset("x").binarized("x", trainingOptions.seed);
    Dataset llTest = logLikelihoodExamples == null ? test : test.take(logLikelihoodExamples);
    out.printf(Locale.ROOT, "MNIST: %d training and %d test images (log-likelihood on %d, k = %d)%n",
        train.size(), test.size(), llTest.size(), k);

    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("epochs", epochs);
    metrics.put("batch_size", trainingOptions.batchSize);
    metrics.put("learning_rate", trainingOptions.learningRate);
    metrics.put("seed", trainingOptions.seed);
    metrics.put("log_likelihood_k", k);
    metrics.put("log_likelihood_examples", llTest.size());
    Seed seed = Seed.of(trainingOptions.seed);
    try (ConvVaeModel conv = ConvVaeModel.create(new ConvVae(), seed, trainingOptions.threadSettings())) {
      Result result = evaluate("conv-vae", conv, train, test, llTest, training, out);
      result.putInto(metrics, "conv_vae_");
      ImageGrid.writePng(output.resolve("samples.png"), conv.generate(64).get("x"), 28, 28, 8);
      float[][] originals = Arrays.copyOf(testSplit.images(), Math.min(32, testSplit.size()));
      ImageGrid.writePairs(output.resolve("reconstructions.png"), originals, conv.reconstruct(originals), 28, 28, 8);
    }
    if (baseline) {
      try (VaeModel mlp = VaeModel.create(new Vae(), seed, trainingOptions.threadSettings())) {
        Dataset flatTrain = trainSplit.dataset("x").dynamicallyBinarized("x");
        Dataset flatTest = Dataset.of("x", test.flat("x"), 784);
        Dataset flatLlTest = Dataset.of("x", llTest.flat("x"), 784);
        evaluate("vae (MLP)", mlp, flatTrain, flatTest, flatLlTest, training, out).putInto(metrics, "mlp_vae_");
      }
    }
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    out.println("wrote " + output.resolve("samples.png") + ", " + output.resolve("reconstructions.png") + " and "
        + output.resolve("metrics.json"));
    return ExitCodes.OK;
  }

  /** What one model measured. */
  private record Result(double testElbo, double testLogLikelihood, double trainingSeconds, double msPerStep,
      double evaluationSeconds) {
    /** The figures into {@code metrics}, each key prefixed (the metrics file is one flat object). */
    void putInto(Map<String, Object> metrics, String prefix) {
      metrics.put(prefix + "test_elbo", testElbo);
      metrics.put(prefix + "test_log_likelihood", testLogLikelihood);
      metrics.put(prefix + "training_seconds", trainingSeconds);
      metrics.put(prefix + "ms_per_step", msPerStep);
      metrics.put(prefix + "log_likelihood_seconds", evaluationSeconds);
    }
  }

  private Result evaluate(String name, VariationalModel model, Dataset train, Dataset test, Dataset llTest,
      Training training, PrintStream out) {
    TrainingSummary summary = model.fit(train, training);
    double seconds = summary.took().toMillis() / 1e3;
    double msPerStep = summary.steps() == 0 ? Double.NaN : 1e3 * seconds / summary.steps();
    double testElbo = model.elbo(test);
    long start = System.nanoTime();
    double logLikelihood = model.logLikelihood(llTest, k, training.progress());
    double evaluationSeconds = (System.nanoTime() - start) / 1e9;
    out.printf(Locale.ROOT, "%-10s test ELBO %8.2f nats, test log-likelihood %8.2f nats (k = %d, %d images, %.1f s);"
        + " trained %d epochs in %.1f s (%.1f ms/step)%n", name, testElbo, logLikelihood, k, llTest.size(),
        evaluationSeconds, summary.epochs(), seconds, msPerStep);
    return new Result(testElbo, logLikelihood, seconds, msPerStep, evaluationSeconds);
  }
}
