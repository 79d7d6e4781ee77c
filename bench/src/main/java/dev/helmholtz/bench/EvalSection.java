package dev.helmholtz.bench;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.LogMarginalLikelihood;
import dev.helmholtz.samples.cli.TextTable;
import dev.helmholtz.samples.vae.Vae;
import dev.helmholtz.samples.vae.VaeModel;
import dev.helmholtz.train.ThreadSettings;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * The {@code eval} section: importance-sampled log-likelihood of the sample VAE at k = 5000 on a
 * few test images, four ways side by side in each round: the generated model's evaluation ({@code
 * logLikelihoodWithError}: its runs on every inter-op thread, the cheaper Bernoulli form); the
 * same model's reference path, as main evaluated before issue 24 ({@code
 * referenceLogLikelihoodWithError}: one run at a time); {@link HandWrittenEvaluation}, the same
 * model and weights in raw TensorFlow Java, one run at a time; and {@link EvaluationBound}, the
 * products and elementwise passes no evaluation can avoid, alone at the same shapes. The old and
 * new paths run on two models built from the same seed, round by round, so they draw the same
 * samples: their estimates must agree to float tolerance, and the section prints the largest
 * difference.
 *
 * <p>Wall time is what a user waits; process CPU time per estimate is the work, which on a
 * machine with no idle core (a shared one) is what wall time follows: running on two cores
 * shortens the wall time only where the second core is free.
 */
final class EvalSection {
  private static final int OLD = 0;
  private static final int NEW = 1;
  private static final int HAND = 2;
  private static final int BOUND = 3;
  /** Rows a generated evaluation run takes (VariationalEvaluation.EVALUATION_ROWS). */
  private static final int ROWS = 16_384;

  private final int k;
  private final int rounds;
  private final long seed;

  EvalSection(int k, int rounds, long seed) {
    this.k = k;
    this.rounds = rounds;
    this.seed = seed;
  }

