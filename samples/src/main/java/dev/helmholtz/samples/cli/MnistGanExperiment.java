package dev.helmholtz.samples.cli;

import dev.helmholtz.adversarial.AdversarialModel;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.samples.quality.MnistClassifier;
import dev.helmholtz.samples.quality.SampleQuality;
import dev.helmholtz.train.Checkpoints;
import dev.helmholtz.train.EpochRecord;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.StopReason;
import dev.helmholtz.train.StopRequest;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The training loop of the MNIST GAN commands: one {@code fit} over the epochs, a PNG grid of
 * samples after each, checkpoints (periodic, final, and on SIGINT/SIGTERM; {@code --resume}
 * continues exactly), then optionally the sample-quality measure, and metrics.json.
 */
final class MnistGanExperiment {
  private MnistGanExperiment() {}

  /**
   * Checks the options every MNIST GAN command shares, then creates {@code output} and locks it
   * for this run (see {@link OutputLock}). The commands call it first, before loading the data and
   * building the model (a minute for the convolutional ones), so a bad option or a directory
   * another run holds is refused at once, with nothing changed.
   */
  static OutputLock claim(Path output, int epochs, int batchSize, double learningRate, GanQualityOptions quality,
      ExportOptions export) throws IOException {
    if (epochs < 1) {
      throw new IllegalArgumentException("--epochs must be at least 1, was " + epochs);
    }
    // The training options' own checks (messages naming --batch-size and --learning-rate), before
    // the lock and the data load.
    Training.epochs(epochs).batchSize(batchSize).adam(learningRate);
    quality.check();
    export.requireNew();
    return OutputDirectory.createLocked(output, "--output");
  }

