package dev.helmholtz.dist;

import static dev.helmholtz.graph.TfTesting.fetch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.MixtureMultivariateNormalDistribution;
import org.apache.commons.math3.distribution.MultivariateNormalDistribution;
import org.apache.commons.math3.util.Pair;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The mixture against independent references: densities against Commons Statistics' Normal (a
 * mixture of diagonal Gaussians, written out) and Commons Math's MixtureMultivariateNormal;
 * draws' component frequencies, mean and variance against the closed forms; the Monte Carlo KL
 * of a Normal against a mixture prior against a quadrature of the integral.
 */
class MixtureSameFamilyTest {

  static final float[] LOGITS = {0.2f, -0.5f, 1f};
  static final float[][] LOCS = {{-4f, 0f}, {0f, 4f}, {4f, -2f}};
  static final float[][] SCALES = {{0.5f, 1f}, {0.8f, 0.3f}, {1.2f, 0.6f}};

  static double[] weights() {
    double z = 0;
    double[] w = new double[LOGITS.length];
    for (int k = 0; k < w.length; k++) {
      w[k] = Math.exp(LOGITS[k]);
      z += w[k];
    }
    for (int k = 0; k < w.length; k++) {
      w[k] /= z;
    }
    return w;
  }

  static MixtureSameFamily<Normal> gaussians(Ops tf) {
    return MixtureSameFamily.of(tf.constant(LOGITS), Normal.meanScale(tf.constant(LOCS), tf.constant(SCALES)));
  }

