package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.mmd.MnistMmd;
import dev.helmholtz.samples.mmd.MnistMmdModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains the generative moment matching network on MNIST, writing a grid of samples after every epoch. */
@Command(
    name = "mmd",
    mixinStandardHelpOptions = true,
    description = "Trains a moment-matching generator (Li et al. 2015: 10-64-256-256-1024-784, MMD^2 under"
        + " Gaussian kernels of bandwidths 2 to 80, no discriminator) on MNIST's pixels in [0, 1], writes"
        + " samples-epoch-NNN.png (8 x 8 samples) after each epoch and metrics.json; with --quality also the"
        + " Frechet distance on a small classifier's features and the generated class histogram.")
public final class MmdCommand implements Callable<Integer> {
  @Option(names = "--epochs", defaultValue = "5", description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "500", description = "Minibatch size: the two-sample"
      + " statistic's sample size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--output", defaultValue = "out/mmd", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
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
    if (batchSize < 2) {
      throw new IllegalArgumentException("--batch-size must be at least 2 (a two-sample statistic), was " + batchSize);
    }
    // Refused at once if another run holds --output, before loading and building.
    try (OutputLock lock = MnistGanExperiment.claim(output, epochs, batchSize, learningRate, quality, export)) {
      Mnist data = mnist.load();
      Dataset train = Dataset.of("x", mnist.train(data).images());
      System.out.printf(Locale.ROOT, "MNIST: %d training images%n", train.size());
      try (MnistMmdModel mmd = MnistMmdModel.create(new MnistMmd(), Seed.of(mnist.seed), mnist.threadSettings())) {
        // The generator's pixels are already in [0, 1]: sampled as they are.
        return MnistGanExperiment.run(mmd, train, epochs, batchSize, learningRate, mnist.seed, output, quality, mnist,
            data, file -> ImageGrid.writePng(file, mmd.sample(64), 28, 28, 8), mmd::sample,
            false, MnistGanExperiment.metrics("MnistMmd, moment matching"), export, checkpoints, System.out);
      }
    }
  }
}
