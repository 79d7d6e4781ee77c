package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.energy.AnnealedImportanceSampling;
import dev.helmholtz.energy.EnergyModel;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.rbm.MnistRbm;
import dev.helmholtz.samples.rbm.RbmCd10;
import dev.helmholtz.samples.rbm.RbmCd10Model;
import dev.helmholtz.samples.rbm.RbmCd1;
import dev.helmholtz.samples.rbm.RbmCd1Model;
import dev.helmholtz.samples.rbm.RbmCd25;
import dev.helmholtz.samples.rbm.RbmCd25Model;
import dev.helmholtz.samples.rbm.RbmCd3;
import dev.helmholtz.samples.rbm.RbmCd3Model;
import dev.helmholtz.samples.rbm.RbmPcd;
import dev.helmholtz.samples.rbm.RbmPcdModel;
import dev.helmholtz.train.LearningRateSchedule;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ScalarSchedule;
import dev.helmholtz.train.StopReason;
import dev.helmholtz.train.StopRequest;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import dev.helmholtz.train.ThreadSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains the 500-hidden-unit MNIST RBM by CD-k (k of 1, 3, 10, 25) and persistent CD with the same number of
 * updates, and estimates each one's test log-likelihood by AIS, next to Salakhutdinov and Murray's
 * (2008) figures; writes each model's filters and Gibbs samples as PNGs and metrics.json.
 */
@Command(
    name = "rbm",
    mixinStandardHelpOptions = true,
    description = "Trains a 784-500 Bernoulli RBM on dynamically binarized MNIST by CD-k (k of 1, 3, 10, 25) and persistent CD"
        + " (100 chains) at equal updates (SGD, momentum 0.5 rising to 0.9 over the first epoch, weight decay; CD-k's"
        + " negative statistics at the reconstruction's probabilities, Hinton's recipe),"
        + " estimates log Z by annealed importance sampling and reports the test log-likelihood (a fixed"
        + " binarization of the test set) with its 3-sigma interval next to Salakhutdinov & Murray (2008);"
        + " writes filters-METHOD.png, samples-METHOD.png and metrics.json. Checkpoints go to"
        + " OUTPUT/checkpoints/METHOD; SIGINT or SIGTERM finishes the step, writes a checkpoint and exits with 130,"
        + " and --resume continues from it.",
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILED, ExitCodes.HELP_BAD_INPUT,
        ExitCodes.HELP_INTERRUPTED})
public final class RbmCommand implements Callable<Integer> {
  /** Salakhutdinov and Murray (2008), Table 2: AIS test log-likelihoods of 500-hidden-unit RBMs, nats. */
  static final Map<String, Double> PUBLISHED = Map.of("CD-1", -125.53, "CD-3", -105.50, "CD-25", -86.34);

  @Option(names = "--methods", split = ",", defaultValue = "cd1,cd10,pcd",
      description = "Training methods to compare, of cd1, cd3, cd10, cd25 (CD-k: k Gibbs sweeps from the data) and"
          + " pcd (default: ${DEFAULT-VALUE}).")
  List<String> methods;

