package dev.helmholtz.dist;

import static dev.helmholtz.graph.TfTesting.fetch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.dist.ElementwiseKlTest.Pair;
import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.List;
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

/**
 * Each registered KL between two different families against its Monte Carlo estimate (40,000
 * draws from q, five standard errors), and +∞ where q's support leaves p's.
 */
class CrossFamilyKlTest {

  private static Operand<TFloat32> c(Ops tf, float... v) {
    return tf.constant(v);
  }

  static Stream<Arguments> pairs() {
    return Stream.of(
        new Pair("Exponential || Gamma", tf -> Exponential.rate(c(tf, 0.5f, 1f, 3f)),
            tf -> Gamma.concentrationRate(c(tf, 0.7f, 2f, 5f), c(tf, 1f, 0.5f, 2f))),
        new Pair("Gamma || Exponential", tf -> Gamma.concentrationRate(c(tf, 0.7f, 2f, 5f), c(tf, 0.5f, 1f, 3f)),
            tf -> Exponential.rate(c(tf, 1f, 2f, 1.5f))),
        new Pair("HalfNormal || Exponential", tf -> HalfNormal.scale(c(tf, 0.5f, 1f, 2f)),
            tf -> Exponential.rate(c(tf, 1f, 2f, 0.3f))),
        new Pair("Exponential || HalfNormal", tf -> Exponential.rate(c(tf, 0.5f, 1f, 3f)),
            tf -> HalfNormal.scale(c(tf, 1f, 0.7f, 3f))),
        new Pair("Laplace || Normal", tf -> Laplace.locScale(c(tf, -1f, 0.3f, 2f), c(tf, 0.5f, 1f, 2f)),
            tf -> Normal.meanScale(c(tf, 0f, 0.5f, 1f), c(tf, 1f, 0.7f, 3f))),
        new Pair("Normal || Laplace", tf -> Normal.meanScale(c(tf, -1f, 0.3f, 2f), c(tf, 0.5f, 1f, 2f)),
            tf -> Laplace.locScale(c(tf, 0f, 0.5f, 1f), c(tf, 1f, 0.7f, 3f))),
        new Pair("Uniform || Normal", tf -> Uniform.lowHigh(c(tf, -1f, 0f, 2f), c(tf, 0f, 3f, 2.5f)),
            tf -> Normal.meanScale(c(tf, 0f, 0.5f, 1f), c(tf, 1f, 0.7f, 3f))),
        new Pair("Uniform || Laplace", tf -> Uniform.lowHigh(c(tf, -1f, 0f, 2f), c(tf, 0f, 3f, 2.5f)),
            tf -> Laplace.locScale(c(tf, -0.5f, 4f, 1f), c(tf, 1f, 0.7f, 3f))),
        new Pair("Uniform || Exponential", tf -> Uniform.lowHigh(c(tf, 0f, 1f, 2f), c(tf, 0.5f, 3f, 2.5f)),
            tf -> Exponential.rate(c(tf, 1f, 2f, 0.3f))),
        new Pair("Uniform || HalfNormal", tf -> Uniform.lowHigh(c(tf, 0f, 1f, 2f), c(tf, 0.5f, 3f, 2.5f)),
            tf -> HalfNormal.scale(c(tf, 1f, 0.7f, 3f))),
        new Pair("Beta || Uniform", tf -> Beta.concentrations(c(tf, 0.8f, 2f, 5f), c(tf, 1.5f, 3f, 1f)),
            tf -> Uniform.lowHigh(c(tf, 0f, -1f, -0.5f), c(tf, 1f, 1f, 3f))),
        new Pair("Normal || Laplace against the standard prior",
            tf -> Normal.meanScale(c(tf, -1f, 0.3f, 2f), c(tf, 0.5f, 1f, 2f)),
            tf -> Laplace.standard(tf, tf.constant(new long[] {3}))))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairs")
  void analyticKlMatchesMonteCarlo(Pair pair) {
    ElementwiseKlTest.assertMatchesMonteCarlo(pair);
  }

  @Test
  void klIsInfiniteWhereQsSupportLeavesPs() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Uniform belowZero = Uniform.lowHigh(c(tf, -0.5f, 0f), c(tf, 1f, 1f));
      Beta beta = Beta.concentrations(c(tf, 2f, 2f), c(tf, 3f, 3f));
      List<Fetched> out = fetch(s,
          KlDivergence.analytic(belowZero, Exponential.rate(c(tf, 1f, 1f))),
          KlDivergence.analytic(belowZero, HalfNormal.scale(c(tf, 1f, 1f))),
          KlDivergence.analytic(beta, Uniform.lowHigh(c(tf, 0f, 0.1f), c(tf, 1f, 1f))),
          KlDivergence.analytic(beta, Uniform.lowHigh(c(tf, 0f, 0f), c(tf, 1f, 1f))));
      for (int i = 0; i < 3; i++) {
        assertEquals(Double.POSITIVE_INFINITY, out.get(i).get(0), "pair " + i);
      }
      assertTrue(Double.isFinite(out.get(3).get(0)));
    }
  }
}
