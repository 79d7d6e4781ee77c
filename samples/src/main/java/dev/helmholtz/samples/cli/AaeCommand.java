package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.aae.MnistAae;
import dev.helmholtz.samples.aae.MnistAaeModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains an adversarial autoencoder on MNIST; reports reconstructions and how well q(z) matches the prior. */
@Command(
    name = "aae",
    mixinStandardHelpOptions = true,
    description = "Trains an adversarial autoencoder (a Gaussian q(z | x) over 8 dimensions, a Bernoulli decoder, a"
        + " discriminator of z telling prior draws from the encoder's) on MNIST; each minibatch takes a reconstruction"
        + " phase, then a regularization phase. Writes samples-epoch-NNN.png (decoded prior draws) after each epoch,"
        + " then reconstructions.png, the reconstructions' mean squared error per pixel on the test images,"
        + " aggregate-posterior.png (the first two dimensions of q(z) draws for the test images beside prior draws),"
        + " q(z)'s moments against the prior's, and the discriminator on the test images' encodings: the game's value"
        + " (-log 4 when it cannot tell) and the share it takes for prior draws (latent.json, metrics.json).")
public final class AaeCommand implements Callable<Integer> {
  private static final double LOG4 = Math.log(4);

  @Option(names = "--epochs", defaultValue = "5", description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "100", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "5e-4", description = "The three optimizers' Adam learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--output", defaultValue = "out/aae", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
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
    try (OutputLock lock = MnistGanExperiment.claim(output, epochs, batchSize, learningRate, quality, export)) {
      Mnist data = mnist.load();
      Dataset train = Dataset.of("x", mnist.train(data).images());
      System.out.printf(Locale.ROOT, "MNIST: %d training images%n", train.size());
      try (MnistAaeModel aae = MnistAaeModel.create(new MnistAae(), Seed.of(mnist.seed), mnist.threadSettings())) {
        int code = MnistGanExperiment.run(aae, train, epochs, batchSize, learningRate, mnist.seed, output, quality,
            mnist, data, file -> ImageGrid.writePng(file, aae.sample(100), 28, 28, 10), aae::sample, false,
            MnistGanExperiment.metrics("MnistAae, reconstruction then non-saturating regularization"), export,
            checkpoints, System.out);
        if (code != 0) {
          return code;
        }
        return evaluate(aae, data);
      }
    }
  }

  private int evaluate(MnistAaeModel aae, Mnist data) throws IOException {
    Mnist.Split test = mnist.test(data);
    float[][] reconstructed = aae.reconstruct(test.images());
    double error = BiganCommand.meanSquaredError(test.images(), reconstructed);
    double meanImageError = BiganCommand.meanSquaredError(test.images(),
        BiganCommand.meanImage(mnist.train(data).images(), test.size()));
    System.out.printf(Locale.ROOT, "reconstruction on %d test images: mean squared error per pixel %.4f (the mean"
        + " training image: %.4f); last training reconstruction loss %.2f nats%n", test.size(), error,
        meanImageError, aae.lastReconstructionLoss());
    ImageGrid.writePairs(output.resolve("reconstructions.png"), Arrays.copyOf(test.images(), 40),
        Arrays.copyOf(reconstructed, 40), 28, 28, 5);

    float[][] posterior = aae.encodeSample(Dataset.of("x", test.images()));
    float[][] prior = priorDraws(posterior.length, posterior[0].length, mnist.seed);
    Moments q = Moments.of(posterior);
    Moments p = Moments.of(prior);
    System.out.println("q(z) over the test images: " + q.describe());
    System.out.println("as many prior draws:       " + p.describe());
    double value = aae.gameValue(Dataset.of("x", test.images()));
    float[] logits = aae.discriminate(test.images());
    long fooled = 0;
    for (float logit : logits) {
      fooled += logit > 0 ? 1 : 0;
    }
    double fooledShare = fooled / (double) logits.length;
    System.out.printf(Locale.ROOT, "discriminator on the test encodings: game value %.4f (-log 4 = %.4f when it"
        + " cannot tell); %.4f of the encodings taken for prior draws (0.5 at the game's equilibrium)%n", value,
        -LOG4, fooledShare);
    writeScatter(output.resolve("aggregate-posterior.png"), posterior, prior, 2000);

    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("test_images", test.size());
    metrics.put("reconstruction_mse_per_pixel", error);
    metrics.put("mean_image_mse_per_pixel", meanImageError);
    metrics.put("last_training_reconstruction_nats", aae.lastReconstructionLoss());
    q.put(metrics, "posterior");
    p.put(metrics, "prior_draws");
    metrics.put("game_value_test", value);
    metrics.put("game_value_equilibrium", -LOG4);
    metrics.put("encodings_taken_for_prior", fooledShare);
    MetricsFile.write(output.resolve("latent.json"), metrics);
    System.out.println("wrote reconstructions.png, aggregate-posterior.png and " + output.resolve("latent.json"));
    return 0;
  }

