package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.ssvae.SemiSupervisedData;
import dev.helmholtz.samples.ssvae.SemiSupervisedVae;
import dev.helmholtz.samples.ssvae.SemiSupervisedVaeModel;
import dev.helmholtz.variational.VariationalModel;
import dev.helmholtz.train.ScalarSchedule;
import dev.helmholtz.train.StopReason;
import dev.helmholtz.train.StopRequest;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The semi-supervised VAE (Kingma et al. 2014, M2) on MNIST with a few labels; {@link
 * SsvaeAdaptiveIsCommand} trains the same model by adaptive importance sampling.
 */
@Command(
    name = "ssvae",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Trains the semi-supervised VAE M2 of Kingma et al. (2014) on dynamically binarized"
        + " MNIST with --labels labelled training images (the same number per digit, chosen by"
        + " --seed) and the rest unlabelled, the label summed out by enumeration where it is not"
        + " observed; writes digits.png (one row per class 0..9), training-curves.png and"
        + " metrics.json, and prints the test error of the classifier q(y | x) next to Kingma et"
        + " al.'s (M2, 100 labels: 11.97%% +- 1.71) and the test ELBO with the label summed out."
        + " Checkpoints go to OUTPUT/checkpoints; SIGINT or SIGTERM finishes the step, writes a"
        + " checkpoint and exits with 130, and --resume continues from it.",
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILED, ExitCodes.HELP_BAD_INPUT,
        ExitCodes.HELP_INTERRUPTED})
public class SsvaeCommand implements Callable<Integer> {
  /** Kingma et al. (2014), Table 1: M2 with 100 labels, test error in percent and its deviation. */
  static final double PUBLISHED_ERROR = 11.97;
  static final double PUBLISHED_DEVIATION = 1.71;

  @Option(names = "--epochs", defaultValue = "10", description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--labels", defaultValue = "100",
      description = "Labelled training images, the same number per digit (default: ${DEFAULT-VALUE}).")
  int labels;

  @Option(names = "--label-share", defaultValue = "0.1", paramLabel = "SHARE",
      description = "The labelled images are repeated to make up about this share of the training rows,"
          + " so that every batch holds some (default: ${DEFAULT-VALUE}).")
  double labelShare;

  @Option(names = "--alpha", defaultValue = "0.1",
      description = "Kingma et al.'s classification weight alpha: the labelled rows' log q(y | x) weighs alpha"
          + " times the training rows in all, alpha N / N_l on each labelled row, copies counted"
          + " (default: ${DEFAULT-VALUE}).")
  double alpha;

  @Mixin
  TrainingOptions trainingOptions;

  @Option(names = "--per-class", defaultValue = "10", description = "Digits drawn per class for digits.png (default: ${DEFAULT-VALUE}).")
  int perClass;

  @Option(names = "--output", description = "Output directory, created if absent (default: out/ and the command's name).")
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
    if (perClass < 1) {
      throw new IllegalArgumentException("--per-class must be at least 1, was " + perClass);
    }
    checkAlpha(alpha);
    if (output == null) {
      output = Path.of("out", name());
    }
    // Configuration errors surface before loading and training.
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
    SemiSupervisedData semi = SemiSupervisedData.of(trainSplit, labels, labelShare, trainingOptions.seed);
    Dataset train = semi.train().dynamicallyBinarized("x");
    Dataset test = testSplit.dataset("x").binarized("x", trainingOptions.seed);
    out.printf(Locale.ROOT, "MNIST: %d training images, %d of them labelled (%d per digit, each repeated %d"
            + " times: %d training rows), %d test images%n", trainSplit.size(), labels, labels / Mnist.CLASSES,
        semi.repeats(), train.size(), test.size());
    // Kingma et al.'s weight per labelled row, the copies counted: the model's 60 counts each label once.
    double classificationWeight = semi.classificationWeight(alpha);
    training = training.schedule(VariationalModel.CLASSIFICATION_WEIGHT, ScalarSchedule.constant(classificationWeight));
    out.printf(Locale.ROOT, "classification weight %.4f per labelled row (alpha %s: alpha * %d rows / %d labelled rows)%n",
        classificationWeight, alpha, train.size(), semi.repeats() * labels);

