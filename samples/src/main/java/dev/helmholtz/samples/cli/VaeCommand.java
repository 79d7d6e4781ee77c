package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.vae.Vae;
import dev.helmholtz.samples.vae.VaeModel;
import dev.helmholtz.train.DataPath;
import dev.helmholtz.train.EarlyStopping;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.StopReason;
import dev.helmholtz.train.StopRequest;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The main job: train the sample VAE on MNIST, write samples and reconstructions, print the numbers. */
@Command(
    name = "vae",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Trains a VAE (784-200-200-50, tanh; Burda et al.'s one-stochastic-layer model)"
        + " on dynamically binarized MNIST, writes samples.png, reconstructions.png,"
        + " training-curves.png and metrics.json, and prints the train ELBO, test ELBO and an"
        + " importance-sampled test log-likelihood. Checkpoints go to OUTPUT/checkpoints; SIGINT or"
        + " SIGTERM finishes the step, writes a checkpoint and exits with 130, and --resume"
        + " continues from it exactly as the uninterrupted run would have.",
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILED, ExitCodes.HELP_BAD_INPUT,
        ExitCodes.HELP_INTERRUPTED})
public final class VaeCommand implements Callable<Integer> {
  @Option(names = "--epochs", description = "Training epochs (default: 10; --long: 100).")
  Integer epochs;

  @Mixin
  TrainingOptions trainingOptions;

  @Mixin
  ScheduleOptions scheduleOptions;

  @Option(names = "--k", description = "Importance samples for the test log-likelihood (default: 100; --long: 5000).")
  Integer k;

