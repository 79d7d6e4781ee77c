package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Mnist;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The flow-posterior comparison: the sample VAE with a diagonal Normal posterior and the same VAE
 * with a planar-flow and an IAF posterior, trained the same way in one run and compared by their
 * importance-sampled test log-likelihood.
 */
@Command(
    name = "vae-flow",
    mixinStandardHelpOptions = true,
    description = "Trains the sample VAE (784-200-200-50 tanh) with a diagonal Normal posterior and with a"
        + " normalizing-flow posterior (--flow planar: 10 planar flows, Rezende and Mohamed 2015, as ZhuSuan's"
        + " vae_nf; --flow iaf: 2 inverse autoregressive flow steps, Kingma et al. 2016; both by default) for"
        + " the same epochs, batch size and seed, and prints their train and test ELBO and test"
        + " log-likelihood (importance sampled with --k samples), one folder per model under --output."
        + " A results command, not a test.")
public final class VaeFlowCommand implements Callable<Integer> {
  /** Which flow posteriors to train next to the diagonal Normal one. */
  enum Flow {
    PLANAR(List.of(SampleModel.VAE_PLANAR)),
    IAF(List.of(SampleModel.VAE_IAF)),
    BOTH(List.of(SampleModel.VAE_PLANAR, SampleModel.VAE_IAF));

    final List<SampleModel> models;

    Flow(List<SampleModel> models) {
      this.models = models;
    }
  }

  @Option(names = "--flow", defaultValue = "both",
      description = "planar, iaf or both (default: ${DEFAULT-VALUE}).", converter = FlowConverter.class)
  Flow flow;

  @Option(names = "--epochs", defaultValue = "10", description = "Training epochs per model (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "100", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "1e-3", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--k", defaultValue = "5000", description = "Importance samples for the test log-likelihood (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--output", defaultValue = "out/vae-flow", description = "Output directory; one folder per model (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin
  MnistOptions mnist;

  /** Accepts the flow's name in any case. */
  static final class FlowConverter implements picocli.CommandLine.ITypeConverter<Flow> {
    @Override
    public Flow convert(String value) {
      try {
        return Flow.valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException("--flow is planar, iaf or both, not '" + value + "'");
      }
    }
  }

  @Override
  public Integer call() throws IOException {
    if (k < 1) {
      throw new IllegalArgumentException("--k must be at least 1, was " + k);
    }
    List<SampleModel> models = new ArrayList<>(List.of(SampleModel.VAE));
    models.addAll(flow.models);
    Training training = Training.epochs(epochs)
        .batchSize(batchSize)
        .adam(learningRate)
        .seed(mnist.seed)
        .logEvery(Duration.ofSeconds(30))
        .progress(ProgressListener.console(System.out));
    // The whole directory is this run's (each model's folder is locked again as it trains): a
    // second vae-flow run on it is refused before it loads anything, and comparison.json is ours.
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      compareAndWrite(models, training);
    }
    return ExitCodes.OK;
  }

  private void compareAndWrite(List<SampleModel> models, Training training) throws IOException {
    Mnist data = mnist.load();
    List<MnistExperiment.Result> results = new ArrayList<>();
    for (SampleModel model : models) {
      results.add(MnistExperiment.run(model, mnist.train(data), mnist.test(data), training, k, mnist.seed,
          mnist.threadSettings(), output.resolve(model.cliName()), System.out));
    }
    printTable(results, System.out);
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("epochs", epochs);
    metrics.put("batch_size", batchSize);
    metrics.put("learning_rate", learningRate);
    metrics.put("seed", mnist.seed);
    metrics.put("test_log_likelihood_k", k);
    for (MnistExperiment.Result r : results) {
      metrics.put(r.model().cliName() + "_test_elbo", r.testElbo());
      metrics.put(r.model().cliName() + "_test_log_likelihood", r.testLogLikelihood());
    }
    MetricsFile.write(output.resolve("comparison.json"), metrics);
  }

  static void printTable(List<MnistExperiment.Result> results, PrintStream out) {
    double baseline = results.get(0).testLogLikelihood();
    out.println();
    out.printf(Locale.ROOT, "%-11s %7s %11s %10s %10s %8s %9s %9s%n", "model", "epochs", "train ELBO", "test ELBO",
        "test LL", "vs vae", "train s", "eval s");
    for (MnistExperiment.Result r : results) {
      out.printf(Locale.ROOT, "%-11s %7d %11.2f %10.2f %10.2f %+8.2f %9.0f %9.0f%n", r.model().cliName(),
          r.summary().epochs(), r.trainElbo(), r.testElbo(), r.testLogLikelihood(),
          r.testLogLikelihood() - baseline, r.summary().took().toMillis() / 1e3, r.evaluationSeconds());
    }
    out.printf(Locale.ROOT, "test LL: importance sampled with k = %d; vs vae: nats above the diagonal Normal posterior.%n",
        results.get(0).k());
  }
}
