package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.ssvae.SemiSupervisedData;
import dev.helmholtz.samples.ssvae.StackedSemiSupervisedVae;
import dev.helmholtz.samples.ssvae.StackedSemiSupervisedVaeModel;
import dev.helmholtz.samples.vae.Vae;
import dev.helmholtz.samples.vae.VaeModel;
import dev.helmholtz.variational.VariationalModel;
import dev.helmholtz.train.ScalarSchedule;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Kingma et al.'s (2014) stacked model M1+M2: a VAE's posterior means as the observed node of an M2. */
@Command(
    name = "m1m2",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Trains Kingma et al.'s (2014) stacked semi-supervised model M1+M2 on MNIST: first the VAE M1"
        + " (the vae command's model) on every training image, dynamically binarized, for --m1-epochs; then"
        + " the M2 StackedSemiSupervisedVae on M1's posterior means (VariationalModel.encodeMeans: 50 features"
        + " per image) with --labels labels, the rest unlabelled, for --epochs. Prints the test error of M2's"
        + " classifier on the test images' features next to Kingma et al.'s (M1+M2, 100 labels: 3.33%% +-"
        + " 0.14) and writes metrics.json.",
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILED, ExitCodes.HELP_BAD_INPUT})
public final class M1m2Command implements Callable<Integer> {
  /** Kingma et al. (2014), Table 1: M1+M2 with 100 labels, test error in percent and its deviation. */
  static final double PUBLISHED_ERROR = 3.33;
  static final double PUBLISHED_DEVIATION = 0.14;

  @Option(names = "--m1-epochs", defaultValue = "10", description = "Epochs of the VAE M1 (default: ${DEFAULT-VALUE}).")
  int m1Epochs;

  @Option(names = "--epochs", defaultValue = "10", description = "Epochs of M2 on M1's features (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--labels", defaultValue = "100",
      description = "Labelled training images, the same number per digit (default: ${DEFAULT-VALUE}).")
  int labels;

  @Option(names = "--label-share", defaultValue = "0.1", paramLabel = "SHARE",
      description = "The labelled images are repeated to make up about this share of M2's training rows"
          + " (default: ${DEFAULT-VALUE}).")
  double labelShare;

  @Option(names = "--alpha", defaultValue = "0.1",
      description = "Kingma et al.'s classification weight alpha: alpha N / N_l on each labelled row of M2's"
          + " data, copies counted (default: ${DEFAULT-VALUE}).")
  double alpha;

  @Mixin
  TrainingOptions trainingOptions;

  @Option(names = "--output", defaultValue = "out/m1m2", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin
  MnistDataOptions mnistFiles;

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    if (m1Epochs < 1 || epochs < 1) {
      throw new IllegalArgumentException("--m1-epochs and --epochs must be at least 1");
    }
    SsvaeCommand.checkAlpha(alpha);
    Training m1Training = trainingOptions.apply(Training.epochs(m1Epochs), out);
    Training m2Training = trainingOptions.apply(Training.epochs(epochs), out);
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return train(out, m1Training, m2Training);
    }
  }

  private int train(PrintStream out, Training m1Training, Training m2Training) throws IOException {
    long start = System.nanoTime();
    Mnist mnist = mnistFiles.load();
    Mnist.Split trainSplit = mnistFiles.train(mnist);
    Mnist.Split testSplit = mnistFiles.test(mnist);
    SemiSupervisedData semi = SemiSupervisedData.of(trainSplit, labels, labelShare, trainingOptions.seed);
    Seed seed = Seed.of(trainingOptions.seed);
    Map<String, Object> metrics = new LinkedHashMap<>();
    try (VaeModel m1 = VaeModel.create(new Vae(), seed, trainingOptions.threadSettings());
        StackedSemiSupervisedVaeModel m2 = StackedSemiSupervisedVaeModel.create(new StackedSemiSupervisedVae(),
            seed.derive("m2"), trainingOptions.threadSettings())) {
      out.printf(Locale.ROOT, "M1: the VAE on %d training images, %d epochs%n", trainSplit.size(), m1Training.epochs());
      TrainingSummary m1Summary = m1.fit(trainSplit.dataset("x").dynamicallyBinarized("x"), m1Training);
      // M1's features: the posterior means of the grey images; the labels column comes along.
      Dataset features = m1.encodeMeans(semi.train(), "z", "features");
      Dataset testFeatures = m1.encodeMeans(testSplit.dataset("x"), "z", "features");
      out.printf(Locale.ROOT, "M2: on M1's %d features of %d rows (%d labelled images, each repeated %d times), %d"
          + " epochs%n", StackedSemiSupervisedVae.FEATURES, features.size(), labels, semi.repeats(), m2Training.epochs());
      double classificationWeight = semi.classificationWeight(alpha);
      out.printf(Locale.ROOT, "M2's classification weight %.4f per labelled row (alpha %s)%n", classificationWeight, alpha);
      TrainingSummary m2Summary = m2.fit(features, m2Training.schedule(VariationalModel.CLASSIFICATION_WEIGHT,
          ScalarSchedule.constant(classificationWeight)));
      double testError = SsvaeCommand.errorPercent(m2.classify(testFeatures), testSplit.labels());
      out.printf(Locale.ROOT, "test error            %6.2f %%   (Kingma et al. 2014, M1+M2, 100 labels: %.2f %% +- %.2f)%n",
          testError, PUBLISHED_ERROR, PUBLISHED_DEVIATION);
      out.printf(Locale.ROOT, "trained M1 %d epochs in %.1f s, M2 %d epochs in %.1f s%n", m1Summary.epochs(),
          m1Summary.took().toMillis() / 1e3, m2Summary.epochs(), m2Summary.took().toMillis() / 1e3);
      metrics.put("model", "M1: Vae 784-200-200-50 tanh (Burda et al.'s sizes); M2: StackedSemiSupervisedVae"
          + " 50-500-10, (50+10)-500-50, (10+50)-500-(50 mean, 50 log std), softplus");
      metrics.put("alpha", alpha);
      metrics.put("classification_weight_per_labelled_row", classificationWeight);
      metrics.put("m1_epochs", m1Summary.epochs());
      metrics.put("epochs", m2Summary.epochs());
      metrics.put("batch_size", trainingOptions.batchSize);
      metrics.put("learning_rate", trainingOptions.learningRate);
      metrics.put("seed", trainingOptions.seed);
      metrics.put("labels", labels);
      metrics.put("label_repeats", semi.repeats());
      metrics.put("test_examples", testSplit.size());
      metrics.put("test_error_percent", testError);
      metrics.put("published_test_error_percent", PUBLISHED_ERROR);
      metrics.put("published_test_error_deviation", PUBLISHED_DEVIATION);
      metrics.put("m1_training_seconds", m1Summary.took().toMillis() / 1e3);
      metrics.put("m2_training_seconds", m2Summary.took().toMillis() / 1e3);
      metrics.put("total_seconds", (System.nanoTime() - start) / 1e9);
    }
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    out.println("wrote " + output.resolve("metrics.json"));
    return ExitCodes.OK;
  }
}
