package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.gan.MnistGan;
import dev.helmholtz.samples.gan.MnistGanModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains the sample GAN on MNIST, writing a grid of samples after every epoch. */
@Command(
    name = "gan",
    mixinStandardHelpOptions = true,
    description = "Trains a GAN (non-saturating loss; 64-256-512-784 tanh generator, 784-256-1 discriminator)"
        + " on MNIST scaled to [-1, 1], writes samples-epoch-NNN.png (8 x 8 samples) after each epoch and metrics.json;"
        + " with --quality also the Frechet distance on a small classifier's features and the"
        + " generated class histogram.")
public final class GanCommand implements Callable<Integer> {
  @Option(names = "--epochs", defaultValue = "5", description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "64", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "2e-4", description = "Both players' Adam learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--output", defaultValue = "out/gan", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin
  ExportOptions export;

  @Mixin
  CheckpointOptions checkpoints;

  @Mixin
  MnistOptions mnist;

  @Mixin
  GanQualityOptions quality;

  @Override
  public Integer call() throws IOException {
    // Refused at once if another run holds --output, before minutes of loading and building.
    try (OutputLock lock = MnistGanExperiment.claim(output, epochs, batchSize, learningRate, quality, export)) {
      Mnist data = mnist.load();
      Dataset train = Dataset.of("x", MnistGanExperiment.toSymmetric(mnist.train(data).images()));
      System.out.printf(Locale.ROOT, "MNIST: %d training images%n", train.size());
      try (MnistGanModel gan = MnistGanModel.create(new MnistGan(), Seed.of(mnist.seed), mnist.threadSettings())) {
        return MnistGanExperiment.run(gan, train, epochs, batchSize, learningRate, mnist.seed, output, quality, mnist, data,
            file -> ImageGrid.writePng(file, MnistGanExperiment.toPixels(gan.sample(64)), 28, 28, 8),
            n -> MnistGanExperiment.toPixels(gan.sample(n)),
            false, MnistGanExperiment.metrics("MnistGan, non-saturating loss"), export, checkpoints, System.out);
      }
    }
  }
}
