package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.game.CycleGan;
import dev.helmholtz.samples.game.CycleGanModel;
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
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** CycleGAN between MNIST digits and the same kind of digits transformed, the two domains unpaired. */
@Command(
    name = "cyclegan",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Trains CycleGAN (Zhu et al. 2017: two translations, two discriminators, cycle losses)"
        + " between two unpaired domains built from MNIST: the training images are shuffled"
        + " by --seed and split in two halves, the first kept as domain x, the second transformed (--transform)"
        + " as domain y, so no image is in both; reports the cycle reconstruction error |F(G(x)) - x| and"
        + " |G(F(y)) - y| on test images (split the same way) and writes translations.png (rows of x, G(x),"
        + " F(G(x)), then y, F(y), G(F(y))) and metrics.json. Checkpoints go to OUTPUT/checkpoints; SIGINT or"
        + " SIGTERM finishes the step, writes a checkpoint and exits with 130, and --resume continues from it.",
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILED, ExitCodes.HELP_BAD_INPUT,
        ExitCodes.HELP_INTERRUPTED})
public final class CycleGanCommand implements Callable<Integer> {
  /** How domain y is made from domain x's kind of image. */
  enum Transform { ROTATE, INVERT, THICKEN }

  @Option(names = "--epochs", defaultValue = "3", description = "Training epochs over domain x (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--transform", defaultValue = "ROTATE",
      description = "Domain y: ROTATE (a quarter turn), INVERT (1 - pixel) or THICKEN (3x3 maximum) (default: ${DEFAULT-VALUE}).")
  Transform transform;

  @Option(names = "--examples", defaultValue = "8", description = "Test images per domain in translations.png (default: ${DEFAULT-VALUE}).")
  int examples;

  @Mixin
  TrainingOptions trainingOptions;

  @Option(names = "--output", defaultValue = "out/cyclegan", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin
  MnistDataOptions mnistFiles;

  @Mixin
  CheckpointOptions checkpointOptions;

  @Override
  public Integer call() throws IOException {
    if (examples < 1) {
      throw new IllegalArgumentException("--examples must be at least 1, was " + examples);
    }
    Training training = trainingOptions.apply(Training.epochs(epochs), System.out);
    training = checkpointOptions.apply(training, output);
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return train(System.out, training);
    }
  }

  private int train(PrintStream out, Training training) throws IOException {
    Mnist mnist = mnistFiles.load();
    List<float[][]> trainDomains = domains(mnistFiles.train(mnist).images(), trainingOptions.seed);
    List<float[][]> testDomains = domains(mnistFiles.test(mnist).images(), trainingOptions.seed);
    Dataset x = Dataset.of("x", trainDomains.get(0));
    Dataset y = Dataset.of("y", trainDomains.get(1));
    Dataset testX = Dataset.of("x", testDomains.get(0));
    Dataset testY = Dataset.of("y", testDomains.get(1));
    out.printf(Locale.ROOT, "MNIST: domain x %d training images, domain y (%s) %d others; test %d and %d%n",
        x.size(), transform.name().toLowerCase(Locale.ROOT), y.size(), testX.size(), testY.size());
    Map<String, Object> metrics = new LinkedHashMap<>();
    try (CycleGanModel model = CycleGanModel.create(new CycleGan(), Seed.of(trainingOptions.seed),
        trainingOptions.threadSettings())) {
      StopRequest stop = new StopRequest();
      TrainingSummary summary;
      StopRequest.SignalHandlers handlers = stop.onSignals();
      try (handlers) {
        summary = model.fit(List.of(x, y), training.stopRequest(stop));
      }
      if (summary.stopReason() == StopReason.INTERRUPTED) {
        out.printf(Locale.ROOT, "interrupted (%s) after step %d; checkpoint %s%n",
            stop.reason().orElse("stop requested"), model.stepsTaken(),
            summary.lastCheckpoint().map(Path::toString).orElse("none"));
        out.println("continue with the same options and --resume");
        return ExitCodes.INTERRUPTED;
      }
      double cycleX = model.cycleError("x", testX);
      double cycleY = model.cycleError("y", testY);
      double translationX = meanAbsolute(model.translate("y", testX), testDomains.get(0));
      out.printf(Locale.ROOT, "test cycle error |F(G(x)) - x|  %.4f (mean absolute, pixels in [0, 1])%n", cycleX);
      out.printf(Locale.ROOT, "test cycle error |G(F(y)) - y|  %.4f%n", cycleY);
      out.printf(Locale.ROOT, "for scale: |G(x) - x| %.4f (how far a translation moves an image)%n", translationX);
      out.printf(Locale.ROOT, "trained %d epochs (%d steps) in %.1f s%n", summary.epochs(), model.stepsTaken(),
          summary.took().toMillis() / 1e3);
      writeTranslations(model, testDomains);
      metrics.put("model", "CycleGan: translations 784-256-256-784 (leaky ReLU, linear output), discriminators"
          + " 784-256-1 (leaky ReLU), non-saturating; cycle weight 10, no identity term");
      metrics.put("transform", transform.name().toLowerCase(Locale.ROOT));
      metrics.put("epochs", summary.epochs());
      metrics.put("steps", model.stepsTaken());
      metrics.put("batch_size", trainingOptions.batchSize);
      metrics.put("learning_rate", trainingOptions.learningRate);
      metrics.put("seed", trainingOptions.seed);
      metrics.put("domain_x_train", x.size());
      metrics.put("domain_y_train", y.size());
      metrics.put("test_cycle_error_x", cycleX);
      metrics.put("test_cycle_error_y", cycleY);
      metrics.put("test_translation_distance_x", translationX);
      metrics.put("training_seconds", summary.took().toMillis() / 1e3);
      summary.lastCheckpoint().ifPresent(p -> metrics.put("checkpoint", p.toString()));
    }
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    out.println("wrote " + output.resolve("translations.png") + " and " + output.resolve("metrics.json"));
    return ExitCodes.OK;
  }

