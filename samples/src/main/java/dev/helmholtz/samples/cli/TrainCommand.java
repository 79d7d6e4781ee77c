package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Mnist;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains any sample model on MNIST: IWAE, the sigmoid belief nets, the Gumbel-softmax VAE... */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILED, ExitCodes.HELP_BAD_INPUT,
        ExitCodes.HELP_INTERRUPTED},
    description = {
      "Trains a sample model on dynamically binarized MNIST, writes samples.png,"
          + " reconstructions.png, training-curves.png, metrics.json and checkpoints, and prints the"
          + " train and test ELBO and an importance-sampled test log-likelihood.",
      "Models: vae, vae-k5, vae-k50, iwae-k5, iwae-k50, sbn-nvil, sbn-vimco, sbn-wake-sleep,"
          + " sbn-rws, gumbel."
    })
public final class TrainCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "The sample model to train (see above).")
  String model;

  @Option(names = "--epochs", defaultValue = "10", description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "100", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "1e-3", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--k", defaultValue = "100", description = "Importance samples for the test log-likelihood (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--output", description = "Output directory, created if absent (default: out/<model>).")
  Path output;

  @Mixin
  ScheduleOptions scheduleOptions;

  @Mixin
  MnistOptions mnist;

  @Mixin
  CheckpointOptions checkpointOptions;

  @Mixin
  MonitoringOptions monitoringOptions;

  @Override
  public Integer call() throws IOException {
    SampleModel sample = SampleModel.named(model);
    if (k < 1) {
      throw new IllegalArgumentException("--k must be at least 1, was " + k);
    }
    Path out = output != null ? output : Path.of("out", sample.cliName());
    Training training = Training.epochs(epochs)
        .batchSize(batchSize)
        .adam(learningRate)
        .seed(mnist.seed)
        .logEvery(Duration.ofSeconds(5))
        .progress(ProgressListener.console(System.out));
    training = monitoringOptions.apply(checkpointOptions.apply(training, out))
        .curvesPlot(out.resolve("training-curves.png"));
    training = scheduleOptions.apply(training);
    Mnist data = mnist.load();
    MnistExperiment.run(sample, mnist.train(data), mnist.test(data), training, k, mnist.seed,
        mnist.threadSettings(), out, System.out);
    System.out.println("wrote " + out.resolve("samples.png") + ", " + out.resolve("reconstructions.png")
        + ", " + out.resolve("training-curves.png") + " and " + out.resolve("metrics.json"));
    return 0;
  }
}
