package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.McmcDiagnostics;
import dev.helmholtz.infer.NutsResult;
import dev.helmholtz.infer.ParameterLayout;
import dev.helmholtz.samples.bayes.EightSchools;
import dev.helmholtz.samples.bayes.EightSchoolsModel;
import dev.helmholtz.samples.bayes.PosteriorDraws;
import dev.helmholtz.train.ThreadSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Rubin's eight schools, non-centred, by NUTS, against the exact posterior means. */
@Command(
    name = "eight-schools",
    mixinStandardHelpOptions = true,
    description = "Rubin's eight schools (y = 28, 8, -3, 7, -1, 1, 18, 12; sigma = 15, 10, 16, 11, 9, 11, 10, 18)"
        + " in the non-centred parameterization (the model EightSchools: mu ~ N(0, 5^2), tau ~ HalfCauchy(0, 5),"
        + " theta_j = mu + tau thetaTilde_j) by NUTS; prints the posterior means of mu, tau and the theta_j with"
        + " their Monte Carlo errors beside the exact ones (one-dimensional quadrature over tau), R-hat, ESS,"
        + " divergences, tree depths and seconds; writes metrics.json.")
public final class EightSchoolsCommand implements Callable<Integer> {
  @Option(names = "--chains", defaultValue = "4", description = "NUTS chains (default: ${DEFAULT-VALUE}).")
  int chains;

  @Option(names = "--warmup", defaultValue = "1000", description = "NUTS warm-up iterations (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--draws", defaultValue = "1000", description = "NUTS kept draws per chain (default: ${DEFAULT-VALUE}).")
  int draws;

  @Option(names = "--target-acceptance", defaultValue = "0.9", description = "Mean accept_stat the step size is adapted to (default: ${DEFAULT-VALUE}; at 0.8 the stiff upper tail of tau's quantile parameterization gives a few divergences).")
  double targetAcceptance;

