package dev.helmholtz.dist;

import static dev.helmholtz.graph.TfTesting.fetch;
import static dev.helmholtz.graph.TfTesting.fetchOne;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The discretized logistic of 8-bit intensities against a hand computation in double precision
 * (differences of the logistic CDF, the tails at 0 and 255), over scales from a hundredth of a bin
 * to ten times the range and locations outside [0, 1]: the 256 probabilities sum to 1, each
 * matches, the exact mean and entropy match, draws lie on the grid with the right frequencies,
 * and the gradient matches finite differences.
 */
class DiscretizedLogisticTest {

  private static double cdf(double x, double loc, double scale) {
    return 1 / (1 + Math.exp(-(x - loc) / scale));
  }

  /**
   * P(k / 255) by hand: the logistic mass of the intensity's bin, the tails at the ends. Above
   * the location it is the difference of survival functions, so that a bin far in the upper
   * tail does not lose its mass to the cancellation of two CDFs near 1.
   */
  static double probability(int k, double loc, double scale) {
    double h = 0.5 / 255;
    double v = k / 255.0;
    if (v < loc) {
      double upper = k == 255 ? 1 : cdf(v + h, loc, scale);
      double lower = k == 0 ? 0 : cdf(v - h, loc, scale);
      return upper - lower;
    }
    double above = k == 0 ? 1 : survival(v - h, loc, scale);
    double beyond = k == 255 ? 0 : survival(v + h, loc, scale);
    return above - beyond;
  }

  private static double survival(double x, double loc, double scale) {
    return 1 / (1 + Math.exp((x - loc) / scale));
  }

