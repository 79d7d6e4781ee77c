package dev.helmholtz.dist;

import static dev.helmholtz.graph.TfTesting.fetch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.List;
import org.apache.commons.math3.distribution.MultivariateNormalDistribution;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The multivariate Normal against Apache Commons Math's MultivariateNormalDistribution (densities)
 * and its LU and Cholesky decompositions (entropies, scales), its draws' moments against the
 * closed forms, and its reparameterized draw's and density's gradients against finite differences
 * at fixed noise.
 */
class MultivariateNormalTest {

  static final float[] LOC = {0.5f, -1f, 2f};
  /** A lower-triangular scale with a negative diagonal entry (allowed: L L^T is the same for -L's column). */
  static final float[][] TRIL = {{1.2f, 0f, 0f}, {0.4f, 0.7f, 0f}, {-0.3f, 0.5f, 0.9f}};
  static final float[][] FACTOR = {{0.8f, 0.1f}, {-0.4f, 0.6f}, {0.3f, -0.9f}};
  static final float[] DIAG = {0.5f, 0.3f, 0.8f};

  static RealMatrix matrix(float[][] m) {
    double[][] d = new double[m.length][m[0].length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[0].length; j++) {
        d[i][j] = m[i][j];
      }
    }
    return new Array2DRowRealMatrix(d);
  }

  static RealMatrix trilCovariance() {
    RealMatrix l = matrix(TRIL);
    return l.multiply(l.transpose());
  }

  static RealMatrix lowRankCovariance() {
    RealMatrix w = matrix(FACTOR);
    RealMatrix c = w.multiply(w.transpose());
    for (int i = 0; i < 3; i++) {
      c.addToEntry(i, i, DIAG[i]);
    }
    return c;
  }

  static double[] doubles(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  static final float[][] POINTS = {{0f, 0f, 0f}, {0.5f, -1f, 2f}, {2f, 1f, -1f}, {-3f, 0.2f, 4f}};

  /** log densities of the four points against Commons Math's density of {@code covariance}. */
  static void assertLogDensities(String what, Fetched got, double[] mean, RealMatrix covariance) {
    MultivariateNormalDistribution reference = new MultivariateNormalDistribution(mean, covariance.getData());
    assertEquals(POINTS.length, got.size(), what);
    for (int i = 0; i < POINTS.length; i++) {
      double expected = Math.log(reference.density(doubles(POINTS[i])));
      assertEquals(expected, got.get(i), 2e-5 * Math.max(1, Math.abs(expected)), what + " at point " + i);
    }
  }

  static double softplus(double x) {
    return Math.log1p(Math.exp(x));
  }

  @Test
  void logProbMatchesCommonsMathForEveryParameterization() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> points = tf.constant(POINTS);
      Operand<TFloat32> loc = tf.constant(LOC);
      // The upper triangle of a scale is ignored: fill it with junk.
      float[][] junk = {{TRIL[0][0], 9f, -9f}, TRIL[1].clone(), TRIL[2].clone()};
      junk[1][2] = 5f;
      MultivariateNormal tril = MultivariateNormal.locScaleTril(loc, tf.constant(junk));
      MultivariateNormal lowRank = MultivariateNormal.lowRank(loc, tf.constant(FACTOR), tf.constant(DIAG));
      float[] logDiag = new float[3];
      float[] packedFactor = new float[6];
      for (int i = 0; i < 3; i++) {
        logDiag[i] = (float) Math.log(DIAG[i]);
        packedFactor[2 * i] = FACTOR[i][0];
        packedFactor[2 * i + 1] = FACTOR[i][1];
      }
      MultivariateNormal lowRankPacked = MultivariateNormal.lowRankPacked(loc, tf.constant(packedFactor),
          tf.constant(logDiag));
      float[] packed = {0.3f, -0.6f, 1.1f, 0.2f, 0.9f, -1.4f};
      MultivariateNormal packedTril = MultivariateNormal.locPackedTril(loc, tf.constant(packed));
      float[][] square = {{0.3f, 4f, 4f}, {-0.6f, 1.1f, 4f}, {0.2f, 0.9f, -1.4f}};
      MultivariateNormal unconstrained = MultivariateNormal.locUnconstrainedTril(loc, tf.constant(square));
      MultivariateNormal standard = MultivariateNormal.standard(tf, tf.constant(new long[] {4, 3}));
      List<Fetched> out = fetch(s, tril.logProb(points), lowRank.logProb(points), lowRankPacked.logProb(points),
          packedTril.logProb(points), unconstrained.logProb(points), standard.logProb(points));
      assertLogDensities("scaleTril", out.get(0), doubles(LOC), trilCovariance());
      assertLogDensities("lowRank", out.get(1), doubles(LOC), lowRankCovariance());
      assertLogDensities("lowRankPacked", out.get(2), doubles(LOC), lowRankCovariance());
      // The packed entries fill rows: (0,0)=0.3, (1,0)=-0.6, (1,1)=1.1, (2,0)=0.2, (2,1)=0.9, (2,2)=-1.4,
      // the diagonal through softplus + 1e-5; the square matrix holds the same lower triangle.
      double shift = MultivariateNormal.DIAGONAL_SHIFT;
      RealMatrix filled = new Array2DRowRealMatrix(new double[][] {
          {softplus(0.3) + shift, 0, 0}, {-0.6, softplus(1.1) + shift, 0}, {0.2, 0.9, softplus(-1.4) + shift}});
      assertLogDensities("packedTril", out.get(3), doubles(LOC), filled.multiply(filled.transpose()));
      assertLogDensities("unconstrainedTril", out.get(4), doubles(LOC), filled.multiply(filled.transpose()));
      assertLogDensities("standard", out.get(5), new double[3],
          new Array2DRowRealMatrix(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}));
    }
  }

  @Test
  void entropyMeanVarianceCovarianceAndScaleMatchClosedForms() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      MultivariateNormal tril = MultivariateNormal.locScaleTril(tf.constant(LOC), tf.constant(TRIL));
      MultivariateNormal lowRank = MultivariateNormal.lowRank(tf.constant(LOC), tf.constant(FACTOR), tf.constant(DIAG));
      List<Fetched> out = fetch(s, tril.entropy(), lowRank.entropy(), tril.mean(), lowRank.variance(),
          lowRank.covariance(), lowRank.scaleTril(), tril.covariance());
      for (int k = 0; k < 2; k++) {
        RealMatrix c = k == 0 ? trilCovariance() : lowRankCovariance();
        double expected = 0.5 * Math.log(Math.pow(2 * Math.PI * Math.E, 3) * new LUDecomposition(c).getDeterminant());
        assertEquals(expected, out.get(k).get(0), 1e-5, "entropy " + k);
      }
      assertArrayEquals(LOC, out.get(2).values(), 0f);
      RealMatrix c = lowRankCovariance();
      RealMatrix l = new CholeskyDecomposition(c).getL();
      for (int i = 0; i < 3; i++) {
        assertEquals(c.getEntry(i, i), out.get(3).get(i), 1e-6);
        for (int j = 0; j < 3; j++) {
          assertEquals(c.getEntry(i, j), out.get(4).get(3 * i + j), 1e-6, "covariance");
          assertEquals(l.getEntry(i, j), out.get(5).get(3 * i + j), 1e-5, "Cholesky factor of the low rank");
          assertEquals(trilCovariance().getEntry(i, j), out.get(6).get(3 * i + j), 1e-6, "L L^T");
        }
      }
    }
  }

  @Test
  void drawsHaveTheMeanAndCovariance() {
    int n = 60_000;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TInt64> rows = tf.constant(new long[] {n, 3});
      RandomSource rng = new RandomSource(tf, Seed.of(3));
      MultivariateNormal tril = MultivariateNormal.locScaleTril(tf.constant(LOC), tf.constant(TRIL))
          .mapParameters(p -> tf.broadcastTo(p, rows));
      MultivariateNormal lowRank = MultivariateNormal.lowRank(tf.constant(LOC), tf.constant(FACTOR), tf.constant(DIAG))
          .mapParameters(p -> tf.broadcastTo(p, rows));
      List<Fetched> out = fetch(s, tril.sample(rng), lowRank.rsample(rng));
      for (int k = 0; k < 2; k++) {
        RealMatrix expected = k == 0 ? trilCovariance() : lowRankCovariance();
        float[] x = out.get(k).values();
        assertArrayEquals(new long[] {n, 3}, out.get(k).shape());
        double[] mean = new double[3];
        for (int r = 0; r < n; r++) {
          for (int i = 0; i < 3; i++) {
            mean[i] += x[3 * r + i] / (double) n;
          }
        }
        for (int i = 0; i < 3; i++) {
          double se = Math.sqrt(expected.getEntry(i, i) / n);
          assertEquals(LOC[i], mean[i], 5 * se, "mean " + i + " of form " + k);
          for (int j = 0; j < 3; j++) {
            double cov = 0;
            for (int r = 0; r < n; r++) {
              cov += (x[3 * r + i] - mean[i]) * (x[3 * r + j] - mean[j]);
            }
            cov /= n - 1;
            // The variance of a sample covariance: (s_ii s_jj + s_ij^2) / n.
            double seCov = Math.sqrt((expected.getEntry(i, i) * expected.getEntry(j, j)
                + expected.getEntry(i, j) * expected.getEntry(i, j)) / n);
            assertEquals(expected.getEntry(i, j), cov, 5 * seCov, "covariance " + i + "," + j + " of form " + k);
          }
        }
      }
    }
  }

  /** The parameters of a test: a flat vector fed to a placeholder and cut into loc, scale and diagonal. */
  private interface Family {
    MultivariateNormal of(Ops tf, Operand<TFloat32> theta);
  }

  private static double[] gradientAndFiniteDifferences(Family family, float[] theta, boolean draw) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(theta.length)));
      MultivariateNormal mvn = family.of(tf, x);
      RandomSource rng = new RandomSource(tf, Seed.of(11));
      Operand<TFloat32> points = tf.constant(POINTS);
      Operand<TFloat32> y = draw
          ? tf.reduceSum(tf.math.mul(mvn.mapParameters(p -> tf.broadcastTo(p, tf.constant(new int[] {4, 3})))
              .rsample(rng), tf.constant(new float[] {0.3f, -1f, 0.6f})), tf.constant(new int[] {0, 1}))
          : tf.reduceSum(mvn.logProb(points), tf.constant(0));
      Operand<?> grad = tf.gradients(y, List.of(x)).dy().get(0);
      // Fixed noise: every run starts its draws' counters from 0.
      List<Operand<?>> resets = rng.runCounters().stream()
          .<Operand<?>>map(c -> tf.assign(c, tf.constant(0L))).toList();
      float[] analytic = run(s, x, theta, grad, resets);
      double h = 1e-2;
      double worst = 0;
      for (int i = 0; i < theta.length; i++) {
        float[] plus = theta.clone();
        float[] minus = theta.clone();
        plus[i] += (float) h;
        minus[i] -= (float) h;
        double fd = (run(s, x, plus, y, resets)[0] - run(s, x, minus, y, resets)[0]) / (2 * h);
        worst = Math.max(worst, Math.abs(fd - analytic[i]) / Math.max(1, Math.abs(fd)));
      }
      return new double[] {worst};
    }
  }

  private static float[] run(Session s, Placeholder<TFloat32> x, float[] theta, Operand<?> fetch,
      List<Operand<?>> resets) {
    if (!resets.isEmpty()) {
      Session.Runner reset = s.runner();
      resets.forEach(reset::addTarget);
      reset.run().close();
    }
    try (TFloat32 in = TFloat32.tensorOf(Shape.of(theta.length), DataBuffers.of(theta, true, false));
        Result r = s.runner().feed(x, in).fetch(fetch).run()) {
      return dev.helmholtz.graph.TfTesting.copy(r.get(0)).values();
    }
  }

  private static Operand<TFloat32> slice(Ops tf, Operand<TFloat32> theta, int from, int length) {
    return tf.slice(theta, tf.constant(new int[] {from}), tf.constant(new int[] {length}));
  }

  private static final Family PACKED = (tf, t) -> MultivariateNormal.locPackedTril(slice(tf, t, 0, 3), slice(tf, t, 3, 6));
  private static final Family LOW_RANK = (tf, t) -> MultivariateNormal.lowRank(slice(tf, t, 0, 3),
      tf.reshape(slice(tf, t, 3, 6), tf.constant(new long[] {3, 2})), tf.math.exp(slice(tf, t, 9, 3)));
  private static final float[] PACKED_THETA = {0.5f, -1f, 2f, 0.3f, -0.6f, 1.1f, 0.2f, 0.9f, -1.4f};
  private static final float[] LOW_RANK_THETA = {0.5f, -1f, 2f, 0.8f, 0.1f, -0.4f, 0.6f, 0.3f, -0.9f, -0.7f, -1.2f, -0.2f};

  @Test
  void reparameterizedDrawGradientsMatchFiniteDifferencesAtFixedNoise() {
    assertTrue(gradientAndFiniteDifferences(PACKED, PACKED_THETA, true)[0] < 2e-3, "packed scale");
    assertTrue(gradientAndFiniteDifferences(LOW_RANK, LOW_RANK_THETA, true)[0] < 2e-3, "low rank");
  }

  @Test
  void densityGradientsThroughTheSolvesAndTheCapacitanceCholeskyMatchFiniteDifferences() {
    double packed = gradientAndFiniteDifferences(PACKED, PACKED_THETA, false)[0];
    assertTrue(packed < 3e-3, "packed scale: worst relative error " + packed);
    double lowRank = gradientAndFiniteDifferences(LOW_RANK, LOW_RANK_THETA, false)[0];
    assertTrue(lowRank < 3e-3, "low rank: worst relative error " + lowRank);
  }

  @Test
  void mapParametersReshapesAndBroadcastsTheScaleByItsColumns() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      // Six rows of scales, as a network's output folded [k * B, d, d], unfolded to [2, 3, d].
      float[][][] scales = new float[6][][];
      float[][] locs = new float[6][];
      for (int r = 0; r < 6; r++) {
        scales[r] = new float[][] {{1 + r, 0, 0}, {0.1f * r, 1, 0}, {0.2f, -0.1f * r, 0.5f + r}};
        locs[r] = new float[] {r, -r, 0.5f};
      }
      MultivariateNormal folded = MultivariateNormal.locScaleTril(tf.constant(locs), tf.constant(scales));
      MultivariateNormal unfolded = folded.mapParameters(
          p -> tf.reshape(p, tf.constant(new long[] {2, 3, p.shape().get(-1)})));
      Operand<TFloat32> values = tf.reshape(tf.constant(new float[18]), tf.constant(new long[] {6, 3}));
      // A scale of no batch axis broadcast to four rows.
      MultivariateNormal shared = MultivariateNormal.locScaleTril(tf.constant(LOC), tf.constant(TRIL))
          .mapParameters(p -> tf.broadcastTo(p, tf.constant(new long[] {4, 3})));
      List<Fetched> out = fetch(s, folded.logProb(values),
          unfolded.logProb(tf.reshape(values, tf.constant(new long[] {2, 3, 3}))), shared.scaleTril(), shared.shape());
      assertArrayEquals(new long[] {2, 3}, out.get(1).shape());
      assertArrayEquals(out.get(0).values(), out.get(1).values(), 0f);
      assertArrayEquals(new long[] {4, 3, 3}, out.get(2).shape());
      assertEquals(TRIL[2][1], out.get(2).get(3 * 9 + 7), 0f);
      assertArrayEquals(new float[] {4, 3}, out.get(3).values(), 0f);
    }
  }

  @Test
  void factoriesRejectScalesOfTheWrongShape() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> loc = tf.constant(LOC);
      IllegalArgumentException notSquare = assertThrows(IllegalArgumentException.class,
          () -> MultivariateNormal.locScaleTril(loc, tf.constant(FACTOR)));
      assertTrue(notSquare.getMessage().contains("must be [..., d, d]"), notSquare.getMessage());
      IllegalArgumentException notTriangular = assertThrows(IllegalArgumentException.class,
          () -> MultivariateNormal.locPackedTril(loc, tf.constant(new float[5])));
      assertTrue(notTriangular.getMessage().contains("d (d + 1) / 2"), notTriangular.getMessage());
      IllegalArgumentException wrongWidth = assertThrows(IllegalArgumentException.class,
          () -> MultivariateNormal.locPackedTril(loc, tf.constant(new float[10])));
      assertTrue(wrongWidth.getMessage().contains("has width 3 but the scale is 4 x 4"), wrongWidth.getMessage());
      IllegalArgumentException factor = assertThrows(IllegalArgumentException.class,
          () -> MultivariateNormal.lowRankPacked(loc, tf.constant(new float[7]), tf.constant(DIAG)));
      assertTrue(factor.getMessage().contains("multiple r d"), factor.getMessage());
    }
  }
}
