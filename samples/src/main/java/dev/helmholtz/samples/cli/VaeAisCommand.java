package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.AnnealedImportanceSampler;
import dev.helmholtz.infer.LogMarginalLikelihood;
import dev.helmholtz.samples.vae.Vae;
import dev.helmholtz.samples.vae.VaeModel;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The MNIST VAE's test log-likelihood by annealed importance sampling next to importance sampling. */
@Command(
    name = "vae-ais",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Estimates the sample VAE's (784-200-200-50) log-likelihood of the first --examples MNIST"
        + " test images (binarized once with --seed) two ways: importance sampling with q(z | x) as proposal"
        + " (k draws) and annealed importance sampling (Neal 2001, Wu et al. 2017's protocol: --chains"
        + " chains per image from the prior to the posterior over a sigmoid schedule of --temperatures, one"
        + " HMC transition of --leapfrog-steps per temperature, step size adapted to 0.65 acceptance), also"
        + " at a tenth of the temperatures to show the estimate rising. The VAE is restored from"
        + " --checkpoint (a vae run's OUTPUT/checkpoints) or trained here for --epochs. Prints each"
        + " estimate with its standard error and seconds; writes metrics.json.")
public final class VaeAisCommand implements Callable<Integer> {
  @Option(names = "--checkpoint", description = "A checkpoint of the vae command to evaluate (default: train one here).")
  Path checkpoint;

  @Option(names = "--epochs", defaultValue = "10", description = "Training epochs when there is no --checkpoint (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--train-examples", description = "Train on the first N training images only (default: all 60000).")
  Integer trainExamples;

  @Option(names = "--examples", defaultValue = "100", description = "Test images evaluated (default: ${DEFAULT-VALUE}).")
  int examples;

  @Option(names = "--k", defaultValue = "5000", description = "Importance samples per image (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--chains", defaultValue = "16", description = "AIS chains per image (default: ${DEFAULT-VALUE}).")
  int chains;

  @Option(names = "--temperatures", defaultValue = "1000", description = "AIS inverse temperatures, 0 and 1 included (default: ${DEFAULT-VALUE}).")
  int temperatures;

