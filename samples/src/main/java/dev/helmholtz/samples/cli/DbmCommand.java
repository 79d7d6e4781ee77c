package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.energy.AnnealedImportanceSampling;
import dev.helmholtz.energy.DbmPretraining;
import dev.helmholtz.energy.DeepBeliefNet;
import dev.helmholtz.energy.DeepBoltzmannMachine;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.LearningRateSchedule;
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
 * Trains a 784-500-1000 deep Boltzmann machine on MNIST as Salakhutdinov and Hinton (2009) do:
 * optionally their greedy pretraining (two modified RBMs, {@code --pretrain-epochs}), then
 * mean-field posteriors for the data and 100 persistent chains for the model, with the recipe of
 * Salakhutdinov's DBM code (learning rate 0.001 divided by 1.000015 per update, 5 Gibbs sweeps per
 * update, momentum 0.5 then 0.9, weight decay 2e-4; the visible biases at the data's log-odds when
 * there is no pretraining); estimates log Z by
 * AIS over (v, h2) with h1 summed out, and reports the mean-field lower bound on the test
 * log-likelihood next to the paper's; writes samples.png and metrics.json. Each stage checkpoints
 * under its own directory and {@code --resume} continues the interrupted one.
 */
@Command(
    name = "dbm",
    mixinStandardHelpOptions = true,
    description = "Trains a 784-500-1000 deep Boltzmann machine on dynamically binarized MNIST (optionally pretrained"
        + " layer-wise with Salakhutdinov & Hinton's modified RBMs, --pretrain-epochs; then the mean-field posterior"
        + " of each minibatch, 100 persistent chains of 5 Gibbs sweeps per update, SGD at Salakhutdinov's learning"
        + " rate 0.001 divided by 1.000015 per update with momentum 0.5 rising to 0.9 over five epochs and weight"
        + " decay 2e-4; without pretraining the visible biases start at the data's log-odds), estimates log Z by AIS"
        + " and reports the"
        + " mean-field lower bound on the test log-likelihood next to Salakhutdinov & Hinton (2009); writes"
        + " samples.png and metrics.json. Checkpoints go to OUTPUT/checkpoints/STAGE (pretrain-bottom,"
        + " pretrain-top, dbm); SIGINT or SIGTERM finishes the step, writes a checkpoint and exits with 130, and"
        + " --resume continues from it.",
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILED, ExitCodes.HELP_BAD_INPUT,
        ExitCodes.HELP_INTERRUPTED})
public final class DbmCommand implements Callable<Integer> {
  /** The checkpoint directories of the stages, in the order they train. */
  static final List<String> STAGES = List.of("pretrain-bottom", "pretrain-top", "dbm");

  /** The learning rate divided by 1.000015 after every update, as Salakhutdinov's dbm_mf.m does. */
  static final String SALAKHUTDINOV_DECAY = "exp:0.999985:1";

  /** Salakhutdinov and Hinton (2009), Table 1: the two-layer BM's estimated test log-probability on MNIST, nats. */
  static final double PUBLISHED = -84.62;

  @Option(names = "--epochs", defaultValue = "1", description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "100", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "0.001",
      description = "The DBM's SGD learning rate, Salakhutdinov's epsilonw (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--lr-schedule", defaultValue = SALAKHUTDINOV_DECAY, paramLabel = "SCHEDULE",
      description = "The DBM's learning-rate schedule: constant, step:EVERY_EPOCHS:FACTOR or exp:RATE:DECAY_STEPS;"
          + " the default divides it by 1.000015 after every update, as Salakhutdinov's DBM code does (without its"
          + " floor of a tenth, reached after 153,000 updates) (default: ${DEFAULT-VALUE}).")
  String learningRateSchedule;

  @Option(names = "--pcd-sweeps", defaultValue = "5",
      description = "Gibbs sweeps of the persistent chains per update (Salakhutdinov's code: 5) (default:"
          + " ${DEFAULT-VALUE}).")
  int pcdSweeps;

  @Option(names = "--weight-decay", defaultValue = "2e-4", description = "L2 weight decay on W (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--mean-field-iterations", defaultValue = "10",
      description = "Mean-field rounds per posterior (default: ${DEFAULT-VALUE}).")
  int meanFieldIterations;

  @Option(names = "--pretrain-epochs", defaultValue = "0",
      description = "Epochs of each of the two modified RBMs that pretrain the DBM (Salakhutdinov & Hinton 2009,"
          + " CD-1); 0 starts from small random weights (default: ${DEFAULT-VALUE}).")
  int pretrainEpochs;

  @Option(names = "--pretrain-learning-rate", defaultValue = "0.05",
      description = "SGD learning rate of the pretraining RBMs (default: ${DEFAULT-VALUE}).")
  double pretrainLearningRate;

  @Option(names = "--chains", defaultValue = "100", description = "Persistent chains (default: ${DEFAULT-VALUE}).")
  int chains;

  @Option(names = "--ais-runs", defaultValue = "100", description = "AIS runs (default: ${DEFAULT-VALUE}).")
  int aisRuns;