  private static float[][] priorDraws(int n, int width, long seed) {
    Random random = new Random(seed);
    float[][] out = new float[n][width];
    for (float[] row : out) {
      for (int j = 0; j < width; j++) {
        row[j] = (float) random.nextGaussian();
      }
    }
    return out;
  }

  /**
   * A sample's per-dimension means and standard deviations, summarized: the largest |mean|, the
   * smallest and largest standard deviation, the largest |correlation| between two dimensions.
   */
  record Moments(double maxAbsMean, double minStd, double maxStd, double maxAbsCorrelation) {
    static Moments of(float[][] rows) {
      int d = rows[0].length;
      double[] mean = new double[d];
      for (float[] row : rows) {
        for (int j = 0; j < d; j++) {
          mean[j] += row[j] / (double) rows.length;
        }
      }
      double[][] cov = new double[d][d];
      for (float[] row : rows) {
        for (int i = 0; i < d; i++) {
          for (int j = 0; j < d; j++) {
            cov[i][j] += (row[i] - mean[i]) * (row[j] - mean[j]) / rows.length;
          }
        }
      }
      double maxMean = 0;
      double minStd = Double.POSITIVE_INFINITY;
      double maxStd = 0;
      double maxCorr = 0;
      for (int i = 0; i < d; i++) {
        maxMean = Math.max(maxMean, Math.abs(mean[i]));
        minStd = Math.min(minStd, Math.sqrt(cov[i][i]));
        maxStd = Math.max(maxStd, Math.sqrt(cov[i][i]));
        for (int j = 0; j < i; j++) {
          maxCorr = Math.max(maxCorr, Math.abs(cov[i][j] / Math.sqrt(cov[i][i] * cov[j][j])));
        }
      }
      return new Moments(maxMean, minStd, maxStd, maxCorr);
    }

    String describe() {
      return String.format(Locale.ROOT, "max |mean| %.3f, std from %.3f to %.3f, max |correlation| %.3f",
          maxAbsMean, minStd, maxStd, maxAbsCorrelation);
    }

    void put(Map<String, Object> metrics, String prefix) {
      metrics.put(prefix + "_max_abs_mean", maxAbsMean);
      metrics.put(prefix + "_min_std", minStd);
      metrics.put(prefix + "_max_std", maxStd);
      metrics.put(prefix + "_max_abs_correlation", maxAbsCorrelation);
    }
  }

  /** The first two dimensions of {@code n} posterior draws over as many prior draws. */
  private static void writeScatter(Path file, float[][] posterior, float[][] prior, int n) throws IOException {
    XYChart chart = new XYChartBuilder().width(640).height(640).title("q(z) (test images) against p(z) = N(0, I)")
        .xAxisTitle("z_1").yAxisTitle("z_2").build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setMarkerSize(3);
    addSeries(chart, "prior draws", prior, n);
    addSeries(chart, "q(z | x) draws", posterior, n);
    BitmapEncoder.saveBitmap(chart, file.toString().replaceFirst("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
  }

  private static void addSeries(XYChart chart, String name, float[][] rows, int n) {
    int m = Math.min(n, rows.length);
    double[] x = new double[m];
    double[] y = new double[m];
    for (int i = 0; i < m; i++) {
      x[i] = rows[i][0];
      y[i] = rows[i][1];
    }
    chart.addSeries(name, x, y);
  }
}
