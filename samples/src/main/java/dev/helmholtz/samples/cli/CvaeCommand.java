package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.cvae.ConditionalVae;
import dev.helmholtz.samples.cvae.ConditionalVaeModel;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.StopReason;
import dev.helmholtz.train.StopRequest;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains the conditional VAE and draws digits of each requested class. */
@Command(
    name = "cvae",
    mixinStandardHelpOptions = true,
    description = "Trains a conditional VAE p(x | z, y) q(z | x, y) on MNIST digits and their labels, writes"
        + " digits.png (one row per class 0..9) and metrics.json, and prints the test ELBO and an"
        + " importance-sampled test log-likelihood, both conditional on the true labels."
        + " Checkpoints go to OUTPUT/checkpoints; SIGINT or SIGTERM finishes the step, writes a"
        + " checkpoint and exits with 130, and --resume continues from it.",
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILED, ExitCodes.HELP_BAD_INPUT,
        ExitCodes.HELP_INTERRUPTED})
public final class CvaeCommand implements Callable<Integer> {
  @Option(names = "--epochs", defaultValue = "10", description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "100", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "1e-3", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--k", defaultValue = "100", description = "Importance samples for the test log-likelihood (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--per-class", defaultValue = "10", description = "Digits drawn per class (default: ${DEFAULT-VALUE}).")
  int perClass;

  @Option(names = "--output", defaultValue = "out/cvae", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin
  MnistOptions mnist;

  @Mixin
  CheckpointOptions checkpointOptions;

  @Override
  public Integer call() throws IOException {
    if (k < 1 || perClass < 1) {
      throw new IllegalArgumentException("--k and --per-class must be at least 1, were " + k + " and " + perClass);
    }
    PrintStream out = System.out;
    Training training = Training.epochs(epochs).batchSize(batchSize).adam(learningRate).seed(mnist.seed)
        .logEvery(Duration.ofSeconds(5)).progress(ProgressListener.console(out));
    training = checkpointOptions.apply(training, output);
    // The directory is this run's until it returns: a second run on it is refused here.
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return train(out, training);
    }
  }

  private int train(PrintStream out, Training training) throws IOException {
    Mnist data = mnist.load();
    Mnist.Split trainSplit = mnist.train(data);
    Mnist.Split testSplit = mnist.test(data);
    Dataset train = trainSplit.dataset("x").dynamicallyBinarized("x").with("y", trainSplit.oneHotLabels());
    Dataset test = testSplit.dataset("x").binarized("x", mnist.seed).with("y", testSplit.oneHotLabels());
    out.printf(Locale.ROOT, "MNIST: %d training and %d test images with labels%n", train.size(), test.size());
    try (ConditionalVaeModel cvae = ConditionalVaeModel.create(new ConditionalVae(), Seed.of(mnist.seed),
        mnist.threadSettings())) {
      StopRequest stop = new StopRequest();
      TrainingSummary summary;
      // The handlers are a scope: SIGINT and SIGTERM request a stop while the fit runs.
      StopRequest.SignalHandlers handlers = stop.onSignals();
      try (handlers) {
        summary = cvae.fit(train, training.stopRequest(stop));
      }
      if (summary.stopReason() == StopReason.INTERRUPTED) {
        out.printf(Locale.ROOT, "interrupted (%s) after step %d; checkpoint %s%n",
            stop.reason().orElse("stop requested"), cvae.stepsTaken(),
            summary.lastCheckpoint().map(Path::toString).orElse("none"));
        out.println("continue with the same options and --resume");
        return ExitCodes.INTERRUPTED;
      }
      double testElbo = cvae.elbo(test);
      double testLogLikelihood = cvae.logLikelihood(test, k, training.progress());
      float[][] classes = new float[Mnist.CLASSES * perClass][Mnist.CLASSES];
      for (int i = 0; i < classes.length; i++) {
        classes[i][i / perClass] = 1f;
      }
      float[][] digits = cvae.generate(Dataset.of("y", classes)).get("x");
      ImageGrid.writePng(output.resolve("digits.png"), digits, Mnist.SIDE, Mnist.SIDE, perClass);
      out.printf(Locale.ROOT, "test ELBO             %9.2f nats (given the label)%n", testElbo);
      out.printf(Locale.ROOT, "test log-likelihood   %9.2f nats (importance sampled, k = %d, given the label)%n",
          testLogLikelihood, k);
      Map<String, Object> metrics = new LinkedHashMap<>();
      metrics.put("model", "ConditionalVae (784+10)-200-200-20, tanh");
      metrics.put("epochs", summary.epochs());
      metrics.put("steps", cvae.stepsTaken());
      metrics.put("stop_reason", summary.stopReason().name().toLowerCase(Locale.ROOT));
      MetricsFile.putSettingsChanged(metrics, summary);
      metrics.put("seed", mnist.seed);
      metrics.put("test_elbo", testElbo);
      metrics.put("test_log_likelihood", testLogLikelihood);
      metrics.put("test_log_likelihood_k", k);
      metrics.put("training_seconds", summary.took().toMillis() / 1e3);
      summary.lastCheckpoint().ifPresent(p -> metrics.put("checkpoint", p.toString()));
      MetricsFile.write(output.resolve("metrics.json"), metrics);
    }
    out.println("wrote " + output.resolve("digits.png") + " (one row per class) and " + output.resolve("metrics.json"));
    return 0;
  }
}
