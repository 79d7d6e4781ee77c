package dev.helmholtz.dist;

import static dev.helmholtz.graph.TfTesting.fetch;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.helmholtz.dist.ElementwiseFamilyCases.Case;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.List;
import java.util.function.Function;
import org.apache.commons.numbers.gamma.Digamma;
import org.apache.commons.numbers.gamma.Trigamma;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Gamma, InverseGamma, Beta and Student's t against Apache Commons Statistics, by the checks of
 * {@link ElementwiseFamiliesTest} (log densities, closed-form and sample moments, quantiles,
 * entropy, the standard member, training terms with an unknown batch axis), and their implicit
 * gradients: per draw against the derivative from finite differences of the reference CDF where
 * the draw is the gamma draw itself (Gamma, InverseGamma, and Student's t's location and scale),
 * and where it is a function of several gamma draws (Beta, Student's t's degrees of freedom)
 * against the closed-form derivative of an expectation, within five standard errors of its Monte
 * Carlo estimate.
 */
class GammaFamiliesTest {

  private static final int D = 3;
  private final ElementwiseFamiliesTest checks = new ElementwiseFamiliesTest();

  static List<Case> families() {
    return GammaFamilyCases.all();
  }

  static List<Case> drawIsTheGammaDraw() {
    return List.of(GammaFamilyCases.GAMMA, GammaFamilyCases.INVERSE_GAMMA);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void logProbMatchesTheReferenceDensity(Case c) {
    checks.logProbMatchesTheReferenceDensity(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void samplesMatchMomentsQuantilesAndEntropy(Case c) {
    checks.samplesMatchMomentsQuantilesAndEntropy(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("drawIsTheGammaDraw")
  void implicitGradientsMatchTheReferenceCdf(Case c) {
    checks.reparameterizedDrawsHaveTheImplicitDerivative(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void trainingTermsDifferentiateWithAnUnknownBatchAxis(Case c) {
    checks.trainingTermsDifferentiateWithAnUnknownBatchAxis(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void standardMemberHasTheStandardParametersAndTheGivenShape(Case c) {
    checks.standardMemberHasTheStandardParametersAndTheGivenShape(c);
  }

  /** Student's t is a location-scale family: its draw's derivatives in loc and scale are the CDF's. */
  @Test
  void studentTLocationAndScaleGradientsMatchTheReferenceCdf() {
    int n = 50;
    Case c = GammaFamilyCases.STUDENT_T;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<Operand<TFloat32>> params = rows(tf, c.parameters(), n);
      Operand<TFloat32> draw = c.factory().apply(params).rsample(new RandomSource(tf, Seed.of(7)));
      Output<?>[] grads = g.addGradients(tf.reduceSum(draw, tf.constant(new int[] {0, 1})).asOutput(),
          new Output<?>[] {params.get(1).asOutput(), params.get(2).asOutput()});
      List<Fetched> out = fetch(s, draw, grads[0], grads[1]);
      for (int i = 0; i < n * D; i++) {
        int e = i % D;
        double x = out.get(0).get(i);
        assertEquals(1, out.get(1).get(i), 1e-5, "d x / d loc");
        double z = (x - c.parameters()[1][e]) / c.parameters()[2][e];
        assertEquals(z, out.get(2).get(i), 1e-4 * Math.max(1, Math.abs(z)), "d x / d scale at x = " + x);
      }
    }
  }

  /** d/da E[x] = b / (a + b)^2 and d/db E[x] = -a / (a + b)^2 for x ~ Beta(a, b). */
  @Test
  void betaGradientsMatchTheDerivativeOfTheMean() {
    Case c = GammaFamilyCases.BETA;
    double[] a = c.parameters()[0];
    double[] b = c.parameters()[1];
    assertMonteCarloGradient(c, x -> x, 0, e -> b[e] / Math.pow(a[e] + b[e], 2));
    assertMonteCarloGradient(c, x -> x, 1, e -> -a[e] / Math.pow(a[e] + b[e], 2));
  }

  /** d/d df E[((x - loc) / scale)^2] = d/d df (df / (df - 2)) = -2 / (df - 2)^2. */
  @Test
  void studentTDegreesOfFreedomGradientMatchesTheDerivativeOfTheVariance() {
    Case c = GammaFamilyCases.STUDENT_T;
    double[] df = c.parameters()[0];
    assertMonteCarloGradient(c, null, 0, e -> -2 / Math.pow(df[e] - 2, 2));
  }

  /**
   * With one row of parameters per draw, the gradient of the sum of f(draws) with respect to a
   * parameter's row i is the per-draw estimate of d/d theta E[f(x)]: their mean must match {@code
   * expected} within five standard errors. A null f is Student's t's squared standardized draw.
   */
  private static void assertMonteCarloGradient(Case c, Function<Operand<TFloat32>, Operand<TFloat32>> f,
      int parameter, java.util.function.IntToDoubleFunction expected) {
    int n = 40_000;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<Operand<TFloat32>> params = rows(tf, c.parameters(), n);
      Operand<TFloat32> draw = c.factory().apply(params).rsample(new RandomSource(tf, Seed.of(11)));
      Operand<TFloat32> value = f != null ? f.apply(draw)
          : tf.math.square(tf.math.div(tf.math.sub(draw, tf.stopGradient(params.get(1))),
              tf.stopGradient(params.get(2))));
      Output<?>[] grads = g.addGradients(tf.reduceSum(value, tf.constant(new int[] {0, 1})).asOutput(),
          new Output<?>[] {params.get(parameter).asOutput()});
      Fetched grad = fetch(s, grads[0]).get(0);
      for (int e = 0; e < D; e++) {
        double[] column = new double[n];
        for (int i = 0; i < n; i++) {
          column[i] = grad.get(i * D + e);
        }
        double mean = ElementwiseFamiliesTest.average(column, v -> v);
        double se = ElementwiseFamiliesTest.standardError(column);
        assertEquals(expected.applyAsDouble(e), mean, 5 * se,
            c + " d E / d parameter " + parameter + " of element " + e + ": " + mean + " ± " + se);
      }
    }
  }

  /** The gradient of the dispatched digamma is the trigamma function (Commons Numbers). */
  @Test
  void digammaGradientIsTrigammaAndMatchesFiniteDifferences() {
    float[] x = {0.05f, 0.3f, 1f, 2.5f, 10f, 80f};
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> input = tf.constant(x);
      Operand<TFloat32> y = SpecialFunctions.digamma(tf, input);
      Output<?>[] grad = g.addGradients(tf.reduceSum(y, tf.constant(0)).asOutput(),
          new Output<?>[] {input.asOutput()});
      List<Fetched> out = fetch(s, y, grad[0]);
      for (int i = 0; i < x.length; i++) {
        double h = 1e-5 * x[i];
        double finiteDifference = (Digamma.value(x[i] + h) - Digamma.value(x[i] - h)) / (2 * h);
        assertEquals(Digamma.value(x[i]), out.get(0).get(i), 1e-5 * Math.max(1, Math.abs(Digamma.value(x[i]))));
        assertEquals(finiteDifference, Trigamma.value(x[i]), 1e-6 * Trigamma.value(x[i]));
        assertEquals(finiteDifference, out.get(1).get(i), 1e-5 * finiteDifference, "trigamma at " + x[i]);
      }
    }
  }

  static List<Operand<TFloat32>> rows(Ops tf, double[][] parameters, int n) {
    return java.util.Arrays.stream(parameters).map(p -> {
      float[] values = new float[n * D];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) p[i % D];
      }
      return (Operand<TFloat32>) tf.reshape(tf.constant(values), tf.constant(new long[] {n, D}));
    }).toList();
  }
}
