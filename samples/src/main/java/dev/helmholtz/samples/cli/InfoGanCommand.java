package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.infogan.InfoGan;
import dev.helmholtz.samples.infogan.InfoGanModel;
import dev.helmholtz.samples.quality.MnistClassifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains InfoGAN on MNIST and reports how well its categorical code found the digit classes. */
@Command(
    name = "infogan",
    mixinStandardHelpOptions = true,
    description = "Trains InfoGAN (62 noise dimensions, a 10-class categorical code c and a 2-D continuous code s,"
        + " Q heads on the discriminator's body) on MNIST scaled to [-1, 1]; writes samples-epoch-NNN.png (one row"
        + " per value of c) after each epoch, then code-c.png, code-s1.png and code-s2.png (rows: c; columns: s_i"
        + " from -2 to 2), the information bounds, and the categorical code's agreement with a classifier's digit"
        + " labels after the best one-to-one matching of codes to digits (codes.json, metrics.json).")
public final class InfoGanCommand implements Callable<Integer> {
  private static final int CLASSES = 10;

  @Option(names = "--epochs", defaultValue = "5", description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "64", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "2e-4", description = "Both players' Adam learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--per-code", defaultValue = "200", description = "Digits drawn per value of c to measure the agreement (default: ${DEFAULT-VALUE}).")
  int perCode;

  @Option(names = "--output", defaultValue = "out/infogan", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
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
    if (perCode < 1) {
      throw new IllegalArgumentException("--per-code must be at least 1, was " + perCode);
    }
    // Refused at once if another run holds --output, before loading and building.
    try (OutputLock lock = MnistGanExperiment.claim(output, epochs, batchSize, learningRate, quality, export)) {
      Mnist data = mnist.load();
      Dataset train = Dataset.of("x", MnistGanExperiment.toSymmetric(mnist.train(data).images()));
      System.out.printf(Locale.ROOT, "MNIST: %d training images%n", train.size());
      try (InfoGanModel gan = InfoGanModel.create(new InfoGan(), Seed.of(mnist.seed), mnist.threadSettings())) {
        int code = MnistGanExperiment.run(gan, train, epochs, batchSize, learningRate, mnist.seed, output, quality,
            mnist, data, file -> ImageGrid.writePng(file, MnistGanExperiment.toPixels(
                gan.generateFrom(Map.of("c", codes(CLASSES, CLASSES))).get("x")), 28, 28, CLASSES),
            n -> MnistGanExperiment.toPixels(gan.sample(n)), false,
            MnistGanExperiment.metrics("InfoGan, non-saturating loss with information bounds"), export, checkpoints,
            System.out);
        if (code != 0) {
          return code;
        }
        return evaluate(gan, data);
      }
    }
  }

  private int evaluate(InfoGanModel gan, Mnist data) throws IOException {
    Map<String, Double> bounds = gan.informationBounds(2000);
    System.out.printf(Locale.ROOT, "information bounds (nats): I(c; x) >= %.3f of H(c) = log 10 = %.3f;"
        + " I(s; x) >= %.3f%n", bounds.get("c"), Math.log(CLASSES), bounds.get("s"));
    int[][] counts = new int[CLASSES][CLASSES];
    try (MnistClassifier classifier = MnistClassifier.loadOrTrain(quality.classifier, data.train(),
        mnist.threadSettings(), System.out)) {
      for (int k = 0; k < CLASSES; k++) {
        float[][] oneHot = new float[perCode][CLASSES];
        for (float[] row : oneHot) {
          row[k] = 1;
        }
        float[][] digits = MnistGanExperiment.toPixels(gan.generateFrom(Map.of("c", oneHot)).get("x"));
        for (int digit : classifier.classify(digits)) {
          counts[k][digit]++;
        }
      }
    }
    int[] match = bestMatching(counts);
    int agreeing = 0;
    for (int k = 0; k < CLASSES; k++) {
      agreeing += counts[k][match[k]];
    }
    double agreement = agreeing / (double) (CLASSES * perCode);
    System.out.printf(Locale.ROOT, "categorical code vs digit labels after matching: %.4f (chance 0.1);"
        + " code -> digit %s%n", agreement, Arrays.toString(match));
    writeCodeGrids(gan);
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("information_bound_c", bounds.get("c"));
    metrics.put("entropy_c", Math.log(CLASSES));
    metrics.put("information_bound_s", bounds.get("s"));
    metrics.put("label_agreement_after_matching", agreement);
    metrics.put("digits_per_code", perCode);
    metrics.put("code_to_digit", Arrays.toString(match));
    metrics.put("code_digit_counts", Arrays.deepToString(counts));
    MetricsFile.write(output.resolve("codes.json"), metrics);
    System.out.println("wrote code-c.png, code-s1.png, code-s2.png and " + output.resolve("codes.json"));
    return 0;
  }

  /**
   * The one-to-one assignment of codes to digits that agrees most often ({@code counts[code][digit]}
   * digits of a code classified as a digit): exact, by dynamic programming over the set of digits
   * taken, code by code.
   */
  static int[] bestMatching(int[][] counts) {
    int n = counts.length;
    int[] best = new int[1 << n];
    int[] choice = new int[1 << n];
    Arrays.fill(best, -1);
    best[0] = 0;
    for (int mask = 0; mask < 1 << n; mask++) {
      if (best[mask] < 0) {
        continue;
      }
      int code = Integer.bitCount(mask);
      if (code == n) {
        continue;
      }
      for (int digit = 0; digit < n; digit++) {
        int next = mask | 1 << digit;
        if ((mask & 1 << digit) == 0 && best[mask] + counts[code][digit] > best[next]) {
          best[next] = best[mask] + counts[code][digit];
          choice[next] = digit;
        }
      }
    }
    int[] match = new int[n];
    for (int mask = (1 << n) - 1, code = n - 1; code >= 0; code--) {
      match[code] = choice[mask];
      mask &= ~(1 << choice[mask]);
    }
    return match;
  }

  /** One PNG per code: rows are the values of c; columns vary z (code-c) or s_i from -2 to 2 with z fixed per row. */
  private void writeCodeGrids(InfoGanModel gan) throws IOException {
    ImageGrid.writePng(output.resolve("code-c.png"), MnistGanExperiment.toPixels(
        gan.generateFrom(Map.of("c", codes(CLASSES, CLASSES))).get("x")), 28, 28, CLASSES);
    Random random = new Random(mnist.seed);
    float[][] rowNoise = new float[CLASSES][62];
    for (float[] row : rowNoise) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) random.nextGaussian();
      }
    }
    for (int axis = 0; axis < 2; axis++) {
      int columns = 9;
      float[][] z = new float[CLASSES * columns][];
      float[][] s = new float[CLASSES * columns][2];
      for (int i = 0; i < z.length; i++) {
        z[i] = rowNoise[i / columns];
        s[i][axis] = -2f + 4f * (i % columns) / (columns - 1);
      }
      Map<String, float[][]> given = new LinkedHashMap<>();
      given.put("z", z);
      given.put("c", codes(CLASSES, columns));
      given.put("s", s);
      ImageGrid.writePng(output.resolve("code-s" + (axis + 1) + ".png"),
          MnistGanExperiment.toPixels(gan.generateFrom(given).get("x")), 28, 28, columns);
    }
  }

  /** One-hot codes, row-major: {@code perValue} rows of value 0, then of value 1, ... */
  private static float[][] codes(int classes, int perValue) {
    float[][] out = new float[classes * perValue][classes];
    for (int i = 0; i < out.length; i++) {
      out[i][i / perValue] = 1;
    }
    return out;
  }
}