  /** logProb of each of the 256 intensities, one event of width 1 per level. */
  private static float[] levelLogProbs(double loc, double scale) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      DiscretizedLogistic d = DiscretizedLogistic.locScale(tf.constant(new float[] {(float) loc}),
          tf.constant(new float[] {(float) scale}));
      Operand<TFloat32> values = tf.reshape(ElementwiseDiscrete.levels(tf), tf.constant(new long[] {256, 1}));
      return fetchOne(s, d.logProb(values)).values();
    }
  }

  @ParameterizedTest(name = "loc {0}, scale {1}")
  @CsvSource({"0.5, 0.1", "0.3, 0.02", "0.0, 0.05", "1.0, 0.05", "-0.2, 0.3", "1.3, 0.3", "0.5, 10",
      "0.42, 0.00002", "0.4, 0.001"})
  void theProbabilitiesOfAll256IntensitiesSumToOneAndMatchTheHandComputation(double loc, double scale) {
    float[] logP = levelLogProbs(loc, scale);
    double total = 0;
    for (int k = 0; k < 256; k++) {
      double p = probability(k, loc, scale);
      total += Math.exp(logP[k]);
      if (p > 1e-30) {
        // Relative error of a float32 probability; the hand computation's own cancellation is
        // negligible in double for the bins that carry any mass.
        assertEquals(Math.log(p), logP[k], 2e-3 + 1e-5 * Math.abs(Math.log(p)),
            "log P(" + k + "/255) at loc " + loc + ", scale " + scale);
      } else {
        assertTrue(logP[k] < -60, "log P(" + k + "/255) = " + logP[k] + " where P = " + p);
      }
    }
    assertEquals(1, total, 1e-4, "the 256 probabilities sum to " + total);
  }

  @Test
  void theEndsTakeTheTails() {
    // loc at 0: half the mass lies below 0, so P(0) > 1/2; loc at 1 mirrors it.
    float[] atZero = levelLogProbs(0, 0.05);
    assertEquals(Math.log(cdf(0.5 / 255, 0, 0.05)), atZero[0], 1e-5);
    float[] atOne = levelLogProbs(1, 0.05);
    assertEquals(Math.log(1 - cdf(1 - 0.5 / 255, 1, 0.05)), atOne[255], 1e-5);
    assertTrue(Math.exp(atZero[0]) > 0.5 && Math.exp(atOne[255]) > 0.5);
  }

  @Test
  void meanVarianceAndEntropyAreTheExactSums() {
    double[][] cases = {{0.3, 0.05}, {0.02, 0.1}, {0.9, 0.4}};
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      float[] loc = new float[cases.length];
      float[] scale = new float[cases.length];
      for (int i = 0; i < cases.length; i++) {
        loc[i] = (float) cases[i][0];
        scale[i] = (float) cases[i][1];
      }
      DiscretizedLogistic d = DiscretizedLogistic.locScale(tf.constant(new float[][] {loc}), tf.constant(new float[][] {scale}));
      List<Fetched> f = fetch(s, d.mean(), d.variance(), d.entropy());
      double entropy = 0;
      for (int i = 0; i < cases.length; i++) {
        double mean = 0;
        double second = 0;
        for (int k = 0; k < 256; k++) {
          double p = probability(k, cases[i][0], cases[i][1]);
          mean += p * k / 255;
          second += p * (k / 255.0) * (k / 255.0);
          entropy -= p > 0 ? p * Math.log(p) : 0;
        }
        assertEquals(mean, f.get(0).get(i), 1e-5, "mean " + i);
        assertEquals(second - mean * mean, f.get(1).get(i), 1e-5, "variance " + i);
      }
      assertEquals(entropy, f.get(2).get(0), 1e-3, "entropy");
    }
  }

  @Test
  void drawsLieOnTheGridWithTheProbabilitiesFrequencies() {
    int n = 40_000;
    double loc = 0.02;
    double scale = 0.03;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      DiscretizedLogistic d = DiscretizedLogistic.locScale(
          tf.fill(tf.constant(new long[] {n, 1}), tf.constant((float) loc)),
          tf.fill(tf.constant(new long[] {n, 1}), tf.constant((float) scale)));
      RandomSource rng = new RandomSource(tf, Seed.of(7));
      Operand<TFloat32> draws = d.sample(rng);
      float[] x = fetchOne(s, draws).values();
      int[] counts = new int[256];
      for (float v : x) {
        int k = Math.round(v * 255);
        assertEquals(k / 255f, v, 1e-7, "a draw off the grid: " + v);
        counts[k]++;
      }
      for (int k : new int[] {0, 1, 5, 10, 20}) {
        double p = probability(k, loc, scale);
        double se = Math.sqrt(p * (1 - p) / n);
        assertEquals(p, counts[k] / (double) n, 5 * se + 1e-4, "frequency of " + k + "/255");
      }
    }
  }

  @Test
  void theGradientMatchesFiniteDifferencesAtTheEndsAndInside() {
    float[] values = {0f, 3 / 255f, 128 / 255f, 1f};
    float loc = 0.1f;
    float logScale = (float) Math.log(0.2);
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> l = tf.placeholder(TFloat32.class);
      Operand<TFloat32> ls = tf.placeholder(TFloat32.class);
      Operand<TFloat32> lp = DiscretizedLogistic.locLogScale(
          tf.fill(tf.constant(new long[] {4}), l), tf.fill(tf.constant(new long[] {4}), ls))
          .logProb(tf.constant(values));
      Output<?>[] grads = g.addGradients(lp.asOutput(), new Output<?>[] {l.asOutput(), ls.asOutput()});
      try (TFloat32 lt = TFloat32.scalarOf(loc); TFloat32 lst = TFloat32.scalarOf(logScale)) {
        var r = s.runner().feed(l, lt).feed(ls, lst);
        for (Output<?> o : grads) {
          r.fetch(o);
        }
        try (var result = r.run()) {
          double dLoc = ((TFloat32) result.get(0)).getFloat();
          double dLogScale = ((TFloat32) result.get(1)).getFloat();
          double eps = 1e-5;
          assertEquals(numeric(values, loc + eps, logScale, loc - eps, logScale, eps), dLoc, 1e-2, "d/d loc");
          assertEquals(numeric(values, loc, logScale + eps, loc, logScale - eps, eps), dLogScale, 1e-2,
              "d/d log scale");
        }
      }
    }
  }

  /** Central difference of the hand-computed log-likelihood of {@code values}. */
  private static double numeric(float[] values, double l1, double ls1, double l0, double ls0, double eps) {
    double up = 0;
    double down = 0;
    for (float v : values) {
      int k = Math.round(v * 255);
      up += Math.log(probability(k, l1, Math.exp(ls1)));
      down += Math.log(probability(k, l0, Math.exp(ls0)));
    }
    return (up - down) / (2 * eps);
  }

  @Test
  void itIsNotReparameterized() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      DiscretizedLogistic d = DiscretizedLogistic.locScale(tf.constant(new float[] {0.5f}), tf.constant(new float[] {0.1f}));
      assertEquals(Reparameterization.NOT_REPARAMETERIZED, d.reparameterization());
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.rsample(new RandomSource(tf, Seed.of(1))));
      assertTrue(e.getMessage().contains("DiscretizedLogistic is not reparameterizable"), e.getMessage());
    }
  }
}
