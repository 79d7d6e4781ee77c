package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.types.TFloat32;

/**
 * On a model whose log-likelihood is known exactly: the ELBO lies below it, and the
 * importance-sampled estimate rises with k towards it (Burda et al. 2016, Theorem 1).
 */
class LinearGaussianBoundsTest {
  private static LinearGaussian model;
  private static Dataset test;
  private static double exact;

  /** Data from a fixed linear-Gaussian model, then a short fit so q is a reasonable proposal. */
  @BeforeAll
  static void train() {
    model = new LinearGaussian(Seed.of(7), ObjectiveKind.ELBO, 1, true);
    model.fit(sample(4000, 11), Training.epochs(30).batchSize(100).adam(1e-2)
        .progress(ProgressListener.silent()));
    test = sample(300, 12);
    float[] flat = test.flat("x");
    double sum = 0;
    for (int i = 0; i < test.size(); i++) {
      sum += model.exactLogLikelihood(java.util.Arrays.copyOfRange(flat, 3 * i, 3 * i + 3));
    }
    exact = sum / test.size();
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static Dataset sample(int n, long seed) {
    // Orthogonal rows: the exact posterior is then diagonal, within reach of the diagonal q, so
    // importance weights are well behaved and the estimate converges in k as theory says.
    double[][] w = {{1.0, -0.5, 0.8}, {0.5, 1.0, 0.0}};
    double[] b = {0.5, -1.0, 0.2};
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[n][3];
    for (int i = 0; i < n; i++) {
      double z0 = gaussian(random);
      double z1 = gaussian(random);
      for (int j = 0; j < 3; j++) {
        rows[i][j] = (float) (z0 * w[0][j] + z1 * w[1][j] + b[j] + LinearGaussian.NOISE_STD * gaussian(random));
      }
    }
    return Dataset.of("x", rows);
  }

  private static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  /** Exact log p(x) per test example. */
  private static double[] exactPerExample() {
    float[] flat = test.flat("x");
    double[] exactPer = new double[test.size()];
    for (int i = 0; i < test.size(); i++) {
      exactPer[i] = model.exactLogLikelihood(java.util.Arrays.copyOfRange(flat, 3 * i, 3 * i + 3));
    }
    return exactPer;
  }

  /** Mean and standard error of a - b over paired examples. */
  private static double[] pairedDifference(double[] a, double[] b) {
    int n = a.length;
    double mean = 0;
    for (int i = 0; i < n; i++) {
      mean += (a[i] - b[i]) / n;
    }
    double variance = 0;
    for (int i = 0; i < n; i++) {
      double d = a[i] - b[i] - mean;
      variance += d * d / (n - 1);
    }
    return new double[] {mean, Math.sqrt(variance / n)};
  }

  private static double[] estimates(int k) {
    return model.logLikelihoods(test, k).stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Test
  void elboIsBelowTheExactLogLikelihood() {
    double elbo = model.elbo(test);
    // The gap is KL(q || posterior) >= 0; 0.01 nats covers the Monte Carlo noise of the mean
    // of 300 single-sample ELBOs for this model.
    assertTrue(elbo <= exact + 0.01, "ELBO " + elbo + " vs exact " + exact);
  }

  @Test
  void importanceSampledEstimateRisesWithKAndApproachesExact() {
    double[] exactPer = exactPerExample();
    int[] ks = {1, 10, 100, 2000};
    double[][] byK = new double[ks.length][];
    for (int i = 0; i < ks.length; i++) {
      byK[i] = estimates(ks[i]);
    }
    StringBuilder figures = new StringBuilder("exact " + exact);
    for (int i = 0; i < ks.length; i++) {
      figures.append(", k=").append(ks[i]).append(' ').append(pairedDifference(byK[i], exactPer)[0] + exact);
    }
    // Non-decreasing in k (Burda et al., Theorem 1): no significant drop between neighbours.
    for (int i = 1; i < ks.length; i++) {
      double[] rise = pairedDifference(byK[i], byK[i - 1]);
      assertTrue(rise[0] > -3 * rise[1], "k=" + ks[i - 1] + " -> " + ks[i] + ": " + figures);
    }
    // A lower bound in expectation, and close to exact at k = 2000.
    double[] gap = pairedDifference(byK[ks.length - 1], exactPer);
    assertTrue(gap[0] <= 3 * gap[1], "above exact: " + figures);
    assertEquals(0, gap[0], 0.02 + 3 * gap[1], figures.toString());
  }

  @Test
  void chunkedEstimateOverManyRowsMatchesExact() {
    // 40,000 samples per example exceed one run's row budget: the estimate is assembled from chunks.
    Dataset two = test.take(2);
    List<Double> estimates = model.logLikelihoods(two, 40_000);
    float[] flat = two.flat("x");
    for (int i = 0; i < 2; i++) {
      double exactOne = model.exactLogLikelihood(java.util.Arrays.copyOfRange(flat, 3 * i, 3 * i + 3));
      assertEquals(exactOne, estimates.get(i), 0.02, "example " + i);
    }
  }

  /**
   * Every training objective reports a bound below log p(x): after a short fit under that
   * objective (q still rough, so the gaps are visible), the reported objective averaged over
   * fresh draws is below the exact log-likelihood, and equals the model's evaluation estimate of
   * the same bound (the k-sample importance estimate; at k = 1 the single-sample ELBO, the KL
   * being Monte Carlo).
   */
  @ParameterizedTest(name = "{0} k={1}")
  @CsvSource({"ELBO, 1", "IWAE, 5", "NVIL, 1", "VIMCO, 5", "WAKE_SLEEP, 1", "REWEIGHTED_WAKE_SLEEP, 5"})
  void everyReportedObjectiveIsBelowTheExactLogLikelihood(ObjectiveKind kind, int k) {
    try (LinearGaussian fresh = new LinearGaussian(Seed.of(9), kind, k, false);
        TFloat32 x = Estimates.matrix(test.flat("x"), 3)) {
      fresh.fit(sample(2000, 13), Training.epochs(3).batchSize(50).adam(2e-2).progress(ProgressListener.silent()));
      float[] flat = test.flat("x");
      double exactHere = 0;
      for (int i = 0; i < test.size(); i++) {
        exactHere += fresh.exactLogLikelihood(java.util.Arrays.copyOfRange(flat, 3 * i, 3 * i + 3)) / test.size();
      }
      int runs = 50;
      double[] reported = new double[runs];
      for (int r = 0; r < runs; r++) {
        reported[r] = Estimates.run(fresh, x, List.of(fresh.trainingStep().objectiveMean()))[0][0];
      }
      Estimates.MeanError value = Estimates.of(reported);
      Estimates.MeanError evaluation = Estimates.of(
          fresh.logLikelihoods(test, k).stream().mapToDouble(Double::doubleValue).toArray());
      String figures = kind + " reported " + value + ", evaluated " + evaluation + ", exact " + exactHere;
      // 4 standard errors: of the mean of 50 runs for the bound; for the comparison, combined
      // with the evaluation's from its spread over the 300 examples (conservative: that spread
      // also holds the differences between examples, which both means share).
      assertTrue(value.mean() <= exactHere + 4 * value.error(), figures);
      assertEquals(evaluation.mean(), value.mean(), 4 * Math.hypot(value.error(), evaluation.error()), figures);
      assertTrue(exactHere - value.mean() > 0.1, "the gap is visible: " + figures);
    }
  }

  @Test
  void theStandardErrorOfTheEstimateShrinksWithKAndCoversTheGap() {
    double[] exactPer = exactPerExample();
    dev.helmholtz.infer.LogMarginalLikelihood small = model.logLikelihoodWithError(test, 200);
    dev.helmholtz.infer.LogMarginalLikelihood large = model.logLikelihoodWithError(test, 2000);
    double zSquares = 0;
    for (int i = 0; i < test.size(); i++) {
      double z = (large.estimates()[i] - exactPer[i]) / large.standardErrors()[i];
      zSquares += z * z / test.size();
    }
    String report = "k=200: " + small.mean() + " +- " + small.standardError() + ", k=2000: " + large.mean()
        + " +- " + large.standardError() + ", exact " + exact + ", mean squared z at k=2000 " + zSquares
        + ", min ESS " + large.minEffectiveSampleSize();
    // The delta-method error falls like 1 / sqrt(k): by sqrt(10) from k = 200 to 2000.
    assertStandardErrorFallsLikeOneOverRootK(large);
    // The estimate is within its error of exact, allowing the same 0.02 nats of bias at k = 2000
    // as importanceSampledEstimateRisesWithKAndApproachesExact.
    assertEquals(exact, large.mean(), 4 * large.standardError() + 0.02, report);
    // This q was fitted by the ELBO and its weights are heavy-tailed for some examples (min ESS
    // ~5 of 2000), where the delta method is optimistic: mean squared z measured 2.2, not 1. A
    // standard error off by more than a factor 2 overall fails here.
    assertTrue(zSquares > 0.25 && zSquares < 4, report);
    assertEquals(model.logLikelihoods(test, 2000).stream().mapToDouble(Double::doubleValue).average().orElseThrow(),
        large.mean(), 4 * large.standardError() + 1e-3, "the same estimator as logLikelihoods; " + report);
  }

  /**
   * The delta-method error is sqrt(var w / k) / mean w, so from k = 200 to k = 2000 its square
   * falls tenfold. That holds where the weights are light-tailed: on the examples whose weights
   * have an effective sample size above 90% of the draws on a k = 2000 run of their own (on the
   * others, heavy tails make a k = 200 run underestimate the variance: over all 300 examples the
   * ratio of the errors was 1.66, not sqrt(10); over those with ESS above half the draws, 2.6).
   * The k = 200 squared errors, summed over the chosen examples, are averaged over {@value
   * #REPEATS} independent runs; the spread of the runs is the sampling error of that estimate,
   * and the k = 2000 run's is taken as that over sqrt(10) (ten times the draws of the same
   * weights). The ratio must be 10 within 4 of the combined errors, and at least 10% (measured 10.09 and
   * 9.69): an error falling like 1/k (ratio 100) or like k^-0.45 (7.9) fails.
   */
  private static void assertStandardErrorFallsLikeOneOverRootK(dev.helmholtz.infer.LogMarginalLikelihood large) {
    // Chosen on a run of their own, so that the choice does not favour the runs measured.
    dev.helmholtz.infer.LogMarginalLikelihood choosing = model.logLikelihoodWithError(test, 2000);
    boolean[] light = new boolean[test.size()];
    int chosen = 0;
    for (int i = 0; i < light.length; i++) {
      light[i] = choosing.effectiveSampleSizes()[i] > 0.9 * 2000;
      chosen += light[i] ? 1 : 0;
    }
    assertTrue(chosen >= 50, "light-tailed examples: " + chosen + " of " + light.length);
    double[] smallSquares = new double[REPEATS];
    for (int r = 0; r < REPEATS; r++) {
      smallSquares[r] = summedSquaredErrors(model.logLikelihoodWithError(test, 200), light);
    }
    Estimates.MeanError small = Estimates.of(smallSquares);
    double ratio = small.mean() / summedSquaredErrors(large, light);
    double relativeSpread = small.error() * Math.sqrt(REPEATS) / small.mean();
    double relativeError = Math.hypot(relativeSpread / Math.sqrt(REPEATS), relativeSpread / Math.sqrt(10));
    // Four combined errors, but never under 10% of the ratio: eight runs understate the spread of
    // squared errors whose weights still have some tail, and the one k=2000 run is not repeated
    // (a clean clone measured 9.69 with a four-error window of 0.18). Both planted bugs stay far
    // outside: an error falling like 1/k gives 100, like k^-0.45 gives 7.9.
    assertEquals(10, ratio, Math.max(4 * relativeError * 10, 1.0), "squared-error ratio k=200 / k=2000 over " + chosen
        + " light-tailed examples: " + ratio + " (relative spread of one k=200 run " + relativeSpread + ")");
  }

  private static final int REPEATS = 8;

  private static double summedSquaredErrors(dev.helmholtz.infer.LogMarginalLikelihood estimate, boolean[] chosen) {
    double sum = 0;
    for (int i = 0; i < chosen.length; i++) {
      sum += chosen[i] ? estimate.standardErrors()[i] * estimate.standardErrors()[i] : 0;
    }
    return sum;
  }
}