  /**
   * Trains and evaluates; the caller holds {@code output}'s {@link #claim}.
   *
   * @param grid writes the epoch's grid to the given file
   * @param sampler draws n generated digits, pixels in [0, 1], for the quality measure
   * @param conditional whether the sampler's i-th digit was asked for as label {@code i % 10}: then
   *     the quality measure also reports how often the classifier agrees with the label
   * @return the exit code: 0, or {@link ExitCodes#INTERRUPTED} when a signal stopped training
   */
  static int run(AdversarialModel gan, Dataset train, int epochs, int batchSize,
      double learningRate, long seed, Path output, GanQualityOptions quality, MnistOptions mnist, Mnist data,
      GridWriter grid, IntFunction<float[][]> sampler, boolean conditional, Map<String, Object> metrics,
      ExportOptions export, CheckpointOptions checkpoints, PrintStream out)
      throws IOException {
    // The grid and the line of each finished epoch; a grid that cannot be written stops training.
    ProgressListener perEpoch = new ProgressListener() {
      @Override
      public void epochFinished(int epoch, double objective, double examplesPerSecond, Duration took) {
        Path png = output.resolve(String.format(Locale.ROOT, "samples-epoch-%03d.png", epoch));
        try {
          grid.write(png);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
        }
        if (gan.spec().hasDiscriminator()) {
          out.printf(Locale.ROOT, "epoch %d/%d  discriminator loss %.4f  generator loss %.4f  %.1f s  -> %s%n",
              epoch, epochs, objective, gan.lastGeneratorLoss(), took.toMillis() / 1e3, png);
        } else {
          out.printf(Locale.ROOT, "epoch %d/%d  generator MMD^2 %.5f  %.1f s  -> %s%n",
              epoch, epochs, objective, took.toMillis() / 1e3, png);
        }
      }
    };
    Training training = checkpoints.apply(Training.epochs(epochs).batchSize(batchSize).adam(learningRate).seed(seed)
        .logEvery(Duration.ofSeconds(10)).progress(perEpoch), output);
    StopRequest stop = new StopRequest();
    TrainingSummary last;
    // The handlers are a scope: SIGINT and SIGTERM request a stop while the fit runs.
    StopRequest.SignalHandlers handlers = stop.onSignals();
    try (handlers) {
      last = gan.fit(train, training.stopRequest(stop));
    }
    if (last.stopReason() == StopReason.INTERRUPTED) {
      // The checkpoint written on the stop is named by the run's discriminator step (the history
      // holds finished epochs only, and a resumed call's own step count starts from 0).
      out.printf(Locale.ROOT, "interrupted (%s)%s; checkpoint %s%n", stop.reason().orElse("stop requested"),
          last.lastCheckpoint().map(c -> " after discriminator step " + Checkpoints.step(c)).orElse(""),
          last.lastCheckpoint().map(Path::toString).orElse("none"));
      out.println("continue with the same options and --resume");
      return ExitCodes.INTERRUPTED;
    }
    double totalSeconds = last.history().stream().mapToDouble(EpochRecord::seconds).sum();
    metrics.put("epochs", epochs);
    MetricsFile.putSettingsChanged(metrics, last);
    metrics.put("batch_size", batchSize);
    metrics.put("learning_rate", learningRate);
    metrics.put("seed", seed);
    metrics.put("train_examples", train.size());
    if (gan.spec().hasDiscriminator()) {
      metrics.put("discriminator_steps", last.history().get(last.history().size() - 1).step());
      metrics.put("discriminator_loss", last.finalObjective());
      metrics.put("generator_loss", gan.lastGeneratorLoss());
    } else {
      // A moment-matching model: every step is a generator step on MMD^2.
      metrics.put("generator_steps", last.history().get(last.history().size() - 1).step());
      metrics.put("generator_mmd2", last.finalObjective());
    }
    metrics.put("seconds_per_epoch", totalSeconds / last.history().size());
    if (quality.quality) {
      Mnist.Split test = mnist.test(data);
      int n = Math.min(quality.samples, test.size());
      try (MnistClassifier classifier = MnistClassifier.loadOrTrain(quality.classifier, data.train(),
          mnist.threadSettings(), out)) {
        double accuracy = classifier.accuracy(test.images(), test.labels());
        float[][] real = Arrays.copyOf(test.images(), n);
        float[][] drawn = sampler.apply(n);
        SampleQuality generated = SampleQuality.of(classifier, drawn, real);
        if (conditional) {
          int[] asked = new int[n];
          Arrays.setAll(asked, i -> i % 10);
          double agreement = classifier.accuracy(drawn, asked);
          out.printf(Locale.ROOT, "generated digits classified as their label %.4f%n", agreement);
          metrics.put("label_agreement", agreement);
        }
        // The floor: real training digits against the same real test digits.
        SampleQuality floor = SampleQuality.of(classifier, Arrays.copyOf(data.train().images(), n), real);
        out.printf(Locale.ROOT, "classifier test accuracy %.4f%n", accuracy);
        out.println("generated: " + generated.describe());
        out.println("real (floor): " + floor.describe());
        metrics.put("classifier_test_accuracy", accuracy);
        metrics.put("quality_samples", n);
        metrics.put("frechet_distance", generated.frechetDistance());
        metrics.put("frechet_distance_real_floor", floor.frechetDistance());
        metrics.put("classes_present", generated.classesPresent());
        metrics.put("class_histogram", Arrays.toString(generated.classCounts()));
      }
    }
    if (export.requested()) {
      gan.exportSavedModel(export.directory);
      metrics.put("saved_model", export.directory.toAbsolutePath().toString());
    }
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    out.println("wrote " + epochs + " sample grids and " + output.resolve("metrics.json")
        + (export.requested() ? "; SavedModel in " + export.directory : "")
        + last.lastCheckpoint().map(c -> "; checkpoint " + c).orElse(""));
    return 0;
  }

  /** Writes the current model's sample grid. */
  interface GridWriter {
    void write(Path file) throws IOException;
  }

  /** Pixels in [0, 1] mapped to [-1, 1], the range of the generators' tanh outputs. */
  static float[][] toSymmetric(float[][] images) {
    float[][] out = new float[images.length][];
    for (int i = 0; i < images.length; i++) {
      out[i] = new float[images[i].length];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = 2 * images[i][j] - 1;
      }
    }
    return out;
  }

  /** Generated pixels in [-1, 1] mapped back to [0, 1], for images and the classifier. */
  static float[][] toPixels(float[][] generated) {
    float[][] out = new float[generated.length][];
    for (int i = 0; i < generated.length; i++) {
      out[i] = new float[generated[i].length];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = Math.min(1f, Math.max(0f, 0.5f * (generated[i][j] + 1)));
      }
    }
    return out;
  }

  static Map<String, Object> metrics(String model) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    return m;
  }
}