  @Option(names = "--output", defaultValue = "out/vae", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin
  MnistDataOptions mnistFiles;

  @Option(names = "--validation", defaultValue = "0", paramLabel = "N",
      description = "Hold out the last N training images as a validation set, evaluated every epoch"
          + " (default: ${DEFAULT-VALUE}, none).")
  int validation;

  @Option(names = "--early-stopping", paramLabel = "PATIENCE",
      description = "Stop when the validation ELBO has not improved for PATIENCE epochs (needs --validation).")
  Integer earlyStopping;

  @Mixin
  CheckpointOptions checkpointOptions;

  @Mixin
  MonitoringOptions monitoringOptions;

  @Mixin
  ExportOptions exportOptions;

  @Mixin
  WorkerOptions workerOptions;

  @Spec
  CommandSpec spec;

  @Option(names = "--long", description = "The quality run: 100 epochs and k = 5000, to compare with Burda et al.")
  boolean longRun;

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    int epochCount = epochs != null ? epochs : longRun ? 100 : 10;
    int samples = k != null ? k : longRun ? 5000 : 100;
    if (samples < 1) {
      throw new IllegalArgumentException("--k must be at least 1, was " + samples);
    }
    if (validation < 0) {
      throw new IllegalArgumentException("--validation must be >= 0 images, was " + validation);
    }
    if (earlyStopping != null && validation == 0) {
      throw new IllegalArgumentException("--early-stopping needs a validation set: add --validation N");
    }
    exportOptions.requireNew();
    if (workerOptions.launches()) {
      return workerOptions.launch("vae", spec.commandLine().getParseResult().originalArgs(), out);
    }
    Path export = exportOptions.directory;
    // Configuration errors surface before minutes of loading and training.
    Training training = trainingOptions.apply(Training.epochs(epochCount), out);
    training = checkpointOptions.apply(training, output);
    training = monitoringOptions.apply(training);
    training = scheduleOptions.apply(training);
    if (earlyStopping != null) {
      training = training.earlyStopping(EarlyStopping.patience(earlyStopping));
    }
    training = workerOptions.apply(training);
    if (!workerOptions.writesOutputs()) {
      // A worker other than the chief trains its share and writes nothing: --output is the chief's.
      return train(out, training, samples, export);
    }
    // The directory is this run's until it returns: a second run on it is refused here.
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return train(out, training.curvesPlot(output.resolve("training-curves.png")), samples, export);
    }
  }

  private int train(PrintStream out, Training training, int samples, Path export) throws IOException {
    long start = System.nanoTime();

    Mnist mnist = mnistFiles.load();
    Mnist.Split trainSplit = mnistFiles.train(mnist);
    Mnist.Split testSplit = mnistFiles.test(mnist);
    if (validation >= trainSplit.size()) {
      throw new IllegalArgumentException("--validation " + validation + " holds out all " + trainSplit.size()
          + " training images, leaving none to train on; use a --validation below " + trainSplit.size());
    }
    Dataset all = trainSplit.dataset("x");
    Dataset trainImages = all.slice(0, all.size() - validation);
    Dataset train = trainImages.dynamicallyBinarized("x");
    Dataset trainFixed = trainImages.binarized("x", trainingOptions.seed);
    Dataset test = testSplit.dataset("x").binarized("x", trainingOptions.seed);
    if (validation > 0) {
      training = training.validation(all.slice(all.size() - validation, all.size())
          .binarized("x", trainingOptions.seed + 1));
    }
    out.printf(Locale.ROOT, "MNIST: %d training, %d validation and %d test images%n", train.size(),
        validation, test.size());

    Map<String, Object> metrics = new LinkedHashMap<>();
    ProgressListener progress = training.progress();
    try (VaeModel vae = VaeModel.create(new Vae(), Seed.of(trainingOptions.seed),
        workerOptions.threads(trainingOptions.threadSettings()))) {
      StopRequest stop = new StopRequest();
      TrainingSummary summary;
      // The handlers are a scope: SIGINT and SIGTERM request a stop while the fit runs.
      StopRequest.SignalHandlers handlers = stop.onSignals();
      try (handlers) {
        summary = vae.fit(train, training.stopRequest(stop));
      }
      if (summary.stopReason() == StopReason.INTERRUPTED) {
        out.printf(Locale.ROOT, "interrupted (%s) after step %d; checkpoint %s%n",
            stop.reason().orElse("stop requested"), vae.stepsTaken(),
            summary.lastCheckpoint().map(Path::toString).orElse("none"));
        out.println("continue with the same options and --resume");
        return ExitCodes.INTERRUPTED;
      }
      if (!workerOptions.writesOutputs()) {
        out.printf(Locale.ROOT, "worker %d: trained %d steps%n", workerOptions.index, summary.steps());
        return ExitCodes.OK;
      }

      double trainElbo = vae.elbo(trainFixed);
      double testElbo = vae.elbo(test);
      long evalStart = System.nanoTime();
      double testLogLikelihood = vae.logLikelihood(test, samples, progress);
      double evalSeconds = (System.nanoTime() - evalStart) / 1e9;

      float[][] generated = vae.sample(64);
      ImageGrid.writePng(output.resolve("samples.png"), generated, 28, 28, 8);
      float[][] originals = Arrays.copyOf(testSplit.images(), Math.min(32, testSplit.size()));
      float[][] reconstructions = vae.reconstruct(originals);
      ImageGrid.writePairs(output.resolve("reconstructions.png"), originals, reconstructions, 28, 28, 8);
      if (export != null) {
        vae.exportSavedModel(export);
      }

      out.printf(Locale.ROOT, "train ELBO            %9.2f nats%n", trainElbo);
      out.printf(Locale.ROOT, "test ELBO             %9.2f nats%n", testElbo);
      out.printf(Locale.ROOT, "test log-likelihood   %9.2f nats (importance sampled, k = %d, %.1f s)%n",
          testLogLikelihood, samples, evalSeconds);
      if (summary.trainedNothing()) {
        out.println(nothingTrained(summary, vae.stepsTaken()));
      } else {
        out.printf(Locale.ROOT, "trained %d epochs (%d steps%s) in %.1f s, %.0f examples/s%s, data %s%n",
            summary.epochs(), summary.steps(), vae.stepsTaken() != summary.steps()
                ? ", " + vae.stepsTaken() + " in all" : "",
            summary.took().toMillis() / 1e3, summary.examplesPerSecond(),
            summary.stopReason() == StopReason.EARLY_STOPPED ? ", stopped early" : "",
            describe(summary.dataPath(), train) + (vae.trainingTowers() > 1
                ? ", each batch split into " + vae.trainingTowers() + " towers" : "")
                + (training.cluster() != null ? " over " + training.cluster().size() + " worker processes" : ""));
      }

      metrics.put("model", "Vae 784-200-200-50 tanh, Bernoulli likelihood, standard Normal prior");
      metrics.put("epochs", summary.epochs());
      metrics.put("steps", vae.stepsTaken());
      metrics.put("training_towers", vae.trainingTowers());
      if (training.cluster() != null) {
        metrics.put("workers", training.cluster().size());
      }
      metrics.put("stop_reason", summary.stopReason().name().toLowerCase(Locale.ROOT));
      MetricsFile.putSettingsChanged(metrics, summary);
      metrics.put("batch_size", trainingOptions.batchSize);
      metrics.put("learning_rate", trainingOptions.learningRate);
      training.schedules().forEach((name, schedule) -> metrics.put("schedule_" + name, schedule.toString()));
      metrics.put("learning_rate_schedule", training.learningRateSchedule().toString());
      metrics.put("clip_norm", trainingOptions.clipNorm);
      metrics.put("seed", trainingOptions.seed);
      metrics.put("train_examples", train.size());
      metrics.put("validation_examples", validation);
      metrics.put("test_examples", test.size());
      metrics.put("train_elbo", trainElbo);
      summary.bestValidatedEpoch().ifPresent(best -> {
        metrics.put("best_validation_elbo", best.validationObjective());
        metrics.put("best_validation_epoch", best.epoch());
      });
      metrics.put("test_elbo", testElbo);
      metrics.put("test_log_likelihood", testLogLikelihood);
      metrics.put("test_log_likelihood_k", samples);
      metrics.put("training_seconds", summary.took().toMillis() / 1e3);
      metrics.put("examples_per_second", summary.examplesPerSecond());
      metrics.put("data_path", summary.dataPath().name().toLowerCase(Locale.ROOT));
      metrics.put("evaluation_seconds", evalSeconds);
      metrics.put("total_seconds", (System.nanoTime() - start) / 1e9);
      summary.lastCheckpoint().ifPresent(p -> metrics.put("checkpoint", p.toString()));
      if (export != null) {
        metrics.put("saved_model", export.toAbsolutePath().toString());
      }
    }
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    out.println("wrote " + output.resolve("samples.png") + ", " + output.resolve("reconstructions.png")
        + ", " + output.resolve("training-curves.png") + " and " + output.resolve("metrics.json")
        + (export != null ? "; SavedModel in " + export : ""));
    return ExitCodes.OK;
  }

  /** In place of "trained N epochs (0 steps) ... 0 examples/s" for a resumed run with no epoch left. */
  static String nothingTrained(TrainingSummary summary, long steps) {
    return String.format(Locale.ROOT, "trained nothing: the checkpoint had already finished the requested"
        + " epochs (%d %s, %d steps); raise --epochs to train on", summary.epochs(),
        summary.epochs() == 1 ? "epoch" : "epochs", steps);
  }

  /** "resident (uploaded to the graph once, 188 MB)" or "fed (...)": which path fit chose, and why. */
  static String describe(DataPath path, Dataset data) {
    long bytes = 4L * data.size() * data.width("x");
    String size = String.format(Locale.ROOT, "%.0f MB", bytes / 1e6);
    return path == DataPath.RESIDENT
        ? "resident (" + size + " uploaded to the graph once; batches gathered and binarized in the graph)"
        : "fed (" + size + " over the resident limit of " + (DataPath.RESIDENT_LIMIT_BYTES >> 20)
            + " MiB: each batch copied from Java)";
  }
}
