package dev.helmholtz.dist;

import static dev.helmholtz.graph.TfTesting.fetch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Each registered KL of the elementwise families against its Monte Carlo estimate. */
class ElementwiseKlTest {

  private static final int N = 40_000;

  /** A pair: q and p built from the ops, in a form whose parameters can be broadcast to N rows. */
  record Pair(String name, Function<Ops, Distribution> q, Function<Ops, Distribution> p) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Operand<TFloat32> c(Ops tf, float... v) {
    return tf.constant(v);
  }

  static Stream<Arguments> pairs() {
    return Stream.of(
        new Pair("Laplace", tf -> Laplace.locScale(c(tf, -1f, 0.3f, 2f), c(tf, 0.5f, 1f, 2f)),
            tf -> Laplace.locScale(c(tf, 0f, 0.5f, 1f), c(tf, 1f, 0.7f, 3f))),
        new Pair("Cauchy", tf -> Cauchy.locScale(c(tf, -1f, 0.3f, 2f), c(tf, 0.5f, 1f, 2f)),
            tf -> Cauchy.locScale(c(tf, 0f, 0.5f, 1f), c(tf, 1f, 0.7f, 3f))),
        new Pair("HalfNormal", tf -> HalfNormal.scale(c(tf, 0.5f, 1f, 2f)),
            tf -> HalfNormal.scale(c(tf, 1f, 0.7f, 3f))),
        new Pair("LogNormal", tf -> LogNormal.locScale(c(tf, -0.5f, 0f, 0.5f), c(tf, 0.3f, 0.6f, 1f)),
            tf -> LogNormal.locScale(c(tf, 0f, 0.5f, 0f), c(tf, 1f, 0.5f, 0.8f))),
        new Pair("Exponential", tf -> Exponential.rate(c(tf, 0.5f, 1f, 3f)),
            tf -> Exponential.rate(c(tf, 1f, 2f, 1.5f))),
        new Pair("Uniform", tf -> Uniform.lowHigh(c(tf, -1f, 0f, 2f), c(tf, 0f, 3f, 2.5f)),
            tf -> Uniform.lowHigh(c(tf, -2f, -1f, 2f), c(tf, 0.5f, 3f, 4f))),
        new Pair("Laplace against the standard prior",
            tf -> Laplace.locScale(c(tf, -1f, 0.3f, 2f), c(tf, 0.5f, 1f, 2f)),
            tf -> Laplace.standard(tf, tf.constant(new long[] {3}))))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairs")
  void analyticKlMatchesMonteCarlo(Pair pair) {
    assertMatchesMonteCarlo(pair);
  }

  /** The pair's analytic KL against the mean of N single-draw estimates, within five standard errors. */
  static void assertMatchesMonteCarlo(Pair pair) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Distribution q = pair.q().apply(tf);
      Distribution p = pair.p().apply(tf);
      assertTrue(KlDivergence.hasAnalytic(q.getClass(), p.getClass()));
      Operand<TFloat32> analytic = KlDivergence.analytic(q, p);
      Distribution qRows = q.mapParameters(x -> tf.broadcastTo(x, tf.constant(new long[] {N, 3})));
      Operand<TFloat32> z = qRows.sample(new RandomSource(tf, Seed.of(13)));
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
  void uniformKlIsInfiniteWhereQsSupportLeavesPs() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Uniform q = Uniform.lowHigh(c(tf, 0f, 0f), c(tf, 1f, 2f));
      Uniform p = Uniform.lowHigh(c(tf, -1f, 0f), c(tf, 1f, 1f));
      Fetched kl = fetch(s, KlDivergence.analytic(q, p), KlDivergence.analytic(p, p)).get(0);
      assertEquals(Double.POSITIVE_INFINITY, kl.get(0));
    }
  }

  @Test
  void klTakesTheShapeOfBothDraws() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> rows = tf.reshape(tf.constant(new float[] {0.5f, 1f, 2f, 1f, 1f, 1f}),
          tf.constant(new long[] {2, 3}));
      // p has an axis q lacks; the terms depend on the scales alone.
      Operand<TFloat32> widerPrior = KlDivergence.analytic(HalfNormal.scale(c(tf, 0.5f, 1f, 2f)), HalfNormal.scale(rows));
      // q's location has rows its scale lacks; the terms of equal scales do not depend on it.
      Operand<TFloat32> againstStandard = KlDivergence.analytic(
          Laplace.locScale(tf.reshape(tf.constant(new float[] {0, 0, 0, 1, 0, 0}), tf.constant(new long[] {2, 3})),
              c(tf, 1f, 1f, 1f)),
          Laplace.standard(tf, tf.constant(new long[] {2, 3})));
      List<Fetched> out = fetch(s, widerPrior, againstStandard);
      assertEquals(2, out.get(0).size());
      assertEquals(0, out.get(0).get(0), 1e-6);
      double halfNormal = 0;
      for (double r : new double[] {0.5, 1, 2}) {
        halfNormal += 0.5 * r * r - 0.5 - Math.log(r);
      }
      assertEquals(halfNormal, out.get(0).get(1), 1e-5);
      assertEquals(2, out.get(1).size());
      assertEquals(0, out.get(1).get(0), 1e-6);
      assertEquals(1 + Math.exp(-1) - 1, out.get(1).get(1), 1e-5);
    }
  }

  @Test
  void familiesWithoutAClosedFormHaveNoAnalyticKl() {
    assertFalse(KlDivergence.hasAnalytic(Logistic.class, Logistic.class));
    assertFalse(KlDivergence.hasAnalytic(HalfCauchy.class, HalfCauchy.class));
    assertFalse(KlDivergence.hasAnalytic(Logistic.class, Normal.class));
    assertTrue(KlDivergence.hasAnalytic(Exponential.class, Exponential.class));
  }
}
