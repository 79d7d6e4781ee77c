package dev.helmholtz.samples.cli;

import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.HmcResult;
import dev.helmholtz.samples.bayes.GammaPoisson;
import dev.helmholtz.samples.bayes.PosteriorDraws;
import dev.helmholtz.train.ThreadSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The hierarchical Gamma-Poisson model by HMC and Gamma VI, against its conjugate posterior. */
@Command(
    name = "gamma-poisson",
    mixinStandardHelpOptions = true,
    description = "A hierarchical Gamma-Poisson model on simulated counts: --groups rates from the shared prior"
        + " Gamma(--prior-shape, --prior-rate), each with between --min-counts and --max-counts Poisson counts."
        + " The exact (conjugate) posterior of each rate is Gamma(shape + sum y, rate + n); prints it beside"
        + " HMC's (over the log-rates) and a Gamma variational posterior's (implicit reparameterization,"
        + " analytic Gamma KL), with the largest relative gaps; writes metrics.json.")
public final class GammaPoissonCommand implements Callable<Integer> {
  @Option(names = "--groups", defaultValue = "8", description = "Groups (default: ${DEFAULT-VALUE}).")
  int groups;

  @Option(names = "--min-counts", defaultValue = "3", description = "Fewest counts of a group (default: ${DEFAULT-VALUE}).")
  int minCounts;

  @Option(names = "--max-counts", defaultValue = "30", description = "Most counts of a group (default: ${DEFAULT-VALUE}).")
  int maxCounts;

  @Option(names = "--prior-shape", defaultValue = "2.0", description = "The prior's shape (default: ${DEFAULT-VALUE}).")
  double priorShape;

  @Option(names = "--prior-rate", defaultValue = "0.5", description = "The prior's rate (default: ${DEFAULT-VALUE}).")
  double priorRate;

  @Option(names = "--chains", defaultValue = "4", description = "HMC chains (default: ${DEFAULT-VALUE}).")
  int chains;

  @Option(names = "--warmup", defaultValue = "500", description = "HMC warm-up iterations (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--draws", defaultValue = "1000", description = "HMC kept draws per chain (default: ${DEFAULT-VALUE}).")
  int draws;

  @Option(names = "--leapfrog-steps", defaultValue = "8", description = "Leapfrog steps per trajectory (default: ${DEFAULT-VALUE}).")
  int leapfrogSteps;

  @Option(names = "--vi-steps", defaultValue = "3000", description = "Adam steps of the Gamma VI (default: ${DEFAULT-VALUE}).")
  int viSteps;

