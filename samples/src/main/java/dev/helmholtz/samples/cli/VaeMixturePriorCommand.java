package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.mixture.MixtureComponents;
import dev.helmholtz.samples.mixture.VaeMixturePrior;
import dev.helmholtz.samples.mixture.VaeMixturePriorModel;
import dev.helmholtz.train.StopReason;
import dev.helmholtz.train.StopRequest;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A VAE with a learned mixture-of-Gaussians prior on MNIST: samples from each component. */
@Command(
    name = "vae-mixture-prior",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Trains a VAE (784-200-200-16, tanh, Bernoulli likelihood) whose prior is a learned"
        + " mixture of 10 diagonal Gaussians (weights, means and scales learned; the KL is Monte Carlo)"
        + " on dynamically binarized MNIST. Draws --draws latents from the prior, assigns each to its most"
        + " responsible component and writes component-K.png (its draws' decoded means) for every"
        + " component and components.png (one row per component), then checks that every component is"
        + " used: that at least --min-share of the encoded test images fall to it. Also writes"
        + " training-curves.png and metrics.json and prints the test ELBO and an importance-sampled"
        + " test log-likelihood.",
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILED, ExitCodes.HELP_BAD_INPUT,
        ExitCodes.HELP_INTERRUPTED})
public final class VaeMixturePriorCommand implements Callable<Integer> {
  /** Images per row of components.png. */
  private static final int PER_ROW = 10;

  @Option(names = "--epochs", defaultValue = "10", description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Mixin
  TrainingOptions trainingOptions;

  @Option(names = "--k", defaultValue = "100",
      description = "Importance samples for the test log-likelihood (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--draws", defaultValue = "2000",
      description = "Latents drawn from the prior to group by component (default: ${DEFAULT-VALUE}).")
  int draws;

  @Option(names = "--min-share", defaultValue = "0.01", paramLabel = "SHARE",
      description = "A component is used when at least this share of the test images is most likely"
          + " under it (default: ${DEFAULT-VALUE}).")
  double minShare;

  @Option(names = "--output", defaultValue = "out/vae-mixture-prior",
      description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin
  MnistDataOptions mnistFiles;

  @Mixin
  CheckpointOptions checkpointOptions;

  @Mixin
  MonitoringOptions monitoringOptions;

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    if (k < 1 || draws < 1) {
      throw new IllegalArgumentException("--k and --draws must be at least 1, were " + k + " and " + draws);
    }
    if (!(minShare >= 0 && minShare < 1)) {
      throw new IllegalArgumentException("--min-share must be in [0, 1), was " + minShare);
    }
    Training training = trainingOptions.apply(Training.epochs(epochs), out);
    training = checkpointOptions.apply(training, output);
    training = monitoringOptions.apply(training);
    // The directory is this run's until it returns: a second run on it is refused here.
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return train(out, training.curvesPlot(output.resolve("training-curves.png")));
    }
  }

