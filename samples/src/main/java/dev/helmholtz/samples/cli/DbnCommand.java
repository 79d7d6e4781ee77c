package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.energy.AnnealedImportanceSampling;
import dev.helmholtz.energy.DeepBeliefNet;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.dbn.DbnTopRbm;
import dev.helmholtz.samples.dbn.DbnTopRbmModel;
import dev.helmholtz.samples.rbm.RbmCd1;
import dev.helmholtz.samples.rbm.RbmCd1Model;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ScalarSchedule;
import dev.helmholtz.train.StopReason;
import dev.helmholtz.train.StopRequest;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains the 784-500-2000 deep belief net greedily on MNIST (the bottom RBM by CD-1 on the pixels,
 * the top RBM by CD-1 on the bottom one's posterior), optionally fine-tunes it by the up-down
 * algorithm ({@code --fine-tune-epochs}), estimates the top RBM's log Z by AIS and reports the
 * variational lower bound on the test log-likelihood next to Salakhutdinov and Murray's (2008);
 * writes samples.png (Gibbs chains in the top RBM, then down) and metrics.json. Each stage
 * checkpoints under its own directory and {@code --resume} continues the interrupted one.
 */
@Command(
    name = "dbn",
    mixinStandardHelpOptions = true,
    description = "Trains a 784-500-2000 deep belief net greedily on dynamically binarized MNIST (two RBMs by CD-1, the"
        + " bottom one's statistics at the reconstruction's probabilities, SGD with momentum 0.5 rising to 0.9 over the"
        + " first epoch, weight decay), optionally fine-tunes it by the"
        + " up-down algorithm (--fine-tune-epochs), estimates the top RBM's log Z by AIS and reports the lower bound"
        + " on the test log-likelihood next to Salakhutdinov & Murray (2008); writes samples.png and metrics.json."
        + " Checkpoints go to OUTPUT/checkpoints/STAGE (layer-0, layer-1, fine-tune); SIGINT or SIGTERM finishes"
        + " the step, writes a checkpoint and exits with 130, and --resume continues from it.",
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILED, ExitCodes.HELP_BAD_INPUT,
        ExitCodes.HELP_INTERRUPTED})
public final class DbnCommand implements Callable<Integer> {
  /** The checkpoint directories of the stages, in the order they train. */
  static final List<String> STAGES = List.of("layer-0", "layer-1", "fine-tune");

  /** Salakhutdinov and Murray (2008): the AIS-based lower bound of their 784-500-2000 DBN on the MNIST test set, nats. */
  static final double PUBLISHED = -86.22;