  @Option(names = "--ais-temperatures", defaultValue = "20000",
      description = "AIS inverse temperatures (the paper used 20,000) (default: ${DEFAULT-VALUE}).")
  int aisTemperatures;

  @Option(names = "--bound-samples", defaultValue = "10",
      description = "Draws of h2 per test image for the bound (default: ${DEFAULT-VALUE}).")
  int boundSamples;

  @Option(names = "--gibbs-sweeps", defaultValue = "1000",
      description = "Gibbs sweeps for samples.png (default: ${DEFAULT-VALUE}).")
  int gibbsSweeps;

  @Option(names = "--output", defaultValue = "out/dbm", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin
  MnistOptions mnist;

  @Mixin
  CheckpointOptions checkpoints;

  @Override
  public Integer call() throws IOException {
    if (epochs < 1 || boundSamples < 1 || gibbsSweeps < 1 || meanFieldIterations < 1 || pcdSweeps < 1) {
      throw new IllegalArgumentException("--epochs, --bound-samples, --gibbs-sweeps, --mean-field-iterations and"
          + " --pcd-sweeps must be at least 1");
    }
    try {
      LearningRateSchedule.parse(learningRateSchedule);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--lr-schedule: " + e.getMessage(), e);
    }
    if (pretrainEpochs < 0) {
      throw new IllegalArgumentException("--pretrain-epochs must be at least 0, was " + pretrainEpochs);
    }
    // The training options' own checks, before the data load and the steps-per-epoch division
    // (a message naming --batch-size or --learning-rate, not "/ by zero").
    Training.epochs(epochs).batchSize(batchSize).adam(learningRate);
    if (pretrainEpochs > 0) {
      Training.epochs(pretrainEpochs).batchSize(batchSize).adam(pretrainLearningRate);
    }
    checkpoints.requireSomethingToResume(output, STAGES);
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return run();
    }
  }

  private Training stage(Training base, String stage, StopRequest stop) throws IOException {
    return checkpoints.applyStage(base, output, stage).stopRequest(stop);
  }

  private static int interrupted(String stage, StopRequest stop, TrainingSummary summary) {
    System.out.printf(Locale.ROOT, "interrupted (%s) in %s; checkpoint %s%n", stop.reason().orElse("stop requested"),
        stage, summary.lastCheckpoint().map(Path::toString).orElse("none"));
    System.out.println("continue with the same options and --resume");
    return ExitCodes.INTERRUPTED;
  }

