package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.energy.AnnealedImportanceSampling;
import dev.helmholtz.energy.DeepBeliefNet;
import dev.helmholtz.energy.DeepBoltzmannMachine;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ScalarSchedule;
import dev.helmholtz.train.Training;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains a 784-500-1000 deep Boltzmann machine on MNIST as Salakhutdinov and Hinton (2009) do,
 * without their pretraining: mean-field posteriors for the data, 100 persistent chains for the
 * model; estimates log Z by AIS over (v, h2) with h1 summed out, and reports the mean-field lower
 * bound on the test log-likelihood next to the paper's; writes samples.png and metrics.json.
 */
@Command(
    name = "dbm",
    mixinStandardHelpOptions = true,
    description = "Trains a 784-500-1000 deep Boltzmann machine on binarized MNIST (mean-field posterior, 100"
        + " persistent chains, SGD with momentum, no pretraining), estimates log Z by AIS and reports the mean-field"
        + " lower bound on the test log-likelihood next to Salakhutdinov & Hinton (2009); writes samples.png and"
        + " metrics.json.")
public final class DbmCommand implements Callable<Integer> {
  /** Salakhutdinov and Hinton (2009), Table 1: the two-layer BM's estimated test log-probability on MNIST, nats. */
  static final double PUBLISHED = -84.62;

  @Option(names = "--epochs", defaultValue = "1", description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "100", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "0.01", description = "SGD learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--weight-decay", defaultValue = "2e-4", description = "L2 weight decay on W (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--mean-field-iterations", defaultValue = "10",
      description = "Mean-field rounds per posterior (default: ${DEFAULT-VALUE}).")
  int meanFieldIterations;

  @Option(names = "--batches-per-mean-field", defaultValue = "10",
      description = "Minibatches trained on one mean-field pass (1 = the paper's; more is faster, staler) (default: ${DEFAULT-VALUE}).")
  int batchesPerMeanField;

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

  @Override
  public Integer call() throws IOException {
    if (epochs < 1 || boundSamples < 1 || gibbsSweeps < 1 || meanFieldIterations < 1 || batchesPerMeanField < 1) {
      throw new IllegalArgumentException("--epochs, --bound-samples, --gibbs-sweeps, --mean-field-iterations and"
          + " --batches-per-mean-field must be at least 1");
    }
    // The training options' own checks, before the data load and the steps-per-epoch division
    // (a message naming --batch-size or --learning-rate, not "/ by zero").
    Training.epochs(epochs).batchSize(batchSize).adam(learningRate);
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return run();
    }
  }

  private int run() throws IOException {
    Mnist data = mnist.load();
    float[][] trainImages = mnist.train(data).images();
    Dataset test = Dataset.of("pixels", mnist.test(data).images()).binarized("pixels", mnist.seed);
    long stepsPerEpoch = (trainImages.length + batchSize - 1) / batchSize;
    Training training = Training.epochs(1).batchSize(batchSize).adam(learningRate).seed(mnist.seed)
        .schedule("momentum", ScalarSchedule.linear(0.5, 0.9, stepsPerEpoch))
        .schedule("weight_decay", ScalarSchedule.constant(weightDecay)).progress(ProgressListener.silent());
    Map<String, Object> metrics = new LinkedHashMap<>();
    try (DeepBoltzmannMachine dbm = new DeepBoltzmannMachine(784, 500, 1000, chains, 1, Seed.of(mnist.seed),
        mnist.threadSettings())) {
      long started = System.nanoTime();
      for (int epoch = 1; epoch <= epochs; epoch++) {
        // A fresh binarization each epoch, as the other MNIST samples train.
        Dataset binarized = Dataset.of("v", trainImages).binarized("v", mnist.seed + epoch);
        dbm.fitEpoch(binarized, training, epoch, meanFieldIterations, batchesPerMeanField);
        System.out.printf(Locale.ROOT, "epoch %d: %d updates, %.0f s%n", epoch, dbm.energyModel().stepsTaken(),
            (System.nanoTime() - started) / 1e9);
      }
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
      table.row("DBM 784-500-1000", Long.toString(dbm.energyModel().stepsTaken()),
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
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    return ExitCodes.OK;
  }
}
