package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.gan.ConditionalMnistGan;
import dev.helmholtz.samples.gan.ConditionalMnistGanModel;
import dev.helmholtz.samples.quality.MnistClassifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains the sample conditional GAN on MNIST, writing one row of samples per digit after every epoch. */
@Command(
    name = "cgan",
    mixinStandardHelpOptions = true,
    description = "Trains a conditional GAN on MNIST digits and their one-hot labels, writes"
        + " samples-epoch-NNN.png (row d: ten samples of digit d) after each epoch and metrics.json;"
        + " with --quality also the Frechet distance and class histogram of samples drawn for"
        + " evenly spread labels.")
public final class ConditionalGanCommand implements Callable<Integer> {
  @Option(names = "--epochs", defaultValue = "5", description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "64", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "2e-4", description = "Both players' Adam learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--output", defaultValue = "out/cgan", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin
  ExportOptions export;

  @Mixin
  CheckpointOptions checkpoints;

  @Mixin
  MnistOptions mnist;

  @Mixin
  GanQualityOptions quality;

  /** Labels 0, 1, ..., 9, 0, 1, ... as one-hot rows. */
  static float[][] spreadLabels(int n) {
    int[] digits = new int[n];
    for (int i = 0; i < n; i++) {
      digits[i] = i % 10;
    }
    return MnistClassifier.oneHot(digits);
  }

  /** Row d of the grid holds ten samples of digit d. */
  static float[][] gridLabels() {
    int[] digits = new int[100];
    for (int i = 0; i < 100; i++) {
      digits[i] = i / 10;
    }
    return MnistClassifier.oneHot(digits);
  }

  @Override
  public Integer call() throws IOException {
    // Refused at once if another run holds --output, before minutes of loading and building.
    try (OutputLock lock = MnistGanExperiment.claim(output, epochs, batchSize, learningRate, quality, export)) {
      Mnist data = mnist.load();
      Mnist.Split split = mnist.train(data);
      Dataset train = Dataset.of("x", MnistGanExperiment.toSymmetric(split.images()))
          .with("y", MnistClassifier.oneHot(split.labels()));
      System.out.printf(Locale.ROOT, "MNIST: %d labelled training images%n", train.size());
      try (ConditionalMnistGanModel gan = ConditionalMnistGanModel.create(new ConditionalMnistGan(),
          Seed.of(mnist.seed), mnist.threadSettings())) {
        return MnistGanExperiment.run(gan, train, epochs, batchSize, learningRate, mnist.seed, output, quality, mnist, data,
            file -> ImageGrid.writePng(file, MnistGanExperiment.toPixels(gan.sample(gridLabels())), 28, 28, 10),
            n -> MnistGanExperiment.toPixels(gan.sample(spreadLabels(n))),
            true, MnistGanExperiment.metrics("ConditionalMnistGan, non-saturating loss"), export, checkpoints,
            System.out);
      }
    }
  }
}