  @Option(names = "--epochs", defaultValue = "3", description = "Training epochs per method (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "100", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "0.05", description = "SGD learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--weight-decay", defaultValue = "2e-4", description = "L2 weight decay on W (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--pcd-lr-schedule", defaultValue = "constant", paramLabel = "SCHEDULE",
      description = "The PCD run's learning-rate schedule (Tieleman 2008 decays it): constant,"
          + " step:EVERY_EPOCHS:FACTOR or exp:RATE:DECAY_STEPS, e.g. exp:0.1:3600 for a tenth after 3600 updates"
          + " (default: ${DEFAULT-VALUE}).")
  String pcdSchedule;

  @Option(names = "--ais-runs", defaultValue = "100", description = "AIS runs (default: ${DEFAULT-VALUE}).")
  int aisRuns;

  @Option(names = "--ais-temperatures", defaultValue = "14500",
      description = "AIS inverse temperatures, spaced as Salakhutdinov & Murray's 14500 (default: ${DEFAULT-VALUE}).")
  int aisTemperatures;

  @Option(names = "--gibbs-sweeps", defaultValue = "1000",
      description = "Gibbs sweeps from test digits for samples-METHOD.png (default: ${DEFAULT-VALUE}).")
  int gibbsSweeps;

  @Option(names = "--output", defaultValue = "out/rbm", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin
  MnistOptions mnist;

  @Mixin
  CheckpointOptions checkpoints;

  @Override
  public Integer call() throws IOException {
    if (epochs < 1) {
      throw new IllegalArgumentException("--epochs must be at least 1, was " + epochs);
    }
    // The training options' own checks, before the data load and the steps-per-epoch division
    // (a message naming --batch-size or --learning-rate, not "/ by zero").
    Training.epochs(epochs).batchSize(batchSize).adam(learningRate);
    for (String method : methods) {
      factory(method);
    }
    try {
      LearningRateSchedule.parse(pcdSchedule);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--pcd-lr-schedule: " + e.getMessage(), e);
    }
    checkpoints.requireSomethingToResume(output, methods);
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return run();
    }
  }

  private int run() throws IOException {
    Mnist data = mnist.load();
    Dataset train = Dataset.of("pixels", mnist.train(data).images()).dynamicallyBinarized("pixels");
    Dataset test = Dataset.of("pixels", mnist.test(data).images()).binarized("pixels", mnist.seed);
    System.out.printf(Locale.ROOT, "MNIST: %d training images (binarized afresh each epoch), %d test images%n",
        train.size(), test.size());
    long stepsPerEpoch = (train.size() + batchSize - 1) / batchSize;
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("epochs", epochs);
    metrics.put("updates", stepsPerEpoch * epochs);
    metrics.put("batch_size", batchSize);
    metrics.put("learning_rate", learningRate);
    metrics.put("weight_decay", weightDecay);
    metrics.put("ais_runs", aisRuns);
    metrics.put("ais_temperatures", aisTemperatures);
    metrics.put("pcd_lr_schedule", pcdSchedule);
    Map<String, TrainingSummary> stages = new LinkedHashMap<>();
    TextTable table = new TextTable(1, "method", "updates", "train s", "log Z (AIS)", "3-sigma interval",
        "test log-lik.", "S&M 2008");
    for (String method : methods) {
      try (EnergyModel rbm = factory(method).apply(Seed.of(mnist.seed), mnist.threadSettings())) {
        String name = label(method);
        Training training = Training.epochs(epochs).batchSize(batchSize).adam(learningRate).seed(mnist.seed)
            .logEvery(Duration.ofSeconds(30)).progress(ProgressListener.silent())
            .schedule("momentum", ScalarSchedule.linear(0.5, 0.9, stepsPerEpoch))
            .schedule("weight_decay", ScalarSchedule.constant(weightDecay));
        if (method.equals("pcd")) {
          training = training.learningRateSchedule(LearningRateSchedule.parse(pcdSchedule));
        }
        long started = System.nanoTime();
        StopRequest stop = new StopRequest();
        TrainingSummary summary;
        try (StopRequest.SignalHandlers handlers = stop.onSignals()) {
          summary = rbm.fit(train, checkpoints.applyStage(training, output, method).stopRequest(stop));
        }
        stages.put(method, summary);
        if (summary.stopReason() == StopReason.INTERRUPTED) {
          System.out.printf(Locale.ROOT, "interrupted (%s) in %s; checkpoint %s%n",
              stop.reason().orElse("stop requested"), method,
              summary.lastCheckpoint().map(Path::toString).orElse("none"));
          System.out.println("continue with the same options and --resume");
          return ExitCodes.INTERRUPTED;
        }
        double trainSeconds = (System.nanoTime() - started) / 1e9;
        started = System.nanoTime();
        AnnealedImportanceSampling.Estimate logZ = rbm.annealedLogPartition(Dataset.of("pixels",
            mnist.train(data).images()), aisRuns, AnnealedImportanceSampling.schedule(aisTemperatures));
        double aisSeconds = (System.nanoTime() - started) / 1e9;
        double meanMinusFree = rbm.logLikelihood(test, 0);
        double logLikelihood = meanMinusFree - logZ.logZ();
        // A larger log Z means a lower likelihood: the interval's ends swap.
        double low = meanMinusFree - logZ.upper();
        double high = meanMinusFree - logZ.lower();
        writeFilters(rbm, output.resolve("filters-" + method + ".png"));
        Map<String, float[][]> chains = rbm.gibbsChains(test.take(100), gibbsSweeps);
        ImageGrid.writePng(output.resolve("samples-" + method + ".png"), chains.get("pixels/mean"), 28, 28, 10);
        System.out.printf(Locale.ROOT, "%s: %d updates in %.0f s (reconstruction %.2f), AIS %.0f s: log Z = %.2f,"
            + " test log-likelihood %.2f [%.2f, %.2f] nats%n", name, rbm.stepsTaken(), trainSeconds,
            summary.finalObjective(), aisSeconds, logZ.logZ(), logLikelihood, low, high);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("updates", rbm.stepsTaken());
        m.put("train_seconds", trainSeconds);
        m.put("reconstruction", summary.finalObjective());
        m.put("log_z", logZ.logZ());
        m.put("log_z_lower", logZ.lower());
        m.put("log_z_upper", logZ.upper());
        m.put("ais_seconds", aisSeconds);
        m.put("test_log_likelihood", logLikelihood);
        m.put("test_log_likelihood_lower", low);
        m.put("test_log_likelihood_upper", high);
        m.forEach((key, value) -> metrics.put(method + "_" + key, value));
        table.row(name, Long.toString(rbm.stepsTaken()), String.format(Locale.ROOT, "%.0f", trainSeconds),
            String.format(Locale.ROOT, "%.2f", logZ.logZ()),
            String.format(Locale.ROOT, "[%.2f, %.2f]", logZ.lower(), logZ.upper()),
            String.format(Locale.ROOT, "%.2f [%.2f, %.2f]", logLikelihood, low, high),
            published(name));
      }
    }
    table.print(System.out);
    System.out.println("S&M 2008: Salakhutdinov & Murray, On the quantitative analysis of deep belief networks,"
        + " Table 2 (CD-1 -125.53, CD-3 -105.50, CD-25 -86.34 nats, trained for far more updates).");
    MetricsFile.putSettingsChanged(metrics, stages);
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    return ExitCodes.OK;
  }

  static String published(String name) {
    Double value = PUBLISHED.get(name);
    return value == null ? "-" : String.format(Locale.ROOT, "%.2f", value);
  }

  static String label(String method) {
    return method.equals("pcd") ? "PCD" : "CD-" + method.substring(2);
  }

  static BiFunction<Seed, ThreadSettings, EnergyModel> factory(String method) {
    return switch (method) {
      case "cd1" -> (seed, threads) -> RbmCd1Model.create(new RbmCd1(), seed, threads);
      case "cd3" -> (seed, threads) -> RbmCd3Model.create(new RbmCd3(), seed, threads);
      case "cd10" -> (seed, threads) -> RbmCd10Model.create(new RbmCd10(), seed, threads);
      case "cd25" -> (seed, threads) -> RbmCd25Model.create(new RbmCd25(), seed, threads);
      case "pcd" -> (seed, threads) -> RbmPcdModel.create(new RbmPcd(), seed, threads);
      default -> throw new IllegalArgumentException("--methods: unknown method '" + method
          + "'; choose from cd1, cd3, cd10, cd25, pcd");
    };
  }

  /** Each hidden unit's weights as a 28 x 28 image, scaled to [0, 1] per unit: the first 100 units. */
  private static void writeFilters(EnergyModel rbm, Path file) throws IOException {
    float[] w = rbm.parameter(MnistRbm.WEIGHTS);
    float[][] filters = new float[100][MnistRbm.PIXELS];
    for (int i = 0; i < filters.length; i++) {
      float[] row = Arrays.copyOfRange(w, i * MnistRbm.PIXELS, (i + 1) * MnistRbm.PIXELS);
      float min = Float.POSITIVE_INFINITY;
      float max = Float.NEGATIVE_INFINITY;
      for (float x : row) {
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
      for (int j = 0; j < row.length; j++) {
        filters[i][j] = max > min ? (row[j] - min) / (max - min) : 0.5f;
      }
    }
    ImageGrid.writePng(file, filters, 28, 28, 10);
  }
}
