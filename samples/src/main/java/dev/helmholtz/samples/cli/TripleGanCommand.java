package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.game.TripleGan;
import dev.helmholtz.samples.game.TripleGanModel;
import dev.helmholtz.samples.ssvae.SemiSupervisedData;
import dev.helmholtz.train.StopReason;
import dev.helmholtz.train.StopRequest;
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

/** Triple-GAN (Li et al. 2017) for semi-supervised MNIST with a few labels. */
@Command(
    name = "triple-gan",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Trains Triple-GAN (Li et al. 2017: a classifier p_c(y | x), a conditional generator G(z, y) and a"
        + " discriminator of (x, y) pairs) on MNIST with --labels labelled training images (the same number per"
        + " digit, chosen by --seed, as ssvae picks them) and the rest unlabelled; prints the classifier's test"
        + " error next to the paper's (0.91%%, 100 labels), M2's (Kingma et al. 2014: 11.97%%) and Helmholtz's own"
        + " M2 run (ssvae with its defaults, 24 epochs: 20.12%%); writes digits.png (one row per class 0..9) and metrics.json."
        + " Checkpoints go to OUTPUT/checkpoints; SIGINT or SIGTERM finishes the step, writes a checkpoint and"
        + " exits with 130, and --resume continues from it.",
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILED, ExitCodes.HELP_BAD_INPUT,
        ExitCodes.HELP_INTERRUPTED})
public final class TripleGanCommand implements Callable<Integer> {
  /** Li et al. (2017), Table 1: Triple-GAN on MNIST with 100 labels, test error in percent. */
  static final double PUBLISHED_ERROR = 0.91;
  /**
   * Helmholtz's own M2 (ssvae --epochs 24 with its defaults, Kingma et al.'s classification weight, seed 1;
   * docs/adversarial.md).
   */
  static final double HELMHOLTZ_M2_ERROR = 20.12;

  @Option(names = "--epochs", defaultValue = "5", description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--labels", defaultValue = "100",
      description = "Labelled training images, the same number per digit (default: ${DEFAULT-VALUE}).")
  int labels;

  @Option(names = "--label-share", defaultValue = "0.1", paramLabel = "SHARE",
      description = "The labelled images are repeated to make up about this share of the training rows (default: ${DEFAULT-VALUE}).")
  double labelShare;

  @Option(names = "--per-class", defaultValue = "10", description = "Digits drawn per class for digits.png (default: ${DEFAULT-VALUE}).")
  int perClass;

  @Mixin
  TrainingOptions trainingOptions;

  @Option(names = "--output", defaultValue = "out/triple-gan", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin
  MnistDataOptions mnistFiles;

  @Mixin
  CheckpointOptions checkpointOptions;

  @Override
  public Integer call() throws IOException {
    if (perClass < 1) {
      throw new IllegalArgumentException("--per-class must be at least 1, was " + perClass);
    }
    Training training = trainingOptions.apply(Training.epochs(epochs), System.out);
    training = checkpointOptions.apply(training, output);
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return train(System.out, training);
    }
  }

  private static float[][] rows(Dataset data, String column) {
    int width = data.width(column);
    float[] flat = data.flat(column);
    float[][] out = new float[data.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = java.util.Arrays.copyOfRange(flat, i * width, (i + 1) * width);
    }
    return out;
  }

  private int train(PrintStream out, Training training) throws IOException {
    Mnist mnist = mnistFiles.load();
    Mnist.Split trainSplit = mnistFiles.train(mnist);
    Mnist.Split testSplit = mnistFiles.test(mnist);
    SemiSupervisedData semi = SemiSupervisedData.of(trainSplit, labels, labelShare, trainingOptions.seed);
    // Pixels in [-1, 1], the generator's tanh range, for all three players.
    Dataset train = Dataset.of("x", MnistGanExperiment.toSymmetric(rows(semi.train(), "x")))
        .with("y", rows(semi.train(), "y"));
    Dataset test = Dataset.of("x", MnistGanExperiment.toSymmetric(testSplit.images()));
    out.printf(Locale.ROOT, "MNIST: %d training images, %d of them labelled (each repeated %d times: %d rows),"
        + " %d test images%n", trainSplit.size(), labels, semi.repeats(), train.size(), test.size());
    Map<String, Object> metrics = new LinkedHashMap<>();
    try (TripleGanModel model = TripleGanModel.create(new TripleGan(), Seed.of(trainingOptions.seed),
        trainingOptions.threadSettings())) {
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
      double testError = SsvaeCommand.errorPercent(model.classify(test), testSplit.labels());
      out.printf(Locale.ROOT, "test error  %6.2f %%  (Triple-GAN, Li et al. 2017, 100 labels: %.2f %%;"
          + " M2, Kingma et al. 2014: %.2f %%; Helmholtz's M2, ssvae 24 epochs: %.2f %%)%n",
          testError, PUBLISHED_ERROR, SsvaeCommand.PUBLISHED_ERROR, HELMHOLTZ_M2_ERROR);
      out.printf(Locale.ROOT, "trained %d epochs (%d steps) in %.1f s%n", summary.epochs(), model.stepsTaken(),
          summary.took().toMillis() / 1e3);
      float[][] oneHot = new float[Mnist.CLASSES * perClass][Mnist.CLASSES];
      for (int i = 0; i < oneHot.length; i++) {
        oneHot[i][i / perClass] = 1;
      }
      ImageGrid.writePng(output.resolve("digits.png"),
          MnistGanExperiment.toPixels(model.generate("x", Dataset.of("y", oneHot))),
          Mnist.SIDE, Mnist.SIDE, perClass);
      metrics.put("model", "TripleGan: G (100+10)-500-500-784 (tanh; pixels in [-1, 1]), D (784+10)-500-250-1, C 784-500-500-10;"
          + " alpha 0.5, supervised weight 1, pseudo-discriminative weight 0.1");
      metrics.put("epochs", summary.epochs());
      metrics.put("steps", model.stepsTaken());
      metrics.put("batch_size", trainingOptions.batchSize);
      metrics.put("learning_rate", trainingOptions.learningRate);
      metrics.put("seed", trainingOptions.seed);
      metrics.put("labels", labels);
      metrics.put("label_repeats", semi.repeats());
      metrics.put("train_rows", train.size());
      metrics.put("test_examples", test.size());
      metrics.put("test_error_percent", testError);
      metrics.put("published_test_error_percent", PUBLISHED_ERROR);
      metrics.put("m2_published_test_error_percent", SsvaeCommand.PUBLISHED_ERROR);
      metrics.put("m2_helmholtz_test_error_percent", HELMHOLTZ_M2_ERROR);
      metrics.put("training_seconds", summary.took().toMillis() / 1e3);
      summary.lastCheckpoint().ifPresent(p -> metrics.put("checkpoint", p.toString()));
    }
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    out.println("wrote " + output.resolve("digits.png") + " (one row per class) and " + output.resolve("metrics.json"));
    return ExitCodes.OK;
  }
}
