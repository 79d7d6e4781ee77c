package dev.helmholtz.samples.cli;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import dev.helmholtz.variational.VariationalModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Trains one sample model on dynamically binarized MNIST and evaluates it on a fixed
 * binarization: train and test ELBO, importance-sampled test log-likelihood; writes
 * samples.png, reconstructions.png and metrics.json into its output directory.
 */
final class MnistExperiment {
  /** What one run measured. */
  record Result(SampleModel model, ObjectiveKind objective, int objectiveSamples, TrainingSummary summary,
      double trainElbo, double testElbo, double testLogLikelihood, int k, double evaluationSeconds) {}

  private MnistExperiment() {}

  static Result run(SampleModel sample, Mnist.Split trainSplit, Mnist.Split testSplit, Training training,
      int k, long seed, ThreadSettings threads, Path output, PrintStream out) throws IOException {
    return run(sample, trainSplit, testSplit, training, k, seed, threads, output, out, (model, train) -> Map.of());
  }

  /**
   * As {@link #run(SampleModel, Mnist.Split, Mnist.Split, Training, int, long, ThreadSettings, Path,
   * PrintStream)}, with figures of the command's own computed from the trained model (and the
   * training data's size) before it is closed: printed and added to metrics.json.
   */
  static Result run(SampleModel sample, Mnist.Split trainSplit, Mnist.Split testSplit, Training training,
      int k, long seed, ThreadSettings threads, Path output, PrintStream out,
      java.util.function.BiFunction<VariationalModel, Integer, Map<String, Object>> extra) throws IOException {
    // The directory is this run's until it returns: a second run on it is refused here.
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return trained(sample, trainSplit, testSplit, training, k, seed, threads, output, out, extra);
    }
  }

  private static Result trained(SampleModel sample, Mnist.Split trainSplit, Mnist.Split testSplit,
      Training training, int k, long seed, ThreadSettings threads, Path output, PrintStream out,
      java.util.function.BiFunction<VariationalModel, Integer, Map<String, Object>> extra)
      throws IOException {
    Dataset train = trainSplit.dataset("x").dynamicallyBinarized("x");
    Dataset trainFixed = trainSplit.dataset("x").binarized("x", seed);
    Dataset test = testSplit.dataset("x").binarized("x", seed);
    try (VariationalModel model = sample.create(Seed.of(seed), threads)) {
      out.printf(Locale.ROOT, "%s: %s, %d training and %d test images%n", sample.cliName(),
          sample.description(), train.size(), test.size());
      TrainingSummary summary = model.fit(train, training);
      double trainElbo = model.elbo(trainFixed);
      double testElbo = model.elbo(test);
      long evalStart = System.nanoTime();
      // Minutes at k = 5000: reported to the training's listener, as the vae command does.
      double testLogLikelihood = model.logLikelihood(test, k, training.progress());
      double evalSeconds = (System.nanoTime() - evalStart) / 1e9;

      ImageGrid.writePng(output.resolve("samples.png"), model.generate(64).get("x"), Mnist.SIDE, Mnist.SIDE, 8);
      float[][] originals = Arrays.copyOf(testSplit.images(), Math.min(32, testSplit.size()));
      float[][] reconstructions = model.reconstructAll(Dataset.of("x", originals)).get("x");
      ImageGrid.writePairs(output.resolve("reconstructions.png"), originals, reconstructions,
          Mnist.SIDE, Mnist.SIDE, 8);

      out.printf(Locale.ROOT, "train ELBO            %9.2f nats%n", trainElbo);
      out.printf(Locale.ROOT, "test ELBO             %9.2f nats%n", testElbo);
      out.printf(Locale.ROOT, "test log-likelihood   %9.2f nats (importance sampled, k = %d, %.1f s)%n",
          testLogLikelihood, k, evalSeconds);

      Map<String, Object> metrics = new LinkedHashMap<>();
      metrics.put("model", sample.cliName());
      metrics.put("description", sample.description());
      metrics.put("objective", model.spec().objective().name());
      metrics.put("objective_samples", model.spec().samples());
      metrics.put("epochs", summary.epochs());
      metrics.put("steps", summary.steps());
      MetricsFile.putSettingsChanged(metrics, summary);
      metrics.put("batch_size", training.batchSize());
      metrics.put("learning_rate", training.learningRate());
      training.schedules().forEach((name, schedule) -> metrics.put("schedule_" + name, schedule.toString()));
      metrics.put("seed", seed);
      metrics.put("train_examples", train.size());
      metrics.put("test_examples", test.size());
      metrics.put("train_elbo", trainElbo);
      metrics.put("test_elbo", testElbo);
      metrics.put("test_log_likelihood", testLogLikelihood);
      metrics.put("test_log_likelihood_k", k);
      metrics.put("training_seconds", summary.took().toMillis() / 1e3);
      metrics.put("examples_per_second", summary.examplesPerSecond());
      metrics.put("evaluation_seconds", evalSeconds);
      extra.apply(model, train.size()).forEach((name, value) -> {
        out.printf(Locale.ROOT, "%-21s %s%n", name, value);
        metrics.put(name, value);
      });
      MetricsFile.write(output.resolve("metrics.json"), metrics);
      return new Result(sample, model.spec().objective(), model.spec().samples(), summary, trainElbo,
          testElbo, testLogLikelihood, k, evalSeconds);
    }
  }
}
