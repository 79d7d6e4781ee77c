package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.continuous.ContinuousVae;
import dev.helmholtz.samples.continuous.ContinuousVaeModel;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains the VAE of MNIST's 8-bit intensities under the discretized logistic likelihood, in bits per dimension. */
@Command(
    name = "vae-continuous",
    mixinStandardHelpOptions = true,
    description = "Trains a VAE (784-200-200-50, tanh) on MNIST's 8-bit intensities, not binarized, under the"
        + " discretized logistic likelihood of PixelCNN++ (Salimans et al. 2017); writes samples.png"
        + " (each pixel's mean), reconstructions.png and metrics.json, and prints the test ELBO and an"
        + " importance-sampled test log-likelihood in nats and in bits per dimension"
        + " (-log2 p(x) / 784).")
public final class VaeContinuousCommand implements Callable<Integer> {
  /** Pixels per image: the dimensions bits per dimension divides by. */
  static final int DIMENSIONS = Mnist.IMAGE_SIZE;

  @Option(names = "--epochs", defaultValue = "10", description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "100", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "1e-3", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--k", defaultValue = "100", description = "Importance samples for the test log-likelihood (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--output", defaultValue = "out/vae-continuous", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin
  MnistOptions mnist;

  /** Bits per dimension of a log-likelihood of one image in nats. */
  static double bitsPerDimension(double logLikelihoodNats) {
    return -logLikelihoodNats / (DIMENSIONS * Math.log(2));
  }

  @Override
  public Integer call() throws IOException {
    if (k < 1 || epochs < 0) {
      throw new IllegalArgumentException("--k must be at least 1 and --epochs at least 0, were " + k + " and " + epochs);
    }
    PrintStream out = System.out;
    Training training = Training.epochs(epochs).batchSize(batchSize).adam(learningRate).seed(mnist.seed)
        .logEvery(Duration.ofSeconds(5)).progress(ProgressListener.console(out));
    // The directory is this run's until it returns: a second run on it is refused here.
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return train(out, training);
    }
  }

  private int train(PrintStream out, Training training) throws IOException {
    Mnist data = mnist.load();
    Mnist.Split trainSplit = mnist.train(data);
    Mnist.Split testSplit = mnist.test(data);
    // The raw intensities k/255, as Mnist loads them: the likelihood is over the 256 levels.
    Dataset train = trainSplit.dataset("x");
    Dataset test = testSplit.dataset("x");
    out.printf(Locale.ROOT, "MNIST intensities (8-bit, not binarized): %d training and %d test images%n",
        train.size(), test.size());
    try (ContinuousVaeModel vae = ContinuousVaeModel.create(new ContinuousVae(), Seed.of(mnist.seed),
        mnist.threadSettings())) {
      TrainingSummary summary = vae.fit(train, training);
      double testElbo = vae.elbo(test);
      long evalStart = System.nanoTime();
      double testLogLikelihood = vae.logLikelihood(test, k, training.progress());
      double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
      ImageGrid.writePng(output.resolve("samples.png"), vae.sample(64), Mnist.SIDE, Mnist.SIDE, 8);
      float[][] originals = Arrays.copyOf(testSplit.images(), Math.min(32, testSplit.size()));
      ImageGrid.writePairs(output.resolve("reconstructions.png"), originals, vae.reconstruct(originals),
          Mnist.SIDE, Mnist.SIDE, 8);
      out.printf(Locale.ROOT, "test ELBO             %9.2f nats, %.4f bits/dim%n", testElbo, bitsPerDimension(testElbo));
      out.printf(Locale.ROOT, "test log-likelihood   %9.2f nats, %.4f bits/dim (importance sampled, k = %d, %.1f s)%n",
          testLogLikelihood, bitsPerDimension(testLogLikelihood), k, evalSeconds);
      out.printf(Locale.ROOT, "trained %d epochs (%d steps) in %.1f s%n", summary.epochs(), summary.steps(),
          summary.took().toMillis() / 1e3);
      Map<String, Object> metrics = new LinkedHashMap<>();
      metrics.put("model", "ContinuousVae 784-200-200-50 tanh, discretized logistic likelihood of 8-bit intensities");
      metrics.put("epochs", summary.epochs());
      metrics.put("steps", summary.steps());
      metrics.put("batch_size", batchSize);
      metrics.put("learning_rate", learningRate);
      metrics.put("seed", mnist.seed);
      metrics.put("train_examples", train.size());
      metrics.put("test_examples", test.size());
      metrics.put("test_elbo", testElbo);
      metrics.put("test_elbo_bits_per_dim", bitsPerDimension(testElbo));
      metrics.put("test_log_likelihood", testLogLikelihood);
      metrics.put("test_log_likelihood_k", k);
      metrics.put("test_bits_per_dim", bitsPerDimension(testLogLikelihood));
      metrics.put("training_seconds", summary.took().toMillis() / 1e3);
      metrics.put("evaluation_seconds", evalSeconds);
      MetricsFile.write(output.resolve("metrics.json"), metrics);
    }
    out.println("wrote " + output.resolve("samples.png") + ", " + output.resolve("reconstructions.png") + " and "
        + output.resolve("metrics.json"));
    return ExitCodes.OK;
  }
}