    Map<String, Object> metrics = new LinkedHashMap<>();
    try (VariationalModel model = createModel(Seed.of(trainingOptions.seed), trainingOptions.threadSettings())) {
      StopRequest stop = new StopRequest();
      TrainingSummary summary;
      // The handlers are a scope: SIGINT and SIGTERM request a stop while the fit runs.
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

      long evalStart = System.nanoTime();
      double testError = errorPercent(model.classify(test), testSplit.labels());
      double trainLabelledError = errorPercent(model.classify(Dataset.of("x", select(trainSplit.images(), semi.labelled()))),
          select(trainSplit.labels(), semi.labelled()));
      double testElbo = model.elbo(test, training.progress());
      double evalSeconds = (System.nanoTime() - evalStart) / 1e9;

      int[] classes = new int[Mnist.CLASSES * perClass];
      for (int i = 0; i < classes.length; i++) {
        classes[i] = i / perClass;
      }
      ImageGrid.writePng(output.resolve("digits.png"), model.generateClasses(classes).get("x"), Mnist.SIDE, Mnist.SIDE, perClass);

      out.printf(Locale.ROOT, "test error            %6.2f %%   (Kingma et al. 2014, M2, 100 labels: %.2f %% +- %.2f)%n",
          testError, PUBLISHED_ERROR, PUBLISHED_DEVIATION);
      out.printf(Locale.ROOT, "labelled train error  %6.2f %%   (on the %d labelled training images)%n",
          trainLabelledError, labels);
      out.printf(Locale.ROOT, "test ELBO             %9.2f nats (unlabelled: y summed out by enumeration)%n", testElbo);
      metrics.put("objective", objective());
      if (summary.trainedNothing()) {
        out.println(VaeCommand.nothingTrained(summary, model.stepsTaken()));
      } else {
        out.printf(Locale.ROOT, "trained %d epochs (%d steps) in %.1f s, %.0f examples/s%n",
            summary.epochs(), model.stepsTaken(), summary.took().toMillis() / 1e3, summary.examplesPerSecond());
      }

      metrics.put("model", "SemiSupervisedVae (Kingma et al. 2014 M2): 784-500-10, (784+10)-500-50,"
          + " (10+50)-500-784, softplus");
      metrics.put("alpha", alpha);
      metrics.put("classification_weight_per_labelled_row", classificationWeight);
      metrics.put("epochs", summary.epochs());
      metrics.put("steps", model.stepsTaken());
      metrics.put("stop_reason", summary.stopReason().name().toLowerCase(Locale.ROOT));
      MetricsFile.putSettingsChanged(metrics, summary);
      metrics.put("batch_size", trainingOptions.batchSize);
      metrics.put("learning_rate", trainingOptions.learningRate);
      metrics.put("seed", trainingOptions.seed);
      metrics.put("labels", labels);
      metrics.put("label_repeats", semi.repeats());
      metrics.put("train_rows", train.size());
      metrics.put("test_examples", test.size());
      metrics.put("test_error_percent", testError);
      metrics.put("published_test_error_percent", PUBLISHED_ERROR);
      metrics.put("published_test_error_deviation", PUBLISHED_DEVIATION);
      metrics.put("labelled_train_error_percent", trainLabelledError);
      metrics.put("test_elbo", testElbo);
      metrics.put("training_seconds", summary.took().toMillis() / 1e3);
      metrics.put("examples_per_second", summary.examplesPerSecond());
      metrics.put("evaluation_seconds", evalSeconds);
      metrics.put("total_seconds", (System.nanoTime() - start) / 1e9);
      summary.lastCheckpoint().ifPresent(p -> metrics.put("checkpoint", p.toString()));
    }
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    out.println("wrote " + output.resolve("digits.png") + " (one row per class), "
        + output.resolve("training-curves.png") + " and " + output.resolve("metrics.json"));
    return ExitCodes.OK;
  }

  /** The command's name: its default output folder. */
  String name() {
    return "ssvae";
  }

  /** How the model trains, for metrics.json. */
  String objective() {
    return "ELBO, y summed out by enumeration where unlabelled";
  }

  /** The model this command trains. */
  VariationalModel createModel(Seed seed, ThreadSettings threads) {
    return SemiSupervisedVaeModel.create(new SemiSupervisedVae(), seed, threads);
  }

  /** Refuses an alpha that is negative or not finite. */
  static void checkAlpha(double alpha) {
    if (!(alpha >= 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("--alpha must be finite and at least 0, was " + alpha);
    }
  }

  /** The share of {@code predicted} that differs from {@code labels}, in percent. */
  static double errorPercent(int[] predicted, int[] labels) {
    int wrong = 0;
    for (int i = 0; i < predicted.length; i++) {
      if (predicted[i] != labels[i]) {
        wrong++;
      }
    }
    return 100.0 * wrong / predicted.length;
  }

  private static float[][] select(float[][] rows, int[] indices) {
    float[][] out = new float[indices.length][];
    for (int i = 0; i < indices.length; i++) {
      out[i] = rows[indices[i]];
    }
    return out;
  }

  private static int[] select(int[] values, int[] indices) {
    int[] out = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      out[i] = values[indices[i]];
    }
    return out;
  }
}
