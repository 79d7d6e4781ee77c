package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Mnist;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The objectives results table: trains each model the same way, evaluates its test
 * log-likelihood with the same k, and prints them next to the published figures.
 */
@Command(
    name = "objectives",
    mixinStandardHelpOptions = true,
    description = "Trains the VAE and IWAE (k = 1, 5, 50) of Burda et al.'s one-stochastic-layer comparison"
        + " and the sigmoid belief net under NVIL, VIMCO, wake-sleep and reweighted wake-sleep, each"
        + " for the same epochs, and prints a table of test log-likelihoods (importance sampled with"
        + " --k samples) next to Burda et al.'s figures (3280 epochs). A results command, not a test.")
public final class ObjectivesCommand implements Callable<Integer> {
  /** Burda et al. (2016), table 1, MNIST, one stochastic layer: test log-likelihood at k = 5000. */
  static final Map<SampleModel, Double> PUBLISHED = Map.of(
      SampleModel.VAE, -86.76, SampleModel.VAE_K5, -86.47, SampleModel.VAE_K50, -86.35,
      SampleModel.IWAE_K5, -85.54, SampleModel.IWAE_K50, -84.78);

  static final List<SampleModel> DEFAULT_MODELS = List.of(SampleModel.VAE, SampleModel.VAE_K5,
      SampleModel.VAE_K50, SampleModel.IWAE_K5, SampleModel.IWAE_K50, SampleModel.SBN_NVIL,
      SampleModel.SBN_VIMCO, SampleModel.SBN_WAKE_SLEEP, SampleModel.SBN_REWEIGHTED_WAKE_SLEEP);

  @Option(names = "--models", split = ",", description = "Models to train (default: the VAE, IWAE and SBN models).")
  List<String> models;

  @Option(names = "--epochs", defaultValue = "10", description = "Training epochs per model (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "100", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "1e-3", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--k", defaultValue = "5000", description = "Importance samples for the test log-likelihood (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--output", defaultValue = "out/objectives", description = "Output directory; one folder per model (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin
  MnistOptions mnist;

  @Override
  public Integer call() throws IOException {
    if (k < 1) {
      throw new IllegalArgumentException("--k must be at least 1, was " + k);
    }
    List<SampleModel> chosen = models == null ? DEFAULT_MODELS : models.stream().map(SampleModel::named).toList();
    Training training = Training.epochs(epochs)
        .batchSize(batchSize)
        .adam(learningRate)
        .seed(mnist.seed)
        .logEvery(Duration.ofSeconds(30))
        .progress(ProgressListener.console(System.out));
    // The whole directory is this run's (each model's folder is locked again as it trains): a
    // second objectives run on it is refused before it loads anything.
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      Mnist data = mnist.load();
      List<MnistExperiment.Result> results = new ArrayList<>();
      for (SampleModel model : chosen) {
        results.add(MnistExperiment.run(model, mnist.train(data), mnist.test(data), training, k, mnist.seed,
            mnist.threadSettings(), output.resolve(model.cliName()), System.out));
      }
      printTable(results, System.out);
    }
    return 0;
  }

  static void printTable(List<MnistExperiment.Result> results, PrintStream out) {
    out.println();
    out.printf(Locale.ROOT, "%-15s %-22s %3s %7s %10s %10s %12s %10s %9s%n", "model", "objective", "k",
        "epochs", "test ELBO", "test LL", "(k eval)", "published", "train s");
    for (MnistExperiment.Result r : results) {
      Double published = PUBLISHED.get(r.model());
      out.printf(Locale.ROOT, "%-15s %-22s %3d %7d %10.2f %10.2f %12s %10s %9.0f%n", r.model().cliName(),
          r.objective(), r.objectiveSamples(), r.summary().epochs(), r.testElbo(), r.testLogLikelihood(),
          "(" + r.k() + ")", published == null ? "-" : String.format(Locale.ROOT, "%.2f", published),
          r.summary().took().toMillis() / 1e3);
    }
    out.println("published: Burda et al. (2016), table 1, after 3280 epochs, k = 5000.");
  }
}