  @Option(names = "--max-tree-depth", defaultValue = "10", description = "Maximum NUTS tree depth (default: ${DEFAULT-VALUE}).")
  int maxTreeDepth;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of NUTS (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", split = ",", description = "TensorFlow intra-op,inter-op threads: intra,inter (default: measured defaults).")
  int[] threads;

  @Option(names = "--output", defaultValue = "out/eight-schools", description = "Output directory, created if absent (default: ${DEFAULT-VALUE}).")
  Path output;

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    ThreadSettings threadSettings = ThreadSettings.fromCounts(threads);
    EightSchoolsModel model = EightSchoolsModel.create(new EightSchools(), threadSettings);
    Dataset data = EightSchools.dataset();
    var sampler = model.nuts(data).chains(chains).warmup(warmup).draws(draws).targetAcceptance(targetAcceptance)
        .maxTreeDepth(maxTreeDepth).seed(Seed.of(seed).derive("nuts")).build();
    try (OutputLock lock = OutputDirectory.createLocked(output, "--output")) {
      long start = System.nanoTime();
      NutsResult nuts = sampler.sample();
      ParameterLayout layout = model.parameters();
      double[][][] quantities = quantities(nuts, layout);
      double[] exact = EightSchools.exactPosteriorMeans(200_000);
      String[] names = new String[2 + EightSchools.SCHOOLS];
      names[0] = "mu";
      names[1] = "tau";
      for (int j = 0; j < EightSchools.SCHOOLS; j++) {
        names[2 + j] = "theta[" + (j + 1) + "]";
      }
      TextTable table = new TextTable(1, "parameter", "exact mean", "NUTS mean", "MC error", "gap / error",
          "R-hat", "ESS");
      double worstZ = 0;
      double worstRhat = 0;
      double minEss = Double.POSITIVE_INFINITY;
      Map<String, Object> means = new LinkedHashMap<>();
      for (int k = 0; k < names.length; k++) {
        double[][] chainsOf = quantities[k];
        double mean = 0;
        double square = 0;
        long n = 0;
        for (double[] chain : chainsOf) {
          for (double v : chain) {
            mean += v;
            square += v * v;
            n++;
          }
        }
        mean /= n;
        double sd = Math.sqrt(Math.max(0, square / n - mean * mean));
        double ess = McmcDiagnostics.bulkEffectiveSampleSize(chainsOf);
        double rhat = McmcDiagnostics.rankNormalizedSplitRhat(chainsOf);
        double error = sd / Math.sqrt(ess);
        double z = (mean - exact[k]) / error;
        worstZ = Math.max(worstZ, Math.abs(z));
        worstRhat = Math.max(worstRhat, rhat);
        minEss = Math.min(minEss, ess);
        means.put(names[k], mean);
        table.row(names[k], f(exact[k]), f(mean), f(error), String.format(Locale.ROOT, "%+.2f", z),
            String.format(Locale.ROOT, "%.4f", rhat), String.format(Locale.ROOT, "%.0f", ess));
      }
      table.print(out);
      double[] rawRhat = nuts.rhat();
      out.printf(Locale.ROOT, "NUTS %d chains x %d draws (%d warm-up) in %.1f s | %d divergences (%d in warm-up) |"
              + " accept_stat %.3f | tree depth mean %.2f, %d at the limit %d | leapfrog steps per draw %.1f%n",
          chains, draws, warmup, nuts.seconds(), nuts.divergences(), nuts.samples().warmupDivergences(),
          nuts.samples().acceptanceRate(), nuts.meanTreeDepth(), nuts.maxTreeDepthHits(), maxTreeDepth,
          nuts.meanLeapfrogSteps());
      out.printf(Locale.ROOT, "R-hat max %.4f (of mu, tau, theta; %.4f of the sampled parameters) | ESS min %.0f |"
          + " largest |gap| to the exact means %.2f Monte Carlo errors%n", worstRhat, PosteriorDraws.max(rawRhat),
          minEss, worstZ);

      Map<String, Object> metrics = new LinkedHashMap<>();
      metrics.put("task", "eight schools, non-centred, by NUTS, against exact posterior means by quadrature");
      metrics.put("seed", seed);
      metrics.put("chains", chains);
      metrics.put("warmup", warmup);
      metrics.put("draws", draws);
      metrics.put("target_acceptance", targetAcceptance);
      metrics.put("max_tree_depth", maxTreeDepth);
      metrics.put("divergences", nuts.divergences());
      metrics.put("warmup_divergences", nuts.samples().warmupDivergences());
      metrics.put("accept_stat", nuts.samples().acceptanceRate());
      metrics.put("mean_tree_depth", nuts.meanTreeDepth());
      metrics.put("max_tree_depth_hits", nuts.maxTreeDepthHits());
      metrics.put("mean_leapfrog_steps", nuts.meanLeapfrogSteps());
      metrics.put("rhat_max", worstRhat);
      metrics.put("ess_min", minEss);
      metrics.put("max_abs_gap_in_mc_errors", worstZ);
      for (int k = 0; k < names.length; k++) {
        String key = names[k].replace("[", "_").replace("]", "");
        metrics.put("mean_" + key, means.get(names[k]));
        metrics.put("exact_mean_" + key, exact[k]);
      }
      metrics.put("nuts_seconds", nuts.seconds());
      metrics.put("total_seconds", (System.nanoTime() - start) / 1e9);
      MetricsFile.write(output.resolve("metrics.json"), metrics);
      out.println("wrote " + output.resolve("metrics.json"));
    }
    return 0;
  }

  /** mu, tau and theta_1..8 per chain and draw: [10][chains][draws]. */
  static double[][][] quantities(NutsResult nuts, ParameterLayout layout) {
    float[][][] draws = nuts.samples().draws();
    int chains = nuts.samples().chainCount();
    int count = nuts.samples().drawCount();
    int mu = layout.index("mu", 0);
    int tauNormal = layout.index("tauNormal", 0);
    double[][][] out = new double[2 + EightSchools.SCHOOLS][chains][count];
    for (int c = 0; c < chains; c++) {
      for (int t = 0; t < count; t++) {
        float[] d = draws[t][c];
        double tau = EightSchools.tau(d[tauNormal]);
        out[0][c][t] = d[mu];
        out[1][c][t] = tau;
        for (int j = 0; j < EightSchools.SCHOOLS; j++) {
          out[2 + j][c][t] = d[mu] + tau * d[layout.index("thetaTilde", j)];
        }
      }
    }
    return out;
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