  private int run() throws IOException {
    Mnist data = mnist.load();
    float[][] trainImages = mnist.train(data).images();
    Dataset test = Dataset.of("pixels", mnist.test(data).images()).binarized("pixels", mnist.seed);
    long stepsPerEpoch = (trainImages.length + batchSize - 1) / batchSize;
    // Salakhutdinov's code: momentum 0.5 for five epochs, then 0.9; here a ramp over those five.
    Training training = Training.epochs(epochs).batchSize(batchSize).adam(learningRate).seed(mnist.seed)
        .logEvery(Duration.ofSeconds(30)).learningRateSchedule(LearningRateSchedule.parse(learningRateSchedule))
        .schedule("momentum", ScalarSchedule.linear(0.5, 0.9, 5 * stepsPerEpoch))
        .schedule("weight_decay", ScalarSchedule.constant(weightDecay)).progress(ProgressListener.silent());
    Map<String, Object> metrics = new LinkedHashMap<>();
    Map<String, TrainingSummary> summaries = new LinkedHashMap<>();
    StopRequest stop = new StopRequest();
    long pretrainUpdates = 0;
    String pretrainSteps = "";
    try (DeepBoltzmannMachine dbm = new DeepBoltzmannMachine(784, 500, 1000, chains, pcdSweeps, Seed.of(mnist.seed),
        mnist.threadSettings()); StopRequest.SignalHandlers handlers = stop.onSignals()) {
      long started = System.nanoTime();
      if (pretrainEpochs > 0) {
        Training pretraining = Training.epochs(pretrainEpochs).batchSize(batchSize).adam(pretrainLearningRate)
            .seed(mnist.seed).logEvery(Duration.ofSeconds(30)).progress(ProgressListener.silent())
            .schedule("momentum", ScalarSchedule.linear(0.5, 0.9, stepsPerEpoch))
            .schedule("weight_decay", ScalarSchedule.constant(weightDecay));
        try (DbmPretraining modules = new DbmPretraining(784, 500, 1000, 1, Seed.of(mnist.seed).derive("pretraining"),
            mnist.threadSettings())) {
          // One fixed binarization: the bottom module's two visible copies must hold the same sample.
          Dataset binary = Dataset.of("v", trainImages).binarized("v", mnist.seed);
          TrainingSummary bottom = modules.bottom().fit(modules.bottomData(binary),
              stage(pretraining, STAGES.get(0), stop));
          summaries.put(STAGES.get(0), bottom);
          if (bottom.stopReason() == StopReason.INTERRUPTED) {
            return interrupted(STAGES.get(0), stop, bottom);
          }
          TrainingSummary top = modules.top().fit(modules.topData(binary).dynamicallyBinarized("h1"),
              stage(pretraining, STAGES.get(1), stop));
          summaries.put(STAGES.get(1), top);
          if (top.stopReason() == StopReason.INTERRUPTED) {
            return interrupted(STAGES.get(1), stop, top);
          }
          dbm.setParameters(modules.composed());
          pretrainUpdates = modules.bottom().stepsTaken() + modules.top().stepsTaken();
          pretrainSteps = modules.bottom().stepsTaken() + " + " + modules.top().stepsTaken() + " + ";
          System.out.printf(Locale.ROOT, "pretraining: %d + %d updates, %.0f s%n", modules.bottom().stepsTaken(),
              modules.top().stepsTaken(), (System.nanoTime() - started) / 1e9);
        }
      }
      if (pretrainEpochs == 0) {
        dbm.setVisibleBiasesToLogOdds(Dataset.of("v", trainImages));
      }
      double pretrainSeconds = (System.nanoTime() - started) / 1e9;
      // A resumed DBM stage restores every weight, so the pretrained start above is overwritten then.
      TrainingSummary summary = dbm.fit(Dataset.of("v", trainImages).dynamicallyBinarized("v"),
          stage(training, STAGES.get(2), stop), meanFieldIterations);
      summaries.put(STAGES.get(2), summary);
      if (summary.stopReason() == StopReason.INTERRUPTED) {
        return interrupted(STAGES.get(2), stop, summary);
      }
      handlers.close();
      System.out.printf(Locale.ROOT, "DBM: %d updates, %.0f s%n", dbm.energyModel().stepsTaken(),
          (System.nanoTime() - started) / 1e9 - pretrainSeconds);
      double trainSeconds = (System.nanoTime() - started) / 1e9;
      started = System.nanoTime();
      AnnealedImportanceSampling.Estimate logZ = dbm.annealedLogPartition(Dataset.of("v", trainImages), aisRuns,
          AnnealedImportanceSampling.schedule(aisTemperatures));
      double aisSeconds = (System.nanoTime() - started) / 1e9;
      Dataset testV = Dataset.of("v", test.flat("pixels"), 784);
      DeepBeliefNet.Bound bound = dbm.logLikelihoodBound(testV, logZ.logZ(), meanFieldIterations, boundSamples,
          mnist.seed);
      double low = bound.mean() + logZ.logZ() - logZ.upper();
      double high = bound.mean() + logZ.logZ() - logZ.lower();
      ImageGrid.writePng(output.resolve("samples.png"), dbm.sample(testV.take(100), gibbsSweeps), 28, 28, 10);
      TextTable table = new TextTable(1, "model", "updates", "train s", "log Z (AIS)", "3-sigma interval",
          "test bound (nats)", "S&H 2009");
      table.row(pretrainEpochs > 0 ? "DBM 784-500-1000, pretrained" : "DBM 784-500-1000",
          pretrainSteps + dbm.energyModel().stepsTaken(),
          String.format(Locale.ROOT, "%.0f", trainSeconds), String.format(Locale.ROOT, "%.2f", logZ.logZ()),
          String.format(Locale.ROOT, "[%.2f, %.2f]", logZ.lower(), logZ.upper()),
          String.format(Locale.ROOT, "%.2f [%.2f, %.2f] (s.e. %.2f)", bound.mean(), low, high, bound.standardError()),
          String.format(Locale.ROOT, "%.2f", PUBLISHED));
      table.print(System.out);
      System.out.printf(Locale.ROOT, "AIS %.0f s (%d runs, %d temperatures). S&H 2009: Salakhutdinov & Hinton, Deep"
          + " Boltzmann machines, Table 1 (2-layer BM, pretrained, trained for far longer).%n", aisSeconds, aisRuns,
          aisTemperatures);
      metrics.put("epochs", epochs);
      metrics.put("updates", dbm.energyModel().stepsTaken());
      metrics.put("pretrain_epochs", pretrainEpochs);
      metrics.put("pretrain_updates", pretrainUpdates);
      metrics.put("pretrain_seconds", pretrainSeconds);
      metrics.put("mean_field_iterations", meanFieldIterations);
      metrics.put("learning_rate", learningRate);
      metrics.put("lr_schedule", learningRateSchedule);
      metrics.put("pcd_sweeps", pcdSweeps);
      metrics.put("visible_bias_start", pretrainEpochs > 0 ? "pretrained" : "log-odds");
      metrics.put("train_seconds", trainSeconds);
      metrics.put("log_z", logZ.logZ());
      metrics.put("log_z_lower", logZ.lower());
      metrics.put("log_z_upper", logZ.upper());
      metrics.put("ais_seconds", aisSeconds);
      metrics.put("test_bound", bound.mean());
      metrics.put("test_bound_lower", low);
      metrics.put("test_bound_upper", high);
      metrics.put("test_bound_standard_error", bound.standardError());
    }
    MetricsFile.putSettingsChanged(metrics, summaries);
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    return ExitCodes.OK;
  }
}
