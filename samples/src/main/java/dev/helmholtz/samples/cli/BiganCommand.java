package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.bigan.MnistBigan;
import dev.helmholtz.samples.bigan.MnistBiganModel;
import dev.helmholtz.samples.quality.LinearProbe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains BiGAN on MNIST; reports its reconstructions' error and a linear probe of its encoder's features. */
@Command(
    name = "bigan",
    mixinStandardHelpOptions = true,
    description = "Trains BiGAN (a generator of 50 noise dimensions, a deterministic encoder back to them, and a"
        + " discriminator of (x, z) pairs) on MNIST scaled to [-1, 1]; writes samples-epoch-NNN.png after each epoch,"
        + " then reconstructions.png (each test digit beside G(E(x))), the reconstructions' mean squared error per"
        + " pixel on the test images, and the test accuracy of a linear probe (logistic regression) trained on the"
        + " encoder's features of --probe-train training images, beside the same probe on an untrained encoder's"
        + " features and on raw pixels (encoder.json, metrics.json).")
public final class BiganCommand implements Callable<Integer> {
  @Option(names = "--epochs", defaultValue = "5", description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "64", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "2e-4", description = "Both players' Adam learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--probe-train", defaultValue = "10000", description = "Training images the linear probe learns from (default: ${DEFAULT-VALUE}).")
  int probeTrain;

  @Option(names = "--probe-epochs", defaultValue = "10", description = "The linear probe's SGD epochs (default: ${DEFAULT-VALUE}).")
  int probeEpochs;

  @Option(names = "--output", defaultValue = "out/bigan", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
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
    if (probeTrain < 10 || probeEpochs < 1) {
      throw new IllegalArgumentException("--probe-train must be at least 10 and --probe-epochs at least 1, were "
          + probeTrain + " and " + probeEpochs);
    }
    try (OutputLock lock = MnistGanExperiment.claim(output, epochs, batchSize, learningRate, quality, export)) {
      Mnist data = mnist.load();
      Dataset train = Dataset.of("x", MnistGanExperiment.toSymmetric(mnist.train(data).images()));
      System.out.printf(Locale.ROOT, "MNIST: %d training images%n", train.size());
      try (MnistBiganModel gan = MnistBiganModel.create(new MnistBigan(), Seed.of(mnist.seed), mnist.threadSettings())) {
        int code = MnistGanExperiment.run(gan, train, epochs, batchSize, learningRate, mnist.seed, output, quality,
            mnist, data, file -> ImageGrid.writePng(file, MnistGanExperiment.toPixels(gan.sample(64)), 28, 28, 8),
            n -> MnistGanExperiment.toPixels(gan.sample(n)), false,
            MnistGanExperiment.metrics("MnistBigan, non-saturating loss, generator and encoder one player"), export,
            checkpoints, System.out);
        if (code != 0) {
          return code;
        }
        return evaluate(gan, data);
      }
    }
  }

  private int evaluate(MnistBiganModel gan, Mnist data) throws IOException {
    Mnist.Split test = mnist.test(data);
    Mnist.Split train = mnist.train(data);
    float[][] reconstructed = MnistGanExperiment.toPixels(gan.reconstruct(MnistGanExperiment.toSymmetric(test.images())));
    double error = meanSquaredError(test.images(), reconstructed);
    double meanImageError = meanSquaredError(test.images(), meanImage(train.images(), test.size()));
    System.out.printf(Locale.ROOT, "reconstruction G(E(x)) on %d test images: mean squared error per pixel %.4f"
        + " (the mean training image: %.4f)%n", test.size(), error, meanImageError);
    ImageGrid.writePairs(output.resolve("reconstructions.png"), Arrays.copyOf(test.images(), 40),
        Arrays.copyOf(reconstructed, 40), 28, 28, 5);

    int n = Math.min(probeTrain, train.size());
    float[][] probeImages = Arrays.copyOf(train.images(), n);
    int[] probeLabels = Arrays.copyOf(train.labels(), n);
    double encoder = probe(gan.encode(MnistGanExperiment.toSymmetric(probeImages)), probeLabels,
        gan.encode(MnistGanExperiment.toSymmetric(test.images())), test.labels());
    double untrained;
    try (MnistBiganModel fresh = MnistBiganModel.create(new MnistBigan(), Seed.of(mnist.seed), mnist.threadSettings())) {
      untrained = probe(fresh.encode(MnistGanExperiment.toSymmetric(probeImages)), probeLabels,
          fresh.encode(MnistGanExperiment.toSymmetric(test.images())), test.labels());
    }
    double pixels = probe(probeImages, probeLabels, test.images(), test.labels());
    System.out.printf(Locale.ROOT, "linear probe test accuracy (trained on %d images, %d epochs): encoder features"
        + " %.4f, untrained encoder's %.4f, raw pixels %.4f%n", n, probeEpochs, encoder, untrained, pixels);
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("test_images", test.size());
    metrics.put("reconstruction_mse_per_pixel", error);
    metrics.put("mean_image_mse_per_pixel", meanImageError);
    metrics.put("probe_train_images", n);
    metrics.put("probe_epochs", probeEpochs);
    metrics.put("probe_accuracy_encoder", encoder);
    metrics.put("probe_accuracy_untrained_encoder", untrained);
    metrics.put("probe_accuracy_raw_pixels", pixels);
    MetricsFile.write(output.resolve("encoder.json"), metrics);
    System.out.println("wrote reconstructions.png and " + output.resolve("encoder.json"));
    return 0;
  }

  private double probe(float[][] trainFeatures, int[] trainLabels, float[][] testFeatures, int[] testLabels) {
    return LinearProbe.train(trainFeatures, trainLabels, 10, probeEpochs, 0.1, mnist.seed)
        .accuracy(testFeatures, testLabels);
  }

  /** The mean over rows and pixels of the squared difference, pixels in [0, 1]. */
  static double meanSquaredError(float[][] a, float[][] b) {
    double sum = 0;
    long count = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        double d = a[i][j] - b[i][j];
        sum += d * d;
      }
      count += a[i].length;
    }
    return sum / count;
  }

  /** {@code rows} copies of the mean of {@code images}: the reconstruction that ignores its input. */
  static float[][] meanImage(float[][] images, int rows) {
    float[] mean = new float[images[0].length];
    for (float[] image : images) {
      for (int j = 0; j < mean.length; j++) {
        mean[j] += image[j] / images.length;
      }
    }
    float[][] out = new float[rows][];
    Arrays.fill(out, mean);
    return out;
  }
}
