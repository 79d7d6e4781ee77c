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
import org.apache.commons.numbers.gamma.Digamma;
import org.apache.commons.numbers.gamma.LogGamma;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Each registered KL of the gamma-based families against its Monte Carlo estimate (40,000 draws
 * from q, five standard errors), and the Gamma KL's gradient in q's concentration, which goes
 * through digamma's dispatched gradient, against finite differences of the KL in double precision
 * (Commons Numbers' log-gamma and digamma).
 */
class GammaFamilyKlTest {

  private static final int N = 40_000;

  private static Operand<TFloat32> c(Ops tf, float... v) {
    return tf.constant(v);
  }

  static Stream<Arguments> pairs() {
    return Stream.of(
        new ElementwiseKlTest.Pair("Gamma", tf -> Gamma.concentrationRate(c(tf, 0.7f, 2f, 5f), c(tf, 0.5f, 1f, 3f)),
            tf -> Gamma.concentrationRate(c(tf, 1f, 3f, 2f), c(tf, 1f, 0.5f, 2f))),
        new ElementwiseKlTest.Pair("InverseGamma",
            tf -> InverseGamma.concentrationScale(c(tf, 3f, 4f, 6f), c(tf, 0.5f, 1f, 3f)),
            tf -> InverseGamma.concentrationScale(c(tf, 2f, 5f, 4f), c(tf, 1f, 2f, 2f))),
        new ElementwiseKlTest.Pair("Beta", tf -> Beta.concentrations(c(tf, 0.8f, 2f, 5f), c(tf, 1.5f, 3f, 1f)),
            tf -> Beta.concentrations(c(tf, 1f, 4f, 2f), c(tf, 1f, 1f, 2f))),
        new ElementwiseKlTest.Pair("Dirichlet", tf -> Dirichlet.concentration(c(tf, 0.8f, 2f, 5f)),
            tf -> Dirichlet.concentration(c(tf, 1f, 3f, 2f))),
        new ElementwiseKlTest.Pair("Gamma against the standard prior",
            tf -> Gamma.concentrationRate(c(tf, 0.7f, 2f, 5f), c(tf, 0.5f, 1f, 3f)),
            tf -> Gamma.standard(tf, tf.constant(new long[] {3}))),
        new ElementwiseKlTest.Pair("Dirichlet against the standard prior",
            tf -> Dirichlet.concentration(c(tf, 0.8f, 2f, 5f)),
            tf -> Dirichlet.standard(tf, tf.constant(new long[] {3}))))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairs")
  void analyticKlMatchesMonteCarlo(ElementwiseKlTest.Pair pair) {
    new ElementwiseKlTest().analyticKlMatchesMonteCarlo(pair);
  }

  /** KL(Gamma(a, b) || Gamma(ap, bp)) in double precision. */
  private static double gammaKl(double a, double b, double ap, double bp) {
    return (a - ap) * Digamma.value(a) - LogGamma.value(a) + LogGamma.value(ap)
        + ap * (Math.log(b) - Math.log(bp)) + a * (bp - b) / b;
  }

  @Test
  void gammaKlGradientInTheConcentrationMatchesFiniteDifferences() {
    float[] a = {0.3f, 1.5f, 7f};
    float[] b = {0.5f, 2f, 1f};
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> concentration = c(tf, a);
      Operand<TFloat32> kl = KlDivergence.analytic(Gamma.concentrationRate(concentration, c(tf, b)),
          Gamma.concentrationRate(c(tf, 1f, 1f, 1f), c(tf, 1f, 1f, 1f)));
      Output<?>[] grad = g.addGradients(kl.asOutput(), new Output<?>[] {concentration.asOutput()});
      List<Fetched> out = fetch(s, kl, grad[0]);
      double total = 0;
      for (int e = 0; e < 3; e++) {
        total += gammaKl(a[e], b[e], 1, 1);
        double h = 1e-5 * a[e];
        double expected = (gammaKl(a[e] + h, b[e], 1, 1) - gammaKl(a[e] - h, b[e], 1, 1)) / (2 * h);
        assertEquals(expected, out.get(1).get(e), 1e-4 * Math.max(1, Math.abs(expected)), "d KL / d a at " + a[e]);
      }
      assertEquals(total, out.get(0).get(0), 1e-4 * Math.max(1, total));
    }
  }

  @Test
  void studentTHasNoAnalyticKlAndTheOthersHaveTheirs() {
    assertFalse(KlDivergence.hasAnalytic(StudentT.class, StudentT.class));
    assertFalse(KlDivergence.hasAnalytic(Gamma.class, InverseGamma.class));
    for (Class<? extends Distribution> family : List.of(Gamma.class, InverseGamma.class, Beta.class, Dirichlet.class)) {
      assertTrue(KlDivergence.hasAnalytic(family, family), family.getSimpleName());
    }
  }
}
