package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import dev.helmholtz.variational.Estimates.MeanError;
import dev.helmholtz.variational.TinySigmoidBeliefNet.Parameters;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.types.TFloat32;

/**
 * On a sigmoid belief net whose log-likelihood, ELBO and k-sample bounds are finite sums: the
 * model's Monte Carlo estimates match those sums, every bound lies below log p(x), and the
 * importance-sampled estimate rises with k to log p(x) (Burda et al. 2016, Theorem 1).
 */
class SigmoidBeliefNetBoundsTest {
  private static final int TEST_SIZE = 1000;
  private static TinySigmoidBeliefNet model;
  private static Dataset test;
  private static float[] flat;

  /** A short VIMCO fit, so q is a reasonable proposal but not yet the posterior (gaps stay visible). */
  @BeforeAll
  static void train() {
    model = new TinySigmoidBeliefNet(Seed.of(21), ObjectiveKind.VIMCO, 3);
    model.fit(Dataset.of("x", TinySigmoidBeliefNet.sample(1000, 31)),
        Training.epochs(1).batchSize(100).adam(3e-2).progress(ProgressListener.silent()));
    test = Dataset.of("x", TinySigmoidBeliefNet.sample(TEST_SIZE, 32));
    flat = test.flat("x");
  }

  @AfterAll
  static void close() {
    model.close();
  }

  /** Per test example, a function of the parameters and x (the enumerated references). */
  private static double[] perExample(java.util.function.BiFunction<Parameters, float[], Double> f) {
    Parameters p = model.parameters();
    double[] out = new double[TEST_SIZE];
    for (int i = 0; i < TEST_SIZE; i++) {
      out[i] = f.apply(p, TinySigmoidBeliefNet.row(flat, i));
    }
    return out;
  }

  private static double mean(double[] values) {
    return java.util.Arrays.stream(values).average().orElseThrow();
  }

  @Test
  void enumeratedBoundsAreOrdered() {
    // The references themselves: ELBO = 1-sample bound <= 2-sample <= 3-sample <= log p(x),
    // exactly (rounding aside), for every example.
    Parameters p = model.parameters();
    for (int i = 0; i < TEST_SIZE; i += 97) {
      float[] x = TinySigmoidBeliefNet.row(flat, i);
      double elbo = TinySigmoidBeliefNet.exactElbo(p, x);
      assertEquals(elbo, TinySigmoidBeliefNet.exactBound(p, x, 1), 1e-12);
      double previous = elbo;
      for (int k = 2; k <= 3; k++) {
        double bound = TinySigmoidBeliefNet.exactBound(p, x, k);
        assertTrue(bound >= previous - 1e-12, "k=" + k + " bound " + bound + " below " + previous);
        previous = bound;
      }
      assertTrue(previous <= TinySigmoidBeliefNet.exactLogLikelihood(p, x) + 1e-12);
    }
  }

  @Test
  void elboMatchesEnumerationAndIsBelowExact() {
    double elbo = model.elbo(test);
    double[] exactElbo = perExample(TinySigmoidBeliefNet::exactElbo);
    double exact = mean(perExample(TinySigmoidBeliefNet::exactLogLikelihood));
    // The single-sample estimates per example (k = 1 is the ELBO estimator for this model: its
    // KL is Monte Carlo) give the standard error of the mean of 1000 single-sample ELBOs.
    double[] single = model.logLikelihoods(test, 1).stream().mapToDouble(Double::doubleValue).toArray();
    MeanError noise = Estimates.paired(single, exactElbo);
    String figures = "elbo " + elbo + ", enumerated ELBO " + mean(exactElbo) + ", exact log p " + exact
        + ", single-sample error " + noise;
    // 4 standard errors: a false alarm has probability below 1e-4; 1e-4 absolute for float32 sums.
    assertEquals(mean(exactElbo), elbo, 4 * noise.error() + 1e-4, figures);
    assertTrue(elbo <= exact + 4 * noise.error(), figures);
    assertTrue(exact - mean(exactElbo) > 0.1, "the gap is visible, so the test can tell: " + figures);
  }