  @Test
  void logProbOfAMixtureOfDiagonalGaussiansMatchesCommonsStatistics() {
    float[][] points = {{-4f, 0f}, {0f, 0f}, {3f, -1.5f}, {10f, 10f}};
    double[] w = weights();
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Fetched out = fetch(s, gaussians(tf).logProb(tf.constant(points))).get(0);
      for (int i = 0; i < points.length; i++) {
        double density = 0;
        for (int k = 0; k < w.length; k++) {
          double product = w[k];
          for (int j = 0; j < 2; j++) {
            product *= NormalDistribution.of(LOCS[k][j], SCALES[k][j]).density(points[i][j]);
          }
          density += product;
        }
        double expected = Math.log(density);
        assertEquals(expected, out.get(i), 1e-5 * Math.max(1, Math.abs(expected)), "point " + i);
      }
    }
  }

  @Test
  void logProbOfAMixtureOfFullCovarianceGaussiansMatchesCommonsMath() {
    float[][][] scales = {MultivariateNormalTest.TRIL, {{1f, 0f, 0f}, {0.5f, 0.5f, 0f}, {0f, 0.2f, 2f}}};
    float[][] locs = {MultivariateNormalTest.LOC, {-1f, 1f, 0f}};
    float[] logits = {-0.3f, 0.4f};
    double[][] points = {{0, 0, 0}, {0.5, -1, 2}, {-1, 1.3, 0.5}};
    List<Pair<Double, MultivariateNormalDistribution>> reference = new ArrayList<>();
    double z = Math.exp(logits[0]) + Math.exp(logits[1]);
    for (int k = 0; k < 2; k++) {
      var l = MultivariateNormalTest.matrix(scales[k]);
      reference.add(new Pair<>(Math.exp(logits[k]) / z, new MultivariateNormalDistribution(
          MultivariateNormalTest.doubles(locs[k]), l.multiply(l.transpose()).getData())));
    }
    MixtureMultivariateNormalDistribution mixture = new MixtureMultivariateNormalDistribution(reference);
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      MixtureSameFamily<MultivariateNormal> mvn = MixtureSameFamily.of(tf.constant(logits),
          MultivariateNormal.locScaleTril(tf.constant(locs), tf.constant(scales)));
      float[][] values = new float[points.length][3];
      for (int i = 0; i < points.length; i++) {
        for (int j = 0; j < 3; j++) {
          values[i][j] = (float) points[i][j];
        }
      }
      Fetched out = fetch(s, mvn.logProb(tf.constant(values))).get(0);
      for (int i = 0; i < points.length; i++) {
        double expected = Math.log(mixture.density(points[i]));
        assertEquals(expected, out.get(i), 2e-5 * Math.max(1, Math.abs(expected)), "point " + i);
      }
    }
  }

  @Test
  void drawsPickEachComponentByItsWeightAndHaveTheMeanAndVariance() {
    int n = 60_000;
    double[] w = weights();
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      MixtureSameFamily<Normal> rows = gaussians(tf).mapParameters(p -> tf.broadcastTo(p, tf.constant(new int[] {n, 2})));
      List<Fetched> out = fetch(s, rows.sample(new RandomSource(tf, Seed.of(5))), gaussians(tf).mean(),
          gaussians(tf).variance(), rows.shape());
      assertArrayEquals(new float[] {n, 2}, out.get(3).values(), 0f);
      float[] x = out.get(0).values();
      int[] nearest = new int[3];
      double[] mean = new double[2];
      double[] square = new double[2];
      for (int r = 0; r < n; r++) {
        int best = 0;
        for (int k = 1; k < 3; k++) {
          if (distance(x, r, k) < distance(x, r, best)) {
            best = k;
          }
        }
        nearest[best]++;
        for (int j = 0; j < 2; j++) {
          mean[j] += x[2 * r + j] / n;
          square[j] += x[2 * r + j] * (double) x[2 * r + j] / n;
        }
      }
      for (int k = 0; k < 3; k++) {
        // The components sit apart: the nearest centre is the component with probability > 0.99.
        assertEquals(w[k], nearest[k] / (double) n, 0.01, "frequency of component " + k);
      }
      for (int j = 0; j < 2; j++) {
        double expectedMean = 0;
        double expectedSecond = 0;
        for (int k = 0; k < 3; k++) {
          expectedMean += w[k] * LOCS[k][j];
          expectedSecond += w[k] * (SCALES[k][j] * SCALES[k][j] + LOCS[k][j] * LOCS[k][j]);
        }
        double expectedVariance = expectedSecond - expectedMean * expectedMean;
        assertEquals(expectedMean, out.get(1).get(j), 1e-5, "closed-form mean");
        assertEquals(expectedVariance, out.get(2).get(j), 1e-4, "closed-form variance");
        assertEquals(expectedMean, mean[j], 5 * Math.sqrt(expectedVariance / n), "draws' mean");
        assertEquals(expectedVariance, square[j] - mean[j] * mean[j], 0.03 * expectedVariance, "draws' variance");
      }
    }
  }

  private static double distance(float[] x, int row, int k) {
    double dx = x[2 * row] - LOCS[k][0];
    double dy = x[2 * row + 1] - LOCS[k][1];
    return dx * dx + dy * dy;
  }

  @Test
  void monteCarloKlOfANormalAgainstAMixturePriorMatchesQuadrature() {
    int n = 40_000;
    // q = N(0.3, 0.8), p = 0.3 N(-1, 0.5) + 0.7 N(1, 1), one dimension.
    NormalDistribution q = NormalDistribution.of(0.3, 0.8);
    NormalDistribution p1 = NormalDistribution.of(-1, 0.5);
    NormalDistribution p2 = NormalDistribution.of(1, 1);
    double expected = 0;
    double h = 1e-3;
    for (double x = -12; x <= 12; x += h) {
      double qx = q.density(x);
      if (qx > 0) {
        expected += h * qx * (Math.log(qx) - Math.log(0.3 * p1.density(x) + 0.7 * p2.density(x)));
      }
    }
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Normal qRows = Normal.meanScale(tf.constant(new float[][] {{0.3f}}), tf.constant(new float[][] {{0.8f}}))
          .mapParameters(x -> tf.broadcastTo(x, tf.constant(new int[] {n, 1})));
      MixtureSameFamily<Normal> prior = MixtureSameFamily.of(
          tf.constant(new float[] {(float) Math.log(0.3), (float) Math.log(0.7)}),
          Normal.meanScale(tf.constant(new float[][] {{-1f}, {1f}}), tf.constant(new float[][] {{0.5f}, {1f}})));
      assertFalse(KlDivergence.hasAnalytic(Normal.class, MixtureSameFamily.class));
      Operand<TFloat32> z = qRows.sample(new RandomSource(tf, Seed.of(9)));
      Fetched kl = fetch(s, KlDivergence.monteCarlo(qRows, prior, z)).get(0);
      double[] estimates = new double[n];
      for (int i = 0; i < n; i++) {
        estimates[i] = kl.get(i);
      }
      double mc = ElementwiseFamiliesTest.average(estimates, v -> v);
      double se = ElementwiseFamiliesTest.standardError(estimates);
      assertEquals(expected, mc, 5 * se, "quadrature " + expected + ", Monte Carlo " + mc + " ± " + se);
    }
  }

  @Test
  void mapParametersFoldsAndBroadcastsEachComponent() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      // Six rows of a two-component mixture in [k * B, K, d], unfolded to [2, 3, K, d].
      float[][][] locs = new float[6][2][2];
      float[][] logits = new float[6][2];
      for (int r = 0; r < 6; r++) {
        locs[r] = new float[][] {{r, -r}, {0.5f * r, 1}};
        logits[r] = new float[] {0.1f * r, -0.2f * r};
      }
      MixtureSameFamily<Normal> folded = MixtureSameFamily.of(tf.constant(logits),
          Normal.meanScale(tf.constant(locs), tf.constant(0.7f)));
      MixtureSameFamily<Normal> unfolded = folded.mapParameters(
          p -> tf.reshape(p, tf.constant(new long[] {2, 3, p.shape().get(-1)})));
      Operand<TFloat32> values = tf.reshape(tf.range(tf.constant(0f), tf.constant(12f), tf.constant(1f)),
          tf.constant(new long[] {6, 2}));
      // A learned prior's mixture of no batch axis broadcast to four rows: every row drawn.
      MixtureSameFamily<Normal> rows = gaussians(tf).mapParameters(p -> tf.broadcastTo(p, tf.constant(new int[] {4, 2})));
      List<Fetched> out = fetch(s, folded.logProb(values),
          unfolded.logProb(tf.reshape(values, tf.constant(new long[] {2, 3, 2}))), rows.sample(new RandomSource(tf, Seed.of(2))),
          rows.mixingLogits());
      assertArrayEquals(new long[] {2, 3}, out.get(1).shape());
      assertArrayEquals(out.get(0).values(), out.get(1).values(), 1e-6f);
      assertArrayEquals(new long[] {4, 2}, out.get(2).shape());
      assertArrayEquals(new long[] {4, 3}, out.get(3).shape());
      assertEquals(LOGITS[2], out.get(3).get(3 * 3 + 2), 0f);
    }
  }

  /**
   * A learned prior's parameters (no batch axis) broadcast to the rows of a value, as a pass does,
   * then scored: the gradient of the log density with respect to the logits, means and log scales
   * against central finite differences.
   */
  @Test
  void logProbGradientsThroughTheBroadcastMatchFiniteDifferences() {
    float[] theta = {0.2f, -0.5f, 1f, -4f, 0f, 0f, 4f, 4f, -2f, -0.7f, 0f, -0.2f, -1.2f, 0.2f, -0.5f};
    float[][] values = {{-3f, 0.5f}, {1f, 3f}, {3.5f, -2.5f}, {0f, 0f}};
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      var x = tf.placeholder(TFloat32.class, org.tensorflow.op.core.Placeholder.shape(org.tensorflow.ndarray.Shape.of(15)));
      Operand<TFloat32> logits = tf.slice(x, tf.constant(new int[] {0}), tf.constant(new int[] {3}));
      Operand<TFloat32> locs = tf.reshape(tf.slice(x, tf.constant(new int[] {3}), tf.constant(new int[] {6})),
          tf.constant(new long[] {3, 2}));
      Operand<TFloat32> logScales = tf.reshape(tf.slice(x, tf.constant(new int[] {9}), tf.constant(new int[] {6})),
          tf.constant(new long[] {3, 2}));
      MixtureSameFamily<Normal> rows = MixtureSameFamily.of(logits, Normal.meanLogStd(locs, logScales))
          .mapParameters(p -> tf.broadcastTo(p, tf.constant(new int[] {4, 2})));
      Operand<TFloat32> loss = tf.reduceSum(rows.logProb(tf.constant(values)), tf.constant(0));
      Operand<?> grad = tf.gradients(loss, List.of(x)).dy().get(0);
      float[] analytic = run(s, x, theta, grad);
      double h = 1e-2;
      for (int i = 0; i < theta.length; i++) {
        float[] plus = theta.clone();
        float[] minus = theta.clone();
        plus[i] += (float) h;
        minus[i] -= (float) h;
        double fd = (run(s, x, plus, loss)[0] - run(s, x, minus, loss)[0]) / (2 * h);
        assertEquals(fd, analytic[i], 2e-2 * Math.max(1, Math.abs(fd)), "d log p / d theta[" + i + "]");
      }
    }
  }

  private static float[] run(Session s, Operand<TFloat32> x, float[] theta, Operand<?> fetch) {
    try (TFloat32 in = TFloat32.tensorOf(org.tensorflow.ndarray.Shape.of(theta.length),
        org.tensorflow.ndarray.buffer.DataBuffers.of(theta, true, false));
        org.tensorflow.Result r = s.runner().feed(x, in).fetch(fetch).run()) {
      return dev.helmholtz.graph.TfTesting.copy(r.get(0)).values();
    }
  }

  @Test
  void aMixtureIsNotReparameterizedAndHasNoClosedFormEntropy() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      MixtureSameFamily<Normal> m = gaussians(tf);
      assertEquals(Reparameterization.NOT_REPARAMETERIZED, m.reparameterization());
      IllegalStateException rsample = assertThrows(IllegalStateException.class,
          () -> m.rsample(new RandomSource(tf, Seed.of(1))));
      assertTrue(rsample.getMessage().contains("score-function"), rsample.getMessage());
      assertThrows(IllegalStateException.class, m::entropy);
      assertEquals(3, m.componentCount());
    }
  }
}