  @Option(names = "--epochs", defaultValue = "2", description = "Training epochs per layer (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "100", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "0.05", description = "SGD learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--weight-decay", defaultValue = "2e-4", description = "L2 weight decay on W (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--fine-tune-epochs", defaultValue = "0",
      description = "Epochs of up-down fine-tuning after the greedy training (Hinton, Osindero & Teh 2006); 0 for"
          + " none (default: ${DEFAULT-VALUE}).")
  int fineTuneEpochs;

  @Option(names = "--fine-tune-learning-rate", defaultValue = "0.01",
      description = "Learning rate of the up-down fine-tuning, for every weight (default: ${DEFAULT-VALUE}).")
  double fineTuneLearningRate;

  @Option(names = "--ais-runs", defaultValue = "100", description = "AIS runs (default: ${DEFAULT-VALUE}).")
  int aisRuns;

  @Option(names = "--ais-temperatures", defaultValue = "14500",
      description = "AIS inverse temperatures (default: ${DEFAULT-VALUE}).")
  int aisTemperatures;

  @Option(names = "--bound-samples", defaultValue = "10",
      description = "Draws of the first hidden layer per test image for the bound (default: ${DEFAULT-VALUE}).")
  int boundSamples;

  @Option(names = "--gibbs-sweeps", defaultValue = "1000",
      description = "Gibbs sweeps in the top RBM for samples.png (default: ${DEFAULT-VALUE}).")
  int gibbsSweeps;

  @Option(names = "--output", defaultValue = "out/dbn", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin
  MnistOptions mnist;

  @Mixin
  CheckpointOptions checkpoints;

  @Override
  public Integer call() throws IOException {
    if (epochs < 1 || boundSamples < 1 || gibbsSweeps < 1) {
      throw new IllegalArgumentException("--epochs, --bound-samples and --gibbs-sweeps must be at least 1");
    }
    // The training options' own checks, before the data load and the steps-per-epoch division
    // (a message naming --batch-size or --learning-rate, not "/ by zero").
    Training.epochs(epochs).batchSize(batchSize).adam(learningRate);
    if (fineTuneEpochs < 0) {
      throw new IllegalArgumentException("--fine-tune-epochs must be at least 0, was " + fineTuneEpochs);
    }
    if (fineTuneEpochs > 0) {
      Training.epochs(fineTuneEpochs).batchSize(batchSize).adam(fineTuneLearningRate);
    }
    checkpoints.requireSomethingToResume(output, STAGES);
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return run();
    }
  }

  private int run() throws IOException {
    Mnist data = mnist.load();
    Dataset train = Dataset.of("pixels", mnist.train(data).images()).dynamicallyBinarized("pixels");
    Dataset test = Dataset.of("pixels", mnist.test(data).images()).binarized("pixels", mnist.seed);
    long stepsPerEpoch = (train.size() + batchSize - 1) / batchSize;
    Training training = Training.epochs(epochs).batchSize(batchSize).adam(learningRate).seed(mnist.seed)
        .logEvery(Duration.ofSeconds(30)).progress(ProgressListener.silent())
        .schedule("momentum", ScalarSchedule.linear(0.5, 0.9, stepsPerEpoch))
        .schedule("weight_decay", ScalarSchedule.constant(weightDecay));
    Map<String, Object> metrics = new LinkedHashMap<>();
    Map<String, TrainingSummary> stages = new LinkedHashMap<>();
    StopRequest stop = new StopRequest();
    try (DeepBeliefNet dbn = DeepBeliefNet.of(RbmCd1Model.create(new RbmCd1(), Seed.of(mnist.seed),
        mnist.threadSettings()), DbnTopRbmModel.create(new DbnTopRbm(), Seed.of(mnist.seed), mnist.threadSettings()));
        StopRequest.SignalHandlers handlers = stop.onSignals()) {
      long started = System.nanoTime();
      List<TrainingSummary> summaries = dbn.fitGreedily(train, checkpoints.applyStage(training, output, STAGES.get(0))
          .stopRequest(stop), checkpoints.applyStage(training, output, STAGES.get(1)).stopRequest(stop));
      for (int l = 0; l < summaries.size(); l++) {
        stages.put(STAGES.get(l), summaries.get(l));
      }
      TrainingSummary last = summaries.get(summaries.size() - 1);
      if (last.stopReason() == StopReason.INTERRUPTED) {
        return interrupted(STAGES.get(summaries.size() - 1), stop, last);
      }
      double greedySeconds = (System.nanoTime() - started) / 1e9;
      System.out.printf(Locale.ROOT, "Greedy training: %d + %d updates in %.0f s%n", dbn.layers().get(0).stepsTaken(),
          dbn.top().stepsTaken(), greedySeconds);
      long fineTuneSteps = 0;
      if (fineTuneEpochs > 0) {
        long topBefore = dbn.top().stepsTaken();
        Training fineTuning = Training.epochs(fineTuneEpochs).batchSize(batchSize).adam(fineTuneLearningRate)
            .seed(mnist.seed).logEvery(Duration.ofSeconds(30)).progress(ProgressListener.silent())
            .schedule("momentum", ScalarSchedule.constant(0)) // Hinton et al.'s up-down: plain SGD
            .schedule("weight_decay", ScalarSchedule.constant(weightDecay));
        TrainingSummary fine = dbn.fineTune(train, checkpoints.applyStage(fineTuning, output, STAGES.get(2))
            .stopRequest(stop));
        stages.put(STAGES.get(2), fine);
        if (fine.stopReason() == StopReason.INTERRUPTED) {
          return interrupted(STAGES.get(2), stop, fine);
        }
        fineTuneSteps = dbn.top().stepsTaken() - topBefore;
        System.out.printf(Locale.ROOT, "Up-down fine-tuning: %d updates in %.0f s%n", fine.steps(),
            (System.nanoTime() - started) / 1e9 - greedySeconds);
      }
      handlers.close();
      double trainSeconds = (System.nanoTime() - started) / 1e9;
      started = System.nanoTime();
      Dataset topData = dbn.upward(Dataset.of("pixels", mnist.train(data).images()), 1);
      AnnealedImportanceSampling.Estimate logZ = dbn.top().annealedLogPartition(topData, aisRuns,
          AnnealedImportanceSampling.schedule(aisTemperatures));
      double aisSeconds = (System.nanoTime() - started) / 1e9;
      started = System.nanoTime();
      DeepBeliefNet.Bound bound = dbn.logLikelihoodBound(test, logZ.logZ(), boundSamples, mnist.seed);
      double boundSeconds = (System.nanoTime() - started) / 1e9;
      // A larger log Z means a lower bound: the interval's ends swap.
      double low = bound.mean() + logZ.logZ() - logZ.upper();
      double high = bound.mean() + logZ.logZ() - logZ.lower();
      float[][] start = binarize(dbn.upward(test.take(100), 1).flat("features"));
      float[][] samples = dbn.sample(Dataset.of("features", start), gibbsSweeps, mnist.seed);
      ImageGrid.writePng(output.resolve("samples.png"), samples, 28, 28, 10);
      TextTable table = new TextTable(1, "model", "updates", "train s", "log Z top (AIS)", "3-sigma interval",
          "test bound (nats)", "S&M 2008");
      table.row(fineTuneEpochs > 0 ? "DBN 784-500-2000, up-down" : "DBN 784-500-2000",
          dbn.layers().get(0).stepsTaken() + " + " + (dbn.top().stepsTaken() - fineTuneSteps)
              + (fineTuneEpochs > 0 ? " + " + fineTuneSteps + " up-down" : ""),
          String.format(Locale.ROOT, "%.0f", trainSeconds), String.format(Locale.ROOT, "%.2f", logZ.logZ()),
          String.format(Locale.ROOT, "[%.2f, %.2f]", logZ.lower(), logZ.upper()),
          String.format(Locale.ROOT, "%.2f [%.2f, %.2f] (s.e. %.2f)", bound.mean(), low, high, bound.standardError()),
          String.format(Locale.ROOT, "%.2f", PUBLISHED));
      table.print(System.out);
      System.out.printf(Locale.ROOT, "AIS %.0f s (%d runs, %d temperatures), bound %.0f s (%d draws per image, %d test"
          + " images). S&M 2008: Salakhutdinov & Murray, On the quantitative analysis of deep belief networks, the"
          + " 500-2000 DBN's lower bound.%n", aisSeconds, aisRuns, aisTemperatures, boundSeconds, boundSamples,
          test.size());
      metrics.put("epochs_per_layer", epochs);
      metrics.put("updates_per_layer", stepsPerEpoch * epochs);
      metrics.put("fine_tune_epochs", fineTuneEpochs);
      metrics.put("fine_tune_updates", fineTuneSteps);
      metrics.put("train_seconds", trainSeconds);
      metrics.put("top_log_z", logZ.logZ());
      metrics.put("top_log_z_lower", logZ.lower());
      metrics.put("top_log_z_upper", logZ.upper());
      metrics.put("ais_seconds", aisSeconds);
      metrics.put("test_bound", bound.mean());
      metrics.put("test_bound_lower", low);
      metrics.put("test_bound_upper", high);
      metrics.put("test_bound_standard_error", bound.standardError());
      metrics.put("bound_samples", boundSamples);
    }
    MetricsFile.putSettingsChanged(metrics, stages);
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    return ExitCodes.OK;
  }

  private static int interrupted(String stage, StopRequest stop, TrainingSummary summary) {
    System.out.printf(Locale.ROOT, "interrupted (%s) in %s; checkpoint %s%n", stop.reason().orElse("stop requested"),
        stage, summary.lastCheckpoint().map(Path::toString).orElse("none"));
    System.out.println("continue with the same options and --resume");
    return ExitCodes.INTERRUPTED;
  }

  private static float[][] binarize(float[] flat) {
    int width = DbnTopRbm.FEATURES;
    float[][] rows = new float[flat.length / width][width];
    java.util.Random random = new java.util.Random(1);
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < width; j++) {
        rows[i][j] = random.nextFloat() < flat[i * width + j] ? 1f : 0f;
      }
    }
    return rows;
  }
}
