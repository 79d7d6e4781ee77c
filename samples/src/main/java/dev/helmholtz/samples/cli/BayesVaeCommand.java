package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Mnist;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import dev.helmholtz.variational.VariationalModel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The VAE with a Bayesian decoder ({@code BayesianDecoderVae}): its decoder's weights are global
 * latents with N(0, 1) priors and a mean-field Normal posterior, trained with the encoder in one
 * ELBO on minibatches, each example carrying 1 / N of the weights' KL (Bayes by backprop).
 */
@Command(
    name = "bayes-vae",
    mixinStandardHelpOptions = true,
    description = "Trains a VAE whose decoder (20-100-784 tanh) has Bayesian weights: global latents with N(0, 1)"
        + " priors and a mean-field Normal posterior, trained with the encoder in one ELBO on minibatches, each"
        + " example carrying 1 / N of their KL (Bayes by backprop, Blundell et al. 2015). Prints the train and test"
        + " ELBO and test log-likelihood with the decoder at its posterior mean, the weights' KL(q || p) per"
        + " training example, and the mean posterior scale; writes samples.png, reconstructions.png and"
        + " metrics.json under --output.")
public final class BayesVaeCommand implements Callable<Integer> {
  @Option(names = "--epochs", defaultValue = "5", description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "100", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "1e-3", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--k", defaultValue = "100", description = "Importance samples for the test log-likelihood (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--output", defaultValue = "out/bayes-vae", description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin
  MnistOptions mnist;

  @Override
  public Integer call() throws IOException {
    if (k < 1) {
      throw new IllegalArgumentException("--k must be at least 1, was " + k);
    }
    Training training = Training.epochs(epochs)
        .batchSize(batchSize)
        .adam(learningRate)
        .seed(mnist.seed)
        .logEvery(Duration.ofSeconds(30))
        .progress(ProgressListener.console(System.out));
    Mnist data = mnist.load();
    MnistExperiment.run(SampleModel.BAYES_VAE, mnist.train(data), mnist.test(data), training, k, mnist.seed,
        mnist.threadSettings(), output, System.out, BayesVaeCommand::posterior);
    return ExitCodes.OK;
  }

  /**
   * KL(q || p) of the decoder's weights from their N(0, 1) prior (closed form, summed over every
   * weight) per training example, the share of it each example's objective carries; and the mean
   * posterior scale.
   */
  static Map<String, Object> posterior(VariationalModel model, int trainExamples) {
    Map<String, float[]> means = model.globalMeans();
    Map<String, float[]> scales = model.globalScales();
    double kl = 0;
    double scaleSum = 0;
    long count = 0;
    for (String name : means.keySet()) {
      float[] m = means.get(name);
      float[] s = scales.get(name);
      for (int i = 0; i < m.length; i++) {
        kl += 0.5 * (s[i] * s[i] + m[i] * m[i] - 1) - Math.log(s[i]);
        scaleSum += s[i];
        count++;
      }
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("global_weights", count);
    figures.put("global_kl_per_example", kl / trainExamples);
    figures.put("global_mean_scale", scaleSum / count);
    return figures;
  }
}