  /** The images shuffled by {@code seed} and halved: the first half as is, the second transformed. */
  List<float[][]> domains(float[][] images, long seed) {
    int[] order = new int[images.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int half = images.length / 2;
    float[][] first = new float[half][];
    float[][] second = new float[images.length - half][];
    for (int i = 0; i < half; i++) {
      first[i] = images[order[i]];
    }
    for (int i = half; i < images.length; i++) {
      second[i - half] = transform(images[order[i]]);
    }
    return List.of(first, second);
  }

  float[] transform(float[] image) {
    float[] out = new float[image.length];
    for (int r = 0; r < Mnist.SIDE; r++) {
      for (int c = 0; c < Mnist.SIDE; c++) {
        int at = r * Mnist.SIDE + c;
        out[at] = switch (transform) {
          case INVERT -> 1 - image[at];
          // A quarter turn clockwise: row r, column c takes row (27 - c), column r.
          case ROTATE -> image[(Mnist.SIDE - 1 - c) * Mnist.SIDE + r];
          case THICKEN -> {
            float max = 0;
            for (int dr = -1; dr <= 1; dr++) {
              for (int dc = -1; dc <= 1; dc++) {
                int rr = r + dr;
                int cc = c + dc;
                if (rr >= 0 && rr < Mnist.SIDE && cc >= 0 && cc < Mnist.SIDE) {
                  max = Math.max(max, image[rr * Mnist.SIDE + cc]);
                }
              }
            }
            yield max;
          }
        };
      }
    }
    return out;
  }

  private void writeTranslations(CycleGanModel model, List<float[][]> test) throws IOException {
    int n = Math.min(examples, Math.min(test.get(0).length, test.get(1).length));
    float[][] xs = java.util.Arrays.copyOf(test.get(0), n);
    float[][] ys = java.util.Arrays.copyOf(test.get(1), n);
    List<float[]> rows = new ArrayList<>();
    float[][] gx = model.translate("y", Dataset.of("x", xs));
    float[][] fgx = model.roundTrip("x", Dataset.of("x", xs));
    float[][] fy = model.translate("x", Dataset.of("y", ys));
    float[][] gfy = model.roundTrip("y", Dataset.of("y", ys));
    for (float[][] row : List.of(xs, gx, fgx, ys, fy, gfy)) {
      rows.addAll(List.of(row));
    }
    ImageGrid.writePng(output.resolve("translations.png"), rows.toArray(new float[0][]), Mnist.SIDE, Mnist.SIDE, n);
  }

  private static double meanAbsolute(float[][] a, float[][] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        sum += Math.abs(a[i][j] - b[i][j]);
      }
    }
    return sum / ((double) a.length * a[0].length);
  }
}
