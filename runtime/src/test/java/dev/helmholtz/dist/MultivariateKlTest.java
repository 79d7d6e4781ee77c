package dev.helmholtz.dist;

import static dev.helmholtz.graph.TfTesting.fetch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Every registered KL of the multivariate Normal against its Monte Carlo estimate, and the
 * scale-against-scale one against the closed form computed with Commons Math's inverse and
 * determinant.
 */
class MultivariateKlTest {

  private static final int N = 40_000;

  record Pair(String name, Function<Ops, Distribution> q, Function<Ops, Distribution> p) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final float[][] OTHER_TRIL = {{0.9f, 0f, 0f}, {-0.2f, 1.4f, 0f}, {0.6f, 0.1f, 0.8f}};
  static final float[] OTHER_LOC = {0f, -0.5f, 1f};

  private static MultivariateNormal tril(Ops tf) {
    return MultivariateNormal.locScaleTril(tf.constant(MultivariateNormalTest.LOC),
        tf.constant(MultivariateNormalTest.TRIL));
  }

  private static MultivariateNormal otherTril(Ops tf) {
    return MultivariateNormal.locScaleTril(tf.constant(OTHER_LOC), tf.constant(OTHER_TRIL));
  }

  private static MultivariateNormal lowRank(Ops tf) {
    return MultivariateNormal.lowRank(tf.constant(OTHER_LOC), tf.constant(MultivariateNormalTest.FACTOR),
        tf.constant(MultivariateNormalTest.DIAG));
  }

  static Stream<Arguments> pairs() {
    return Stream.of(
        new Pair("scale || scale", MultivariateKlTest::tril, MultivariateKlTest::otherTril),
        new Pair("low rank || scale", MultivariateKlTest::lowRank, MultivariateKlTest::tril),
        new Pair("scale || low rank", MultivariateKlTest::tril, MultivariateKlTest::lowRank),
        new Pair("scale || standard", MultivariateKlTest::tril,
            tf -> MultivariateNormal.standard(tf, tf.constant(new long[] {3}))),
        new Pair("low rank || standard Normal", MultivariateKlTest::lowRank,
            tf -> Normal.standard(tf, tf.constant(new long[] {3}))),
        new Pair("scale || diagonal Normal", MultivariateKlTest::tril,
            tf -> Normal.meanScale(tf.constant(OTHER_LOC), tf.constant(new float[] {0.7f, 1.5f, 1.1f}))),
        new Pair("diagonal Normal || scale",
            tf -> Normal.meanLogStd(tf.constant(OTHER_LOC), tf.constant(new float[] {-0.3f, 0.2f, 0.1f})),
            MultivariateKlTest::tril))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairs")
  void analyticKlMatchesMonteCarlo(Pair pair) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Distribution q = pair.q().apply(tf);
      Distribution p = pair.p().apply(tf);
      assertTrue(KlDivergence.hasAnalytic(q.getClass(), p.getClass()));
      Operand<TFloat32> analytic = KlDivergence.analytic(q, p);
      Distribution qRows = q.mapParameters(x -> tf.broadcastTo(x, tf.constant(new long[] {N, 3})));
      Operand<TFloat32> z = qRows.sample(new RandomSource(tf, Seed.of(17)));
      List<Fetched> out = fetch(s, analytic, KlDivergence.monteCarlo(qRows, p, z));
      double[] estimates = new double[N];
      for (int i = 0; i < N; i++) {
        estimates[i] = out.get(1).get(i);
      }
      double mc = ElementwiseFamiliesTest.average(estimates, v -> v);
      double se = ElementwiseFamiliesTest.standardError(estimates);
      assertEquals(mc, out.get(0).get(0), 5 * se + 1e-4, pair + ": Monte Carlo " + mc + " ± " + se);
    }
  }

  @Test
  void scaleAgainstScaleMatchesTheClosedForm() {
    RealMatrix lq = MultivariateNormalTest.matrix(MultivariateNormalTest.TRIL);
    RealMatrix lp = MultivariateNormalTest.matrix(OTHER_TRIL);
    RealMatrix sq = lq.multiply(lq.transpose());
    RealMatrix sp = lp.multiply(lp.transpose());
    RealMatrix spInverse = new LUDecomposition(sp).getSolver().getInverse();
    RealVector diff = MatrixUtils.createRealVector(MultivariateNormalTest.doubles(OTHER_LOC))
        .subtract(MatrixUtils.createRealVector(MultivariateNormalTest.doubles(MultivariateNormalTest.LOC)));
    double expected = 0.5 * (spInverse.multiply(sq).getTrace() + diff.dotProduct(spInverse.operate(diff)) - 3
        + Math.log(new LUDecomposition(sp).getDeterminant() / new LUDecomposition(sq).getDeterminant()));
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Fetched kl = fetch(s, KlDivergence.analytic(tril(tf), otherTril(tf))).get(0);
      assertEquals(expected, kl.get(0), 1e-5 * Math.max(1, expected));
    }
  }
}