  /** Runs the section on {@code test} (column "x", binarized), prints its table, and adds its summary rows. */
  void run(PrintStream out, Dataset test, ThreadSettings threads, List<String[]> summary) {
    out.printf(Locale.ROOT, "== eval: importance-sampled log-likelihood, k = %d, %d test images, sample VAE"
        + " (784-200-200-50 tanh, untrained), %d rounds ==%n", k, test.size(), rounds);
    int chunk = Math.min(k, ROWS);
    int examplesPerRun = Math.max(1, Math.min(500, ROWS / chunk));
    double[][] wall = new double[4][rounds];
    double[][] cpu = new double[4][rounds];
    double[] mean = new double[4];
    double maxDifference = 0;
    try (VaeModel oldModel = VaeModel.create(new Vae(), Seed.of(seed), threads);
        VaeModel newModel = VaeModel.create(new Vae(), Seed.of(seed), threads);
        HandWrittenEvaluation hand = new HandWrittenEvaluation(newModel, threads, ROWS);
        EvaluationBound bound = new EvaluationBound(examplesPerRun, chunk, threads, seed)) {
      // Warm-up, the same on both models so that they keep drawing the same samples.
      Dataset one = test.take(1);
      oldModel.referenceLogLikelihoodWithError(one, Math.min(k, 1000));
      newModel.logLikelihoodWithError(one, Math.min(k, 1000));
      hand.logLikelihood(one, Math.min(k, 1000));
      bound.runMs(1);
      int runs = (test.size() + examplesPerRun - 1) / examplesPerRun * ((k + chunk - 1) / chunk);
      for (int r = 0; r < rounds; r++) {
        long[] start = now();
        LogMarginalLikelihood old = oldModel.referenceLogLikelihoodWithError(test, k);
        record(wall, cpu, OLD, r, start, test.size());
        start = now();
        LogMarginalLikelihood fresh = newModel.logLikelihoodWithError(test, k);
        record(wall, cpu, NEW, r, start, test.size());
        start = now();
        mean[HAND] = hand.logLikelihood(test, k);
        record(wall, cpu, HAND, r, start, test.size());
        start = now();
        bound.runMs(runs);
        record(wall, cpu, BOUND, r, start, test.size());
        mean[OLD] = old.mean();
        mean[NEW] = fresh.mean();
        for (int i = 0; i < test.size(); i++) {
          maxDifference = Math.max(maxDifference, Math.abs(old.estimates()[i] - fresh.estimates()[i]));
        }
      }
    }
    TextTable table = new TextTable(1, "evaluation", "s/estimate", "estimates/s", "CPU s/estimate",
        "speed-up vs old", "CPU vs old", "bound/this", "mean estimate");
    String[] names = {"old (reference path, one run at a time)", "new (generated, parallel runs)",
        "hand-written TF Java", "bound (products + elementwise alone)"};
    for (int side : new int[] {OLD, NEW, HAND, BOUND}) {
      double s = BenchCommand.median(wall[side]);
      table.row(names[side], BenchCommand.fmt("%.4f", s), BenchCommand.fmt("%.2f", 1 / s),
          BenchCommand.fmt("%.4f", BenchCommand.median(cpu[side])),
          BenchCommand.fmt("%.2f", BenchCommand.medianRatio(wall[OLD], wall[side])),
          BenchCommand.fmt("%.2f", BenchCommand.medianRatio(cpu[OLD], cpu[side])),
          side == BOUND ? "" : BenchCommand.percent(BenchCommand.medianRatio(wall[BOUND], wall[side])),
          side == BOUND ? "" : BenchCommand.fmt("%.4f", mean[side]));
    }
    table.print(out);
    out.printf(Locale.ROOT, "old and new draw the same samples: largest per-example difference %.2e nats"
        + " (float rounding of the two Bernoulli forms). Times are medians over the rounds; speed-ups and"
        + " fractions are medians of each round's ratio (a round's sides run back to back). CPU = process CPU"
        + " time (every thread). bound/this = the bound's wall time over this side's: the fraction of the"
        + " bound it reaches. The hand-written estimate draws other samples, so it agrees to Monte Carlo error.%n",
        maxDifference);
    // The row earlier runs reported, for the new path: figures stay comparable across builds.
    summary.add(new String[] {"log-likelihood estimates/s at k = " + k, BenchCommand.fmt("%.2f",
        1 / BenchCommand.median(wall[NEW])), "", ""});
    double speedUp = BenchCommand.medianRatio(wall[OLD], wall[NEW]);
    summary.add(new String[] {"eval new/old speed-up (wall), k = " + k, BenchCommand.fmt("%.2f", speedUp), ">= 2.00",
        speedUp >= 2 ? "PASS" : "FAIL"});
    summary.add(new String[] {"eval new/old speed-up (CPU time)",
        BenchCommand.fmt("%.2f", BenchCommand.medianRatio(cpu[OLD], cpu[NEW])), "", ""});
    summary.add(new String[] {"eval new vs hand-written (wall)",
        BenchCommand.fmt("%.2f", BenchCommand.medianRatio(wall[HAND], wall[NEW])), "", ""});
    summary.add(new String[] {"eval fraction of its bound",
        BenchCommand.percent(BenchCommand.medianRatio(wall[BOUND], wall[NEW])), "", ""});
    summary.add(new String[] {"eval old-new largest difference, nats", BenchCommand.fmt("%.2e", maxDifference),
        "float", maxDifference < 1e-3 ? "PASS" : "FAIL"});
  }

  private static long[] now() {
    return new long[] {System.nanoTime(), processCpuNanos()};
  }

  private static void record(double[][] wall, double[][] cpu, int side, int round, long[] start, int estimates) {
    wall[side][round] = (System.nanoTime() - start[0]) / 1e9 / estimates;
    cpu[side][round] = (processCpuNanos() - start[1]) / 1e9 / estimates;
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }
}