  @Option(names = "--vi-samples", defaultValue = "32", description = "Draws per VI step (default: ${DEFAULT-VALUE}).")
  int viSamples;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the data, HMC and VI (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", split = ",", description = "TensorFlow intra-op,inter-op threads: intra,inter (default: measured defaults).")
  int[] threads;

  @Option(names = "--output", defaultValue = "out/gamma-poisson", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Override
  public Integer call() throws IOException {
    if (groups < 1 || minCounts < 1 || maxCounts < minCounts) {
      throw new IllegalArgumentException("need --groups >= 1 and 1 <= --min-counts <= --max-counts, were "
          + groups + ", " + minCounts + ", " + maxCounts);
    }
    PrintStream out = System.out;
    ThreadSettings threadSettings = ThreadSettings.fromCounts(threads);
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      long start = System.nanoTime();
      GammaPoisson model = GammaPoisson.simulate(groups, minCounts, maxCounts, priorShape, priorRate, seed);
      double[][] exact = model.conjugatePosterior();
      HmcResult hmc = model.hmc().chains(chains).warmup(warmup).draws(draws).leapfrogSteps(leapfrogSteps)
          .seed(Seed.of(seed).derive("hmc")).threads(threadSettings).build().sample();
      double[][] rates = GammaPoisson.rateDraws(hmc);
      GammaPoisson.VariationalFit vi = model.variational(viSteps, viSamples, 0.05, Seed.of(seed).derive("vi"),
          threadSettings);

      TextTable table = new TextTable(1, "group", "n", "sum y", "exact mean", "exact sd", "HMC mean", "HMC sd",
          "VI mean", "VI sd");
      double hmcMeanGap = 0;
      double hmcSdGap = 0;
      double viMeanGap = 0;
      double viSdGap = 0;
      for (int j = 0; j < groups; j++) {
        double exactMean = exact[j][0] / exact[j][1];
        double exactSd = Math.sqrt(exact[j][0]) / exact[j][1];
        double[] column = new double[rates.length];
        for (int i = 0; i < rates.length; i++) {
          column[i] = rates[i][j];
        }
        double hmcMean = Arrays.stream(column).average().orElseThrow();
        double hmcSd = Math.sqrt(Arrays.stream(column).map(v -> (v - hmcMean) * (v - hmcMean)).sum() / (column.length - 1));
        double[] q = vi.parameters()[j];
        double viMean = q[0] / q[1];
        double viSd = Math.sqrt(q[0]) / q[1];
        hmcMeanGap = Math.max(hmcMeanGap, Math.abs(hmcMean / exactMean - 1));
        hmcSdGap = Math.max(hmcSdGap, Math.abs(hmcSd / exactSd - 1));
        viMeanGap = Math.max(viMeanGap, Math.abs(viMean / exactMean - 1));
        viSdGap = Math.max(viSdGap, Math.abs(viSd / exactSd - 1));
        table.row(String.valueOf(j), String.valueOf(model.counts()[j].length),
            String.valueOf(Arrays.stream(model.counts()[j]).sum()), f(exactMean), f(exactSd), f(hmcMean), f(hmcSd),
            f(viMean), f(viSd));
      }
      table.print(out);
      double[] ess = hmc.effectiveSampleSize();
      out.printf(Locale.ROOT, "HMC: acceptance %.3f, %d divergences, R-hat max %.4f, ESS min %.0f of %d draws, %.1f s;"
              + " largest relative gap to the exact posterior: mean %.4f, sd %.4f%n",
          hmc.acceptanceRate(), hmc.divergences(), PosteriorDraws.max(hmc.rhat()), PosteriorDraws.min(ess),
          rates.length, hmc.seconds(), hmcMeanGap, hmcSdGap);
      out.printf(Locale.ROOT, "Gamma VI: ELBO %.3f, %.1f s; largest relative gap to the exact posterior: mean %.4f,"
          + " sd %.4f%n", vi.elbo(), vi.seconds(), viMeanGap, viSdGap);

      Map<String, Object> metrics = new LinkedHashMap<>();
      metrics.put("task", "hierarchical Gamma-Poisson on simulated counts, against the conjugate posterior");
      metrics.put("groups", groups);
      metrics.put("prior_shape", priorShape);
      metrics.put("prior_rate", priorRate);
      metrics.put("seed", seed);
      metrics.put("hmc_chains", chains);
      metrics.put("hmc_warmup", warmup);
      metrics.put("hmc_draws", draws);
      metrics.put("hmc_acceptance_rate", hmc.acceptanceRate());
      metrics.put("hmc_divergences", hmc.divergences());
      metrics.put("hmc_rhat_max", PosteriorDraws.max(hmc.rhat()));
      metrics.put("hmc_ess_min", PosteriorDraws.min(ess));
      metrics.put("hmc_max_relative_mean_gap", hmcMeanGap);
      metrics.put("hmc_max_relative_sd_gap", hmcSdGap);
      metrics.put("hmc_seconds", hmc.seconds());
      metrics.put("vi_steps", viSteps);
      metrics.put("vi_samples", viSamples);
      metrics.put("vi_elbo", vi.elbo());
      metrics.put("vi_max_relative_mean_gap", viMeanGap);
      metrics.put("vi_max_relative_sd_gap", viSdGap);
      metrics.put("vi_seconds", vi.seconds());
      metrics.put("total_seconds", (System.nanoTime() - start) / 1e9);
      MetricsFile.write(output.resolve("metrics.json"), metrics);
      out.println("wrote " + output.resolve("metrics.json"));
    }
    return 0;
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