  @Test
  void importanceSampledEstimateRisesWithKAndApproachesExact() {
    double[] exactPer = perExample(TinySigmoidBeliefNet::exactLogLikelihood);
    double exact = mean(exactPer);
    int[] ks = {1, 2, 3, 5, 50, 500};
    double[][] byK = new double[ks.length][];
    StringBuilder figures = new StringBuilder("exact " + exact);
    for (int i = 0; i < ks.length; i++) {
      byK[i] = model.logLikelihoods(test, ks[i]).stream().mapToDouble(Double::doubleValue).toArray();
      figures.append(", k=").append(ks[i]).append(' ').append(mean(byK[i]));
    }
    // Non-decreasing in k: no drop of more than 3 paired standard errors between neighbours.
    for (int i = 1; i < ks.length; i++) {
      MeanError rise = Estimates.paired(byK[i], byK[i - 1]);
      assertTrue(rise.mean() > -3 * rise.error(), "k=" + ks[i - 1] + " -> " + ks[i] + ": " + figures);
    }
    // At k = 1, 2, 3 the mean estimate is the expected bound, enumerated over all 4^k tuples:
    // within 4 standard errors and 1e-4 for float32.
    for (int i = 0; i < 3; i++) {
      int k = ks[i];
      MeanError error = Estimates.paired(byK[i], perExample((p, x) -> TinySigmoidBeliefNet.exactBound(p, x, k)));
      assertEquals(0, error.mean(), 4 * error.error() + 1e-4, "k=" + k + ": " + error + "; " + figures);
    }
    // A lower bound in expectation, and within 0.005 nats of exact at k = 500 (four latent
    // states: the estimate's bias there is about var(w) / (2 k p(x)^2), far below that).
    MeanError gap = Estimates.paired(byK[ks.length - 1], exactPer);
    assertTrue(gap.mean() <= 3 * gap.error(), "above exact: " + gap + "; " + figures);
    assertEquals(0, gap.mean(), 0.005 + 3 * gap.error(), figures.toString());
    assertTrue(mean(byK[ks.length - 1]) - mean(byK[0]) > 0.1, "k matters here: " + figures);
  }

  /**
   * The objective each training target reports is the bound it claims, below log p(x): the ELBO
   * for ELBO, NVIL and wake-sleep, the k-sample bound for VIMCO and reweighted wake-sleep;
   * checked against enumeration at freshly initialized parameters.
   */
  @ParameterizedTest(name = "{0} k={1}")
  @CsvSource({"ELBO, 1", "NVIL, 1", "WAKE_SLEEP, 1", "VIMCO, 2", "VIMCO, 3", "REWEIGHTED_WAKE_SLEEP, 3"})
  void reportedObjectiveIsTheBoundItClaims(ObjectiveKind kind, int k) {
    try (TinySigmoidBeliefNet net = new TinySigmoidBeliefNet(Seed.of(5), kind, k);
        TFloat32 x = Estimates.matrix(flat, TinySigmoidBeliefNet.OBSERVED)) {
      Parameters p = net.parameters();
      double expected = 0;
      double exact = 0;
      for (int i = 0; i < TEST_SIZE; i++) {
        float[] row = TinySigmoidBeliefNet.row(flat, i);
        expected += TinySigmoidBeliefNet.exactBound(p, row, k) / TEST_SIZE;
        exact += TinySigmoidBeliefNet.exactLogLikelihood(p, row) / TEST_SIZE;
      }
      int runs = 50;
      double[] reported = new double[runs];
      for (int r = 0; r < runs; r++) {
        reported[r] = Estimates.run(net, x, List.of(net.trainingStep().objectiveMean()))[0][0];
      }
      MeanError value = Estimates.of(reported);
      String figures = kind + " reported " + value + ", enumerated bound " + expected + ", exact " + exact;
      // 4 standard errors of the mean of 50 runs, 1e-4 for float32 means over 1000 examples.
      assertEquals(expected, value.mean(), 4 * value.error() + 1e-4, figures);
      assertTrue(expected <= exact, figures);
    }
  }
}
