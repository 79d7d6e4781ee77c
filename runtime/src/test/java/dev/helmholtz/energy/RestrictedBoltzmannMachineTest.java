package dev.helmholtz.energy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.train.Checkpoints;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ScalarSchedule;
import dev.helmholtz.train.Training;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny Bernoulli-Bernoulli RBM against enumeration: its Gibbs conditionals, free energy and
 * log Z; contrastive divergence's gradient against its exact expectation (CD-1) and the exact
 * log-likelihood gradient (long chains); persistent chains that keep their state and reach the
 * model's distribution; exact resume; AIS within its error bar of the exact log Z, its lower
 * bound rising with the number of temperatures.
 */
class RestrictedBoltzmannMachineTest {

  private static Dataset randomRows(int rows, int width, long seed) {
    Random random = new Random(seed);
    float[][] x = new float[rows][width];
    for (float[] row : x) {
      for (int j = 0; j < width; j++) {
        // Unit j is on with probability rising in j, so the data have structure to learn.
        row[j] = random.nextDouble() < 0.2 + 0.6 * j / Math.max(1, width - 1) ? 1 : 0;
      }
    }
    return Dataset.of("v", x);
  }

  private static Training quiet(int epochs, int batchSize, double learningRate) {
    return Training.epochs(epochs).batchSize(batchSize).adam(learningRate).seed(1)
        .progress(ProgressListener.silent());
  }

  /** Every configuration of {@code width} binary units, row s holding the bits of s. */
  private static float[][] allConfigurations(int width) {
    float[][] x = new float[1 << width][];
    for (int s = 0; s < x.length; s++) {
      double[] bits = TinyRbm.Exact.bits(s, 0, width);
      x[s] = new float[width];
      for (int j = 0; j < width; j++) {
        x[s][j] = (float) bits[j];
      }
    }
    return x;
  }

