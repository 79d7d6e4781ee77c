package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.vae.Vae;
import dev.helmholtz.samples.vae.VaeModel;
import dev.helmholtz.train.DataPath;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The main job: train the sample VAE on MNIST, write samples and reconstructions, print the numbers. */
@Command(
    name = "vae",
    mixinStandardHelpOptions = true,
    description = {
      "Trains a VAE (784-200-200-50, tanh; Burda et al.'s one-stochastic-layer model) on",
      "dynamically binarized MNIST, writes samples.png, reconstructions.png and metrics.json,",
      "and prints the train ELBO, test ELBO and an importance-sampled test log-likelihood."
    })
public final class VaeCommand implements Callable<Integer> {
  @Option(names = "--epochs", description = "Training epochs (default: ${DEFAULT-VALUE}; --long: 100).")
  Integer epochs;

  @Option(names = "--batch-size", defaultValue = "100", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "1e-3", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--k", description = "Importance samples for the test log-likelihood (default: 100; --long: 5000).")
  Integer k;

  @Option(names = "--seed", defaultValue = "1", description = "Seed for initialization, batching and sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--output", defaultValue = "out/vae", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Option(names = "--data", description = "Directory with the four MNIST .gz files (default: the copy bundled with Helmholtz).")
  Path data;

  @Option(names = "--train-examples", description = "Train on the first N training images only (default: all 60000).")
  Integer trainExamples;

  @Option(names = "--test-examples", description = "Evaluate on the first N test images only (default: all 10000).")
  Integer testExamples;

  @Option(names = "--long", description = "The quality run: 100 epochs and k = 5000, to compare with Burda et al.")
  boolean longRun;

  @Option(names = "--threads", split = ",", description = "TensorFlow intra-op,inter-op threads (default: measured defaults).")
  int[] threads;

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    int epochCount = epochs != null ? epochs : longRun ? 100 : 10;
    int samples = k != null ? k : longRun ? 5000 : 100;
    if (samples < 1) {
      throw new IllegalArgumentException("--k must be at least 1, was " + samples);
    }
    // Configuration errors surface before minutes of loading and training.
    Training training = Training.epochs(epochCount)
        .batchSize(batchSize)
        .adam(learningRate)
        .seed(seed)
        .logEvery(Duration.ofSeconds(5))
        .progress(ProgressListener.console(out));
    Files.createDirectories(output);
    long start = System.nanoTime();

    Mnist mnist = data == null ? Mnist.loadDefault() : Mnist.load(data);
    Mnist.Split trainSplit = trainExamples == null ? mnist.train() : mnist.train().take(trainExamples);
    Mnist.Split testSplit = testExamples == null ? mnist.test() : mnist.test().take(testExamples);
    Dataset train = trainSplit.dataset("x").dynamicallyBinarized("x");
    Dataset trainFixed = trainSplit.dataset("x").binarized("x", seed);
    Dataset test = testSplit.dataset("x").binarized("x", seed);
    out.printf(Locale.ROOT, "MNIST: %d training and %d test images%n", train.size(), test.size());

    ThreadSettings threadSettings = threads == null ? ThreadSettings.defaults()
        : ThreadSettings.of(threads[0], threads.length > 1 ? threads[1] : 1);
    Map<String, Object> metrics = new LinkedHashMap<>();
    try (VaeModel vae = VaeModel.create(new Vae(), Seed.of(seed), threadSettings)) {
      TrainingSummary summary = vae.fit(train, training);

      double trainElbo = vae.elbo(trainFixed);
      double testElbo = vae.elbo(test);
      long evalStart = System.nanoTime();
      double testLogLikelihood = vae.logLikelihood(test, samples);
      double evalSeconds = (System.nanoTime() - evalStart) / 1e9;

      float[][] generated = vae.sample(64);
      ImageGrid.writePng(output.resolve("samples.png"), generated, 28, 28, 8);
      float[][] originals = Arrays.copyOf(testSplit.images(), Math.min(32, testSplit.size()));
      float[][] reconstructions = vae.reconstruct(originals);
      ImageGrid.writePairs(output.resolve("reconstructions.png"), originals, reconstructions, 28, 28, 8);

      out.printf(Locale.ROOT, "train ELBO            %9.2f nats%n", trainElbo);
      out.printf(Locale.ROOT, "test ELBO             %9.2f nats%n", testElbo);
      out.printf(Locale.ROOT, "test log-likelihood   %9.2f nats (importance sampled, k = %d, %.1f s)%n",
          testLogLikelihood, samples, evalSeconds);
      out.printf(Locale.ROOT, "trained %d epochs (%d steps) in %.1f s, %.0f examples/s, data %s%n",
          summary.epochs(), summary.steps(), summary.took().toMillis() / 1e3, summary.examplesPerSecond(),
          describe(summary.dataPath(), train));

      metrics.put("model", "Vae 784-200-200-50 tanh, Bernoulli likelihood, standard Normal prior");
      metrics.put("epochs", summary.epochs());
      metrics.put("steps", summary.steps());
      metrics.put("batch_size", batchSize);
      metrics.put("learning_rate", learningRate);
      metrics.put("seed", seed);
      metrics.put("train_examples", train.size());
      metrics.put("test_examples", test.size());
      metrics.put("train_elbo", trainElbo);
      metrics.put("test_elbo", testElbo);
      metrics.put("test_log_likelihood", testLogLikelihood);
      metrics.put("test_log_likelihood_k", samples);
      metrics.put("training_seconds", summary.took().toMillis() / 1e3);
      metrics.put("examples_per_second", summary.examplesPerSecond());
      metrics.put("data_path", summary.dataPath().name().toLowerCase(Locale.ROOT));
      metrics.put("evaluation_seconds", evalSeconds);
      metrics.put("total_seconds", (System.nanoTime() - start) / 1e9);
    }
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    out.println("wrote " + output.resolve("samples.png") + ", " + output.resolve("reconstructions.png")
        + " and " + output.resolve("metrics.json"));
    return 0;
  }

  /** "resident (uploaded to the graph once, 188 MB)" or "fed (...)": which path fit chose, and why. */
  static String describe(DataPath path, Dataset data) {
    long bytes = 4L * data.size() * data.width("x");
    String size = String.format(Locale.ROOT, "%.0f MB", bytes / 1e6);
    return path == DataPath.RESIDENT
        ? "resident (" + size + " uploaded to the graph once; batches gathered and binarized in the graph)"
        : "fed (" + size + " over the resident limit of " + (DataPath.RESIDENT_LIMIT_BYTES >> 20)
            + " MiB: each batch copied from Java)";
  }
}