  @Option(names = "--leapfrog-steps", defaultValue = "10", description = "Leapfrog steps per HMC transition (default: ${DEFAULT-VALUE}).")
  int leapfrogSteps;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of training, the binarization and both estimators (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", split = ",", description = "TensorFlow intra-op,inter-op threads and training towers: intra,inter[,towers] (default: measured defaults).")
  int[] threads;

  @Option(names = "--data", description = "Directory with the four MNIST .gz files (default: the copy bundled with Helmholtz).")
  Path data;

  @Option(names = "--output", defaultValue = "out/vae-ais", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Override
  public Integer call() throws IOException {
    if (examples < 1 || k < 1 || epochs < 0 || leapfrogSteps < 1) {
      throw new IllegalArgumentException("--examples, --k and --leapfrog-steps must be at least 1 and --epochs at"
          + " least 0; were " + examples + ", " + k + ", " + leapfrogSteps + " and " + epochs);
    }
    if (temperatures < 20) {
      throw new IllegalArgumentException("--temperatures must be at least 20 (a tenth of them is run too), was "
          + temperatures);
    }
    AnnealedImportanceSampler.Settings settings = AnnealedImportanceSampler.Settings.of(chains, temperatures, seed);
    AnnealedImportanceSampler.Settings shortSettings =
        AnnealedImportanceSampler.Settings.of(chains, temperatures / 10, seed);
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      return run(System.out, settings, shortSettings);
    }
  }

  private int run(PrintStream out, AnnealedImportanceSampler.Settings settings,
      AnnealedImportanceSampler.Settings shortSettings) throws IOException {
    long start = System.nanoTime();
    Mnist mnist = data == null ? Mnist.loadDefault() : Mnist.load(data);
    Dataset test = mnist.test().dataset("x").binarized("x", seed);
    if (examples > test.size()) {
      throw new IllegalArgumentException("--examples " + examples + " exceeds the " + test.size() + " test images");
    }
    test = test.slice(0, examples);
    Map<String, Object> metrics = new LinkedHashMap<>();
    try (VaeModel vae = VaeModel.create(new Vae(), Seed.of(seed), ThreadSettings.fromCounts(threads))) {
      if (checkpoint != null) {
        Path restored = vae.restoreCheckpoint(checkpoint);
        out.println("restored " + restored + " (" + vae.stepsTaken() + " steps)");
        metrics.put("checkpoint", restored.toString());
      } else {
        Dataset train = mnist.train().dataset("x");
        if (trainExamples != null) {
          train = train.slice(0, Math.min(trainExamples, train.size()));
        }
        Training training = Training.epochs(epochs).batchSize(100).adam(1e-3).seed(seed)
            .progress(ProgressListener.silent());
        vae.fit(train.dynamicallyBinarized("x"), training);
        out.printf(Locale.ROOT, "trained %d epochs (%d steps) on %d images%n", epochs, vae.stepsTaken(), train.size());
        metrics.put("epochs", epochs);
      }
      metrics.put("steps", vae.stepsTaken());
      metrics.put("examples", examples);
      metrics.put("seed", seed);

      LogMarginalLikelihood is = vae.logLikelihoodWithError(test, k);
      out.printf(Locale.ROOT, "IS   k = %d: %9.3f +- %.3f nats (min ESS %.1f), %.1f s%n", k, is.mean(),
          is.standardError(), is.minEffectiveSampleSize(), is.seconds());
      AnnealedImportanceSampler.Estimate few = vae.annealedLogLikelihood(test, leapfrogSteps, shortSettings);
      print(out, few);
      AnnealedImportanceSampler.Estimate ais = vae.annealedLogLikelihood(test, leapfrogSteps, settings);
      print(out, ais);
      out.printf(Locale.ROOT, "AIS - IS: %.3f nats%n", ais.logLikelihood().mean() - is.mean());

      metrics.put("is_k", k);
      metrics.put("is_log_likelihood", is.mean());
      metrics.put("is_standard_error", is.standardError());
      metrics.put("is_min_ess", is.minEffectiveSampleSize());
      metrics.put("is_seconds", is.seconds());
      put(metrics, "ais_short", few);
      put(metrics, "ais", ais);
      metrics.put("ais_chains", chains);
      metrics.put("ais_leapfrog_steps", leapfrogSteps);
      metrics.put("total_seconds", (System.nanoTime() - start) / 1e9);
    }
    MetricsFile.write(output.resolve("metrics.json"), metrics);
    out.println("wrote " + output.resolve("metrics.json"));
    return ExitCodes.OK;
  }

  private static void print(PrintStream out, AnnealedImportanceSampler.Estimate e) {
    LogMarginalLikelihood ll = e.logLikelihood();
    out.printf(Locale.ROOT, "AIS T = %d, %d chains: %9.3f +- %.3f nats (acceptance %.3f, step size %.4f), %.1f s%n",
        e.temperatures(), ll.k(), ll.mean(), ll.standardError(), e.acceptanceRate(), e.meanStepSize(), ll.seconds());
  }

  private static void put(Map<String, Object> metrics, String prefix, AnnealedImportanceSampler.Estimate e) {
    metrics.put(prefix + "_temperatures", e.temperatures());
    metrics.put(prefix + "_log_likelihood", e.logLikelihood().mean());
    metrics.put(prefix + "_standard_error", e.logLikelihood().standardError());
    metrics.put(prefix + "_acceptance", e.acceptanceRate());
    metrics.put(prefix + "_step_size", e.meanStepSize());
    metrics.put(prefix + "_seconds", e.logLikelihood().seconds());
  }
}