  private int train(PrintStream out, Training training) throws IOException {
    long start = System.nanoTime();
    Mnist mnist = mnistFiles.load();
    Mnist.Split trainSplit = mnistFiles.train(mnist);
    Mnist.Split testSplit = mnistFiles.test(mnist);
    Dataset train = trainSplit.dataset("x").dynamicallyBinarized("x");
    Dataset test = testSplit.dataset("x").binarized("x", trainingOptions.seed);
    out.printf(Locale.ROOT, "MNIST: %d training and %d test images%n", train.size(), test.size());

    Map<String, Object> metrics = new LinkedHashMap<>();
    try (VaeMixturePriorModel model = VaeMixturePriorModel.create(new VaeMixturePrior(),
        Seed.of(trainingOptions.seed), trainingOptions.threadSettings())) {
      StopRequest stop = new StopRequest();
      TrainingSummary summary;
      StopRequest.SignalHandlers handlers = stop.onSignals();
      try (handlers) {
        summary = model.fit(train, training.stopRequest(stop));
      }
      if (summary.stopReason() == StopReason.INTERRUPTED) {
        out.printf(Locale.ROOT, "interrupted (%s) after step %d; checkpoint %s%n",
            stop.reason().orElse("stop requested"), model.stepsTaken(),
            summary.lastCheckpoint().map(Path::toString).orElse("none"));
        out.println("continue with the same options and --resume");
        return ExitCodes.INTERRUPTED;
      }
      double testElbo = model.elbo(test);
      long evalStart = System.nanoTime();
      double testLogLikelihood = model.logLikelihood(test, k, training.progress());
      double evalSeconds = (System.nanoTime() - evalStart) / 1e9;

      MixtureComponents prior = new MixtureComponents(model.parameter(VaeMixturePrior.LOGITS),
          VaeMixturePrior.componentMeans(model.parameter(VaeMixturePrior.LOCS)),
          model.parameter(VaeMixturePrior.LOG_SCALES));
      Map<String, float[][]> generated = model.generate(draws);
      int[] drawn = prior.assign(generated.get("z"));
      double[] drawShares = prior.shares(drawn);
      double[] testShares = prior.shares(prior.assign(model.encodeAll(test).get("z")));
      List<Integer> unused = MixtureComponents.unused(testShares, minShare);

      List<float[]> rows = new ArrayList<>();
      List<Integer> withoutDraws = new ArrayList<>();
      for (int c = 0; c < prior.count(); c++) {
        float[][] images = MixtureComponents.rowsOf(generated.get("x"), drawn, c, 64);
        if (images.length == 0) {
          withoutDraws.add(c);
        } else {
          ImageGrid.writePng(output.resolve("component-" + c + ".png"), images, Mnist.SIDE, Mnist.SIDE, 8);
        }
        for (int i = 0; i < PER_ROW; i++) {
          rows.add(i < images.length ? images[i] : new float[Mnist.SIDE * Mnist.SIDE]);
        }
      }
      ImageGrid.writePng(output.resolve("components.png"), rows.toArray(new float[0][]), Mnist.SIDE, Mnist.SIDE,
          PER_ROW);

      out.printf(Locale.ROOT, "test ELBO             %9.2f nats%n", testElbo);
      out.printf(Locale.ROOT, "test log-likelihood   %9.2f nats (importance sampled, k = %d, %.1f s)%n",
          testLogLikelihood, k, evalSeconds);
      out.println("component  weight  prior draws  test images");
      for (int c = 0; c < prior.count(); c++) {
        out.printf(Locale.ROOT, "%9d  %6.3f  %11.3f  %11.3f%n", c, prior.weight(c), drawShares[c], testShares[c]);
      }
      out.println(unused.isEmpty()
          ? String.format(Locale.ROOT, "every component is used (each by at least %.1f%% of the test images)", 100 * minShare)
          : "components used by fewer than " + 100 * minShare + "% of the test images: " + unused);
      if (!withoutDraws.isEmpty()) {
        out.println("components with no draw among the " + draws + " (no component-K.png): " + withoutDraws);
      }
      if (summary.trainedNothing()) {
        out.println(VaeCommand.nothingTrained(summary, model.stepsTaken()));
      } else {
        out.printf(Locale.ROOT, "trained %d epochs (%d steps) in %.1f s, %.0f examples/s%n",
            summary.epochs(), model.stepsTaken(), summary.took().toMillis() / 1e3, summary.examplesPerSecond());
      }

      metrics.put("model", "VaeMixturePrior 784-200-200-16 tanh, Bernoulli likelihood, learned prior: a mixture"
          + " of " + prior.count() + " diagonal Gaussians, Monte Carlo KL");
      metrics.put("epochs", summary.epochs());
      metrics.put("steps", model.stepsTaken());
      metrics.put("stop_reason", summary.stopReason().name().toLowerCase(Locale.ROOT));
      MetricsFile.putSettingsChanged(metrics, summary);
      metrics.put("batch_size", trainingOptions.batchSize);
      metrics.put("learning_rate", trainingOptions.learningRate);
      metrics.put("seed", trainingOptions.seed);
      metrics.put("train_examples", train.size());
      metrics.put("test_examples", test.size());
      metrics.put("test_elbo", testElbo);
      metrics.put("test_log_likelihood", testLogLikelihood);
      metrics.put("test_log_likelihood_k", k);
      for (int c = 0; c < prior.count(); c++) {
        metrics.put("component_" + c + "_weight", prior.weight(c));
        metrics.put("component_" + c + "_test_share", testShares[c]);
      }
      metrics.put("unused_components", unused.toString());
      metrics.put("training_seconds", summary.took().toMillis() / 1e3);
      metrics.put("total_seconds", (System.nanoTime() - start) / 1e9);
      summary.lastCheckpoint().ifPresent(p -> metrics.put("checkpoint", p.toString()));
    }
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    out.println("wrote " + output.resolve("components.png") + ", component-K.png for each component, "
        + output.resolve("training-curves.png") + " and " + output.resolve("metrics.json"));
    return ExitCodes.OK;
  }
}