  private static double[] toDouble(float[] x) {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      d[i] = x[i];
    }
    return d;
  }

  @Test
  void gibbsConditionalsFreeEnergyAndLogPartitionMatchEnumeration() {
    try (TinyRbm rbm = new TinyRbm(5, 3, 1, 0, 1f, 7)) {
      // A few updates move every parameter off its initial value (the biases start at 0).
      rbm.fit(randomRows(64, 5, 1), quiet(3, 16, 0.5));
      TinyRbm.Exact exact = rbm.exact();
      assertTrue(Arrays.stream(exact.c()).allMatch(c -> Math.abs(c) > 1e-4), "trained hidden biases");
      float[][] all = allConfigurations(5);
      Dataset configurations = Dataset.of("v", all);

      float[][] hidden = rbm.latentMeans(configurations).get("h");
      float[] free = rbm.freeEnergy(configurations);
      for (int s = 0; s < all.length; s++) {
        double[] v = toDouble(all[s]);
        assertArrayEquals(exact.hiddenMeans(v), toDouble(hidden[s]), 1e-5, "p(h | v) at " + s);
        double[] terms = new double[1 << 3];
        for (int t = 0; t < terms.length; t++) {
          terms[t] = -exact.energy(v, TinyRbm.Exact.bits(t, 0, 3));
        }
        assertEquals(-TinyRbm.Exact.logSumExp(terms), free[s], 1e-4, "free energy at " + s);
      }
      assertEquals(exact.logPartitionByJointEnumeration(), rbm.exactLogPartition(), 1e-4);

      // One sweep: h drawn given v, then v given h; v's reported mean is p(v | that h).
      Map<String, float[][]> sweep = rbm.gibbsChains(configurations, 1);
      for (int s = 0; s < all.length; s++) {
        double[] h = toDouble(sweep.get("h")[s]);
        for (double x : h) {
          assertTrue(x == 0 || x == 1, "binary h");
        }
        assertArrayEquals(exact.visibleMeans(h), toDouble(sweep.get("v/mean")[s]), 1e-5, "p(v | h) at " + s);
      }
    }
  }

  /** Data rows repeated so that the Monte Carlo error of a gradient entry is about 0.003. */
  private static Dataset repeated(Dataset rows, int times) {
    float[] flat = rows.flat("v");
    int width = rows.width("v");
    float[][] out = new float[rows.size() * times][];
    for (int r = 0; r < out.length; r++) {
      out[r] = Arrays.copyOfRange(flat, (r % rows.size()) * width, (r % rows.size() + 1) * width);
    }
    return Dataset.of("v", out);
  }

  /** d mean log p / d K, b, c of the tiny RBM, with the negative phase's statistics given. */
  private static double[][] gradient(TinyRbm.Exact exact, Dataset data, double[][] negative) {
    int hid = exact.hidden();
    int vis = exact.visible();
    double[][] g = new double[hid + 2][];
    double[][] positive = statistics(exact, data);
    for (int r = 0; r < g.length; r++) {
      g[r] = new double[positive[r].length];
      for (int j = 0; j < g[r].length; j++) {
        g[r][j] = positive[r][j] - negative[r][j];
      }
    }
    return g;
  }

  /** E[mu_i v_j] rows 0..H-1, E[v] row H, E[mu] row H+1, over the rows of {@code data}. */
  private static double[][] statistics(TinyRbm.Exact exact, Dataset data) {
    int vis = exact.visible();
    float[] flat = data.flat("v");
    double[][] s = new double[exact.hidden() + 2][];
    for (int i = 0; i < exact.hidden(); i++) {
      s[i] = new double[vis];
    }
    s[exact.hidden()] = new double[vis];
    s[exact.hidden() + 1] = new double[exact.hidden()];
    for (int r = 0; r < data.size(); r++) {
      double[] v = toDouble(Arrays.copyOfRange(flat, r * vis, (r + 1) * vis));
      accumulate(s, exact, v, 1.0 / data.size());
    }
    return s;
  }

  private static void accumulate(double[][] s, TinyRbm.Exact exact, double[] v, double weight) {
    double[] mu = exact.hiddenMeans(v);
    for (int i = 0; i < exact.hidden(); i++) {
      for (int j = 0; j < exact.visible(); j++) {
        s[i][j] += weight * mu[i] * v[j];
      }
      s[exact.hidden() + 1][i] += weight * mu[i];
    }
    for (int j = 0; j < exact.visible(); j++) {
      s[exact.hidden()][j] += weight * v[j];
    }
  }

  /**
   * {@code actual} is with respect to the variables, which the energy multiplies by the scale:
   * the scaled parameters' gradient {@code expected} times the scale.
   */
  private static void assertGradient(double[][] unscaled, Map<String, float[]> actual, TinyRbm rbm,
      double tolerance) {
    double[][] expected = new double[unscaled.length][];
    for (int r = 0; r < unscaled.length; r++) {
      expected[r] = new double[unscaled[r].length];
      for (int j = 0; j < unscaled[r].length; j++) {
        expected[r][j] = rbm.scale * unscaled[r][j];
      }
    }
    int hid = rbm.hidden;
    int vis = rbm.visible;
    float[] k = actual.get(TinyRbm.KERNEL);
    float[] b = actual.get(TinyRbm.VISIBLE_BIAS);
    float[] c = actual.get(TinyRbm.HIDDEN_BIAS);
    for (int i = 0; i < hid; i++) {
      for (int j = 0; j < vis; j++) {
        assertEquals(expected[i][j], k[i * vis + j], tolerance, "dK[" + i + "][" + j + "]");
      }
      assertEquals(expected[hid + 1][i], c[i], tolerance, "dc[" + i + "]");
    }
    for (int j = 0; j < vis; j++) {
      assertEquals(expected[hid][j], b[j], tolerance, "db[" + j + "]");
    }
  }

  @Test
  void cdOneGradientIsItsExactExpectation() {
    // Strong weights (scale 3): the chain mixes slowly, so CD-1 is far from the likelihood's gradient.
    // Untrained, so that the data are far from the model and the gradients large.
    try (TinyRbm rbm = new TinyRbm(4, 3, 1, 0, 3f, 11)) {
      TinyRbm.Exact exact = rbm.exact();
      Dataset rows = randomRows(8, 4, 3);
      // CD-1's negative statistics: v1 ~ p(v | h0), h0 ~ p(h | v0), summed over h0 and v1.
      double[][] negative = new double[exact.hidden() + 2][];
      for (int i = 0; i < exact.hidden(); i++) {
        negative[i] = new double[exact.visible()];
      }
      negative[exact.hidden()] = new double[exact.visible()];
      negative[exact.hidden() + 1] = new double[exact.hidden()];
      float[] flat = rows.flat("v");
      for (int r = 0; r < rows.size(); r++) {
        double[] v0 = toDouble(Arrays.copyOfRange(flat, r * 4, (r + 1) * 4));
        double[] mu0 = exact.hiddenMeans(v0);
        for (int t = 0; t < 1 << exact.hidden(); t++) {
          double[] h0 = TinyRbm.Exact.bits(t, 0, exact.hidden());
          double ph = probability(mu0, h0);
          double[] pv = exact.visibleMeans(h0);
          for (int s = 0; s < 1 << exact.visible(); s++) {
            double[] v1 = TinyRbm.Exact.bits(s, 0, exact.visible());
            accumulate(negative, exact, v1, ph * probability(pv, v1) / rows.size());
          }
        }
      }
      double[][] expected = gradient(exact, rows, negative);
      assertGradient(expected, rbm.contrastiveGradient(repeated(rows, 4000)), rbm, 0.015 * 3);
      // CD-1's expectation is not the likelihood's gradient (the next test's): this test tells them apart.
      double[][] likelihood = gradient(exact, rows, modelStatistics(exact));
      double largest = 0;
      for (int r = 0; r < expected.length; r++) {
        for (int j = 0; j < expected[r].length; j++) {
          largest = Math.max(largest, Math.abs(expected[r][j] - likelihood[r][j]));
        }
      }
      // Twice the tolerance above (0.015 in the scaled parameters' units).
      assertTrue(largest > 0.03, "CD-1 and the likelihood gradient differ by " + largest + " only");
    }
  }

  @Test
  void cdOneWithMeanReconstructionFollowsTheVisibleProbabilitiesExpectation() {
    // Hinton's recipe: the negative statistics at v1 = p(v | h0), h0 ~ p(h | v0), not at a draw of v1.
    try (TinyRbm rbm = TinyRbm.withMeanReconstruction(4, 3, 1, 3f, 11)) {
      TinyRbm.Exact exact = rbm.exact();
      Dataset rows = randomRows(8, 4, 3);
      // Each statistic by enumeration over h0 and, for the drawn reconstruction, v1.
      double[][] atMeans = new double[exact.hidden() + 2][];
      double[][] atDraws = new double[exact.hidden() + 2][];
      for (int i = 0; i < exact.hidden(); i++) {
        atMeans[i] = new double[exact.visible()];
        atDraws[i] = new double[exact.visible()];
      }
      atMeans[exact.hidden()] = new double[exact.visible()];
      atDraws[exact.hidden()] = new double[exact.visible()];
      atMeans[exact.hidden() + 1] = new double[exact.hidden()];
      atDraws[exact.hidden() + 1] = new double[exact.hidden()];
      float[] flat = rows.flat("v");
      for (int r = 0; r < rows.size(); r++) {
        double[] mu0 = exact.hiddenMeans(toDouble(Arrays.copyOfRange(flat, r * 4, (r + 1) * 4)));
        for (int t = 0; t < 1 << exact.hidden(); t++) {
          double[] h0 = TinyRbm.Exact.bits(t, 0, exact.hidden());
          double ph = probability(mu0, h0) / rows.size();
          double[] pv = exact.visibleMeans(h0);
          accumulate(atMeans, exact, pv, ph);
          for (int s = 0; s < 1 << exact.visible(); s++) {
            double[] v1 = TinyRbm.Exact.bits(s, 0, exact.visible());
            accumulate(atDraws, exact, v1, ph * probability(pv, v1));
          }
        }
      }
      double[][] expected = gradient(exact, rows, atMeans);
      assertGradient(expected, rbm.contrastiveGradient(repeated(rows, 4000)), rbm, 0.015 * 3);
      // The two expectations differ by more than that tolerance (twice it), so a model that drew v1 would fail.
      double[][] drawn = gradient(exact, rows, atDraws);
      double largest = 0;
      for (int r = 0; r < expected.length; r++) {
        for (int j = 0; j < expected[r].length; j++) {
          largest = Math.max(largest, Math.abs(expected[r][j] - drawn[r][j]));
        }
      }
      assertTrue(largest > 0.03, "the means' and the draws' expectations differ by " + largest + " only");
      assertTrue(rbm.spec().toString().endsWith("mean reconstruction"), rbm.spec().toString());
    }
  }

  /** The model's statistics, by enumeration of v (h summed out through its means). */
  private static double[][] modelStatistics(TinyRbm.Exact exact) {
    double[] logMarginals = exact.logMarginals();
    double[][] negative = new double[exact.hidden() + 2][];
    for (int i = 0; i < exact.hidden(); i++) {
      negative[i] = new double[exact.visible()];
    }
    negative[exact.hidden()] = new double[exact.visible()];
    negative[exact.hidden() + 1] = new double[exact.hidden()];
    for (int s = 0; s < logMarginals.length; s++) {
      accumulate(negative, exact, TinyRbm.Exact.bits(s, 0, exact.visible()), Math.exp(logMarginals[s]));
    }
    return negative;
  }

  private static double probability(double[] means, double[] x) {
    double p = 1;
    for (int i = 0; i < x.length; i++) {
      p *= x[i] == 1 ? means[i] : 1 - means[i];
    }
    return p;
  }

  @Test
  void longChainsGiveTheExactLogLikelihoodGradient() {
    // Untrained and with weights doubled, so that the gradient is large.
    try (TinyRbm rbm = new TinyRbm(4, 3, 20, 0, 2f, 13)) {
      TinyRbm.Exact exact = rbm.exact();
      Dataset rows = randomRows(8, 4, 5);
      double[][] expected = gradient(exact, rows, modelStatistics(exact));
      double largest = Arrays.stream(expected).flatMapToDouble(Arrays::stream).map(Math::abs).max().orElseThrow();
      assertTrue(largest > 0.1, "a gradient this small tells nothing: " + largest);
      assertGradient(expected, rbm.contrastiveGradient(repeated(rows, 4000)), rbm, 0.015 * 2);
    }
  }

  @Test
  void persistentChainsKeepTheirStateAndReachTheModelsDistribution() {
    try (TinyRbm rbm = new TinyRbm(4, 3, 1, 4000, 2f, 17)) {
      TinyRbm.Exact exact = rbm.exact();
      float[][] initial = rbm.persistentChains().get("v");
      assertEquals(4000, initial.length);
      // A learning rate of 1e-9 leaves the model as it is; only the chains move.
      Training still = quiet(1, 10, 1e-9).schedule(ContrastiveDivergence.MOMENTUM, ScalarSchedule.constant(0));
      rbm.fit(randomRows(10, 4, 6), still);
      float[][] afterOne = rbm.persistentChains().get("v");
      assertFalse(Arrays.deepEquals(initial, afterOne), "one update moves the chains");
      rbm.fit(randomRows(10, 4, 6), still.withEpochs(60));
      float[][] after = rbm.persistentChains().get("v");
      // Chains restarted at the data or at noise each update would not be at the model's marginals.
      double[] logMarginals = exact.logMarginals();
      double[] modelMeans = new double[4];
      for (int s = 0; s < logMarginals.length; s++) {
        double[] v = TinyRbm.Exact.bits(s, 0, 4);
        for (int j = 0; j < 4; j++) {
          modelMeans[j] += Math.exp(logMarginals[s]) * v[j];
        }
      }
      assertTrue(Arrays.stream(modelMeans).anyMatch(m -> Math.abs(m - 0.5) > 0.1),
          "the model's marginals differ from the chains' start: " + Arrays.toString(modelMeans));
      for (int j = 0; j < 4; j++) {
        double mean = 0;
        for (float[] row : after) {
          mean += row[j] / after.length;
        }
        assertEquals(modelMeans[j], mean, 0.04, "chains' mean of v" + j);
      }
    }
  }

  private record Run(Map<String, float[]> parameters, float[][] chains) {}

  private static Run train(Training training) {
    try (TinyRbm rbm = new TinyRbm(6, 4, 2, 20, 1f, 19)) {
      rbm.fit(randomRows(80, 6, 7), training);
      Map<String, float[]> parameters = new java.util.LinkedHashMap<>();
      rbm.parameterNames().forEach(name -> parameters.put(name, rbm.parameter(name)));
      return new Run(parameters, rbm.persistentChains().get("v"));
    }
  }

  @Test
  void aResumedPersistentRunRepeatsTheUninterruptedRun(@TempDir Path dir) throws Exception {
    Training training = quiet(3, 20, 0.1).schedule(ContrastiveDivergence.WEIGHT_DECAY, ScalarSchedule.constant(1e-3));
    Path all = dir.resolve("all");
    Run uninterrupted = train(training.checkpoints(all).checkpointEvery(5).keepCheckpoints(10));
    Run resumed = train(training.resumeFrom(all.resolve(Checkpoints.name(5))));
    uninterrupted.parameters().forEach((name, values) ->
        assertArrayEquals(values, resumed.parameters().get(name), 0f, name));
    assertTrue(Arrays.deepEquals(uninterrupted.chains(), resumed.chains()), "the persistent chains");
    // Without the checkpoint's chains (a fresh model trained from step 5's weights is not possible),
    // a run of another seed differs: the comparison above is not vacuous.
    Run other = train(training.seed(2));
    assertFalse(Arrays.equals(uninterrupted.parameters().get(TinyRbm.KERNEL), other.parameters().get(TinyRbm.KERNEL)));
  }

  @Test
  void annealedImportanceSamplingFindsTheExactLogPartitionWithinItsErrorBar() {
    try (TinyRbm rbm = new TinyRbm(12, 6, 1, 0, 2.5f, 23)) {
      double exact = rbm.exactLogPartition();
      assertEquals(rbm.exact().logPartitionByJointEnumeration(), exact, 1e-3);
      Dataset base = randomRows(200, 12, 8);
      double[] lowerBounds = new double[3];
      int[] temperatures = {10, 100, 2000};
      AnnealedImportanceSampling.Estimate estimate = null;
      for (int i = 0; i < temperatures.length; i++) {
        estimate = rbm.annealedLogPartition(base, 200, AnnealedImportanceSampling.schedule(temperatures[i]));
        double meanLogWeight = Arrays.stream(estimate.logWeights()).average().orElseThrow();
        // E[log w] + log Z_A is a lower bound of log Z (Jensen); it rises as annealing gets slower.
        lowerBounds[i] = estimate.logZBase() + meanLogWeight;
        assertTrue(lowerBounds[i] <= exact + 0.02, temperatures[i] + " temperatures: " + lowerBounds[i]
            + " above log Z = " + exact);
      }
      assertTrue(lowerBounds[0] < lowerBounds[1] && lowerBounds[1] < lowerBounds[2],
          "the bound rises with the temperatures: " + Arrays.toString(lowerBounds));
      assertTrue(estimate.lower() <= exact && exact <= estimate.upper(),
          "log Z = " + exact + " outside the AIS interval [" + estimate.lower() + ", " + estimate.upper() + "]");
      assertEquals(exact, estimate.logZ(), 0.1);
      assertTrue(exact - lowerBounds[0] > 0.3, "few temperatures underestimate log Z: " + lowerBounds[0]
          + " vs " + exact);
    }
  }
}
