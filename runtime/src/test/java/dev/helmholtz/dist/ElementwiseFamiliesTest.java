package dev.helmholtz.dist;

import static dev.helmholtz.graph.TfTesting.fetch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.dist.ElementwiseFamilyCases.Case;
import dev.helmholtz.dist.ElementwiseFamilyCases.Reference;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting;
import dev.helmholtz.graph.TfTesting.Fetched;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The elementwise continuous families against Apache Commons Statistics: log densities at
 * points across (and outside) the support, closed-form moments, sample moments and quantiles
 * within five standard errors, entropy against its Monte Carlo estimate, and each reparameterized
 * draw's derivative against the implicit derivative from finite differences of the reference CDF.
 */
class ElementwiseFamiliesTest {

  private static final int D = 3;

  static List<Case> families() {
    return ElementwiseFamilyCases.all();
  }

  private static List<Operand<TFloat32>> parameters(Ops tf, Case c, int rows) {
    List<Operand<TFloat32>> out = new ArrayList<>();
    for (double[] p : c.parameters()) {
      float[] values = new float[rows * D];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) p[i % D];
      }
      out.add(tf.reshape(tf.constant(values), tf.constant(new long[] {rows, D})));
    }
    return out;
  }

  /** The points: four quantiles per element, then one row below and one above the support. */
  private static double[][] points(Case c) {
    double[] quantiles = {0.02, 0.3, 0.7, 0.98};
    double[][] x = new double[quantiles.length + 2][D];
    for (int e = 0; e < D; e++) {
      Reference r = c.reference(e);
      for (int i = 0; i < quantiles.length; i++) {
        x[i][e] = r.quantile(quantiles[i]);
      }
      x[quantiles.length][e] = Double.isFinite(r.lowerBound()) ? r.lowerBound() - 0.5 : -30;
      x[quantiles.length + 1][e] = Double.isFinite(r.upperBound()) ? r.upperBound() + 0.5 : 30;
    }
    return x;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void logProbMatchesTheReferenceDensity(Case c) {
    double[][] x = points(c);
    float[] flat = new float[x.length * D];
    for (int i = 0; i < x.length; i++) {
      for (int e = 0; e < D; e++) {
        flat[i * D + e] = (float) x[i][e];
      }
    }
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      ElementwiseDistribution dist = c.factory().apply(parameters(tf, c, 1));
      // Parameters [1, D] against values [rows, D]: the parameters broadcast.
      Operand<TFloat32> value = tf.reshape(tf.constant(flat), tf.constant(new long[] {x.length, D}));
      Fetched lp = fetch(s, dist.logProb(value)).get(0);
      assertArrayEquals(new long[] {x.length}, lp.shape());
      for (int i = 0; i < x.length; i++) {
        double expected = 0;
        for (int e = 0; e < D; e++) {
          expected += c.reference(e).logDensity(flat[i * D + e]);
        }
        assertEquals(expected, lp.get(i), 1e-4 * Math.max(1, Math.abs(expected)), c + " row " + i);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void samplesMatchMomentsQuantilesAndEntropy(Case c) {
    int n = 20_000;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      ElementwiseDistribution dist = c.factory().apply(parameters(tf, c, n));
      Operand<TFloat32> draw = dist.sample(new RandomSource(tf, Seed.of(3)));
      List<Fetched> out = fetch(s, draw, dist.mean(), dist.variance(), dist.entropy(), dist.logProb(draw));
      float[] xs = out.get(0).values();
      for (int e = 0; e < D; e++) {
        Reference r = c.reference(e);
        assertMoment(r.mean(), out.get(1).get(e), c + " mean");
        assertMoment(r.variance(), out.get(2).get(e), c + " variance");
        double[] column = new double[n];
        for (int i = 0; i < n; i++) {
          column[i] = xs[i * D + e];
          assertTrue(column[i] >= r.lowerBound() && column[i] <= r.upperBound(), c + " support");
        }
        if (Double.isFinite(r.variance())) {
          double m = average(column, v -> v);
          assertEquals(r.mean(), m, 5 * Math.sqrt(r.variance() / n), c + " sample mean");
          double[] squares = new double[n];
          for (int i = 0; i < n; i++) {
            squares[i] = (column[i] - m) * (column[i] - m);
          }
          double v = average(squares, q -> q);
          assertEquals(r.variance(), v, 5 * standardError(squares), c + " sample variance");
        }
        for (double q : new double[] {0.1, 0.5, 0.9}) {
          double below = r.quantile(q);
          double fraction = average(column, v -> v < below ? 1.0 : 0.0);
          assertEquals(q, fraction, 5 * Math.sqrt(q * (1 - q) / n), c + " quantile " + q);
        }
      }
      double[] negLogProb = new double[n];
      for (int i = 0; i < n; i++) {
        negLogProb[i] = -out.get(4).get(i);
      }
      assertEquals(average(negLogProb, v -> v), out.get(3).get(0), 5 * standardError(negLogProb), c + " entropy");
    }
  }

  /**
   * For a draw x = g(u; theta) with fixed noise u, F(x; theta) = u, so dx/dtheta = -(dF/dtheta) /
   * f(x): the reference CDF (or survival function in the upper half, where it is precise)
   * differenced in theta in double precision, at the very draws TensorFlow differentiated.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void reparameterizedDrawsHaveTheImplicitDerivative(Case c) {
    int n = 50;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<Operand<TFloat32>> params = parameters(tf, c, n);
      ElementwiseDistribution dist = c.factory().apply(params);
      Operand<TFloat32> draw = dist.rsample(new RandomSource(tf, Seed.of(7)));
      Output<?>[] grads = g.addGradients(tf.reduceSum(draw, tf.constant(new int[] {0, 1})).asOutput(),
          params.stream().map(Operand::asOutput).toArray(Output<?>[]::new));
      Operand<?>[] fetches = new Operand<?>[grads.length + 1];
      fetches[0] = draw;
      System.arraycopy(grads, 0, fetches, 1, grads.length);
      List<Fetched> out = fetch(s, fetches);
      for (int j = 0; j < params.size(); j++) {
        for (int i = 0; i < n * D; i++) {
          int e = i % D;
          double x = out.get(0).get(i);
          double expected = implicitDerivative(c, e, j, x);
          assertEquals(expected, out.get(j + 1).get(i), 2e-3 * Math.max(1, Math.abs(expected)),
              c + " d draw / d parameter " + j + " at x = " + x);
        }
      }
    }
  }

  /**
   * What a training step differentiates, with the batch axis unknown when the graph is built (as
   * in every model): the KL to the standard prior (analytic where registered, else Monte Carlo),
   * the entropy and the log density of a reparameterized draw, each with finite gradients.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void trainingTermsDifferentiateWithAnUnknownBatchAxis(Case c) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<Placeholder<TFloat32>> inputs = new ArrayList<>();
      for (int j = 0; j < c.parameters().length; j++) {
        inputs.add(tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, D))));
      }
      List<Operand<TFloat32>> params = new ArrayList<>();
      for (Placeholder<TFloat32> input : inputs) {
        params.add(tf.identity(input));
      }
      ElementwiseDistribution q = c.factory().apply(params);
      Distribution prior = c.standard().apply(tf, q.shape());
      Operand<TFloat32> z = q.rsample(new RandomSource(tf, Seed.of(2)));
      Operand<TFloat32> kl = KlDivergence.hasAnalytic(q.getClass(), prior.getClass())
          ? KlDivergence.analytic(q, prior) : KlDivergence.monteCarlo(q, prior, z);
      Operand<TFloat32> objective = tf.reduceSum(
          tf.math.add(tf.math.add(kl, q.entropy()), q.logProb(z)), tf.constant(0));
      Output<?>[] grads = g.addGradients(objective.asOutput(),
          params.stream().map(Operand::asOutput).toArray(Output<?>[]::new));
      Session.Runner runner = s.runner();
      List<TFloat32> fed = new ArrayList<>();
      for (int j = 0; j < inputs.size(); j++) {
        float[] rows = new float[2 * D];
        for (int i = 0; i < rows.length; i++) {
          rows[i] = (float) c.parameters()[j][i % D];
        }
        TFloat32 t = TfTesting.tensor(Shape.of(2, D), rows);
        fed.add(t);
        runner.feed(inputs.get(j), t);
      }
      for (Output<?> grad : grads) {
        runner.fetch(grad);
      }
      try (Result result = runner.run()) {
        for (int j = 0; j < grads.length; j++) {
          for (float v : TfTesting.copy(result.get(j)).values()) {
            assertTrue(Float.isFinite(v), c + " gradient of parameter " + j + ": " + v);
          }
        }
      } finally {
        fed.forEach(TFloat32::close);
      }
    }
  }

  private static double implicitDerivative(Case c, int element, int parameter, double x) {
    double[] p = new double[c.parameters().length];
    for (int j = 0; j < p.length; j++) {
      p[j] = c.parameters()[j][element];
    }
    Reference at = c.reference().apply(p);
    double h = 1e-6 * Math.max(1, Math.abs(p[parameter]));
    double[] up = p.clone();
    double[] down = p.clone();
    up[parameter] += h;
    down[parameter] -= h;
    Reference ru = c.reference().apply(up);
    Reference rd = c.reference().apply(down);
    boolean upper = at.cdf(x) > 0.5;
    double dF = upper ? -(ru.survival(x) - rd.survival(x)) / (2 * h) : (ru.cdf(x) - rd.cdf(x)) / (2 * h);
    return -dF / Math.exp(at.logDensity(x));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void standardMemberHasTheStandardParametersAndTheGivenShape(Case c) {
    float[] x = new float[6];
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) c.reference().apply(c.standardParameters()).quantile((i + 0.5) / x.length);
      }
      ElementwiseDistribution standard = c.standard().apply(tf, tf.constant(new long[] {2, 3}));
      Operand<TFloat32> value = tf.reshape(tf.constant(x), tf.constant(new long[] {2, 3}));
      Distribution mapped = standard.mapParameters(p -> tf.reshape(p, tf.constant(new long[] {3, 2})));
      List<Fetched> out = fetch(s, standard.logProb(value), standard.sample(new RandomSource(tf, Seed.of(1))),
          standard.mean(), mapped.shape());
      Reference r = c.reference().apply(c.standardParameters());
      for (int row = 0; row < 2; row++) {
        double expected = 0;
        for (int e = 0; e < 3; e++) {
          expected += r.logDensity(x[row * 3 + e]);
        }
        assertEquals(expected, out.get(0).get(row), 1e-4 * Math.max(1, Math.abs(expected)));
      }
      assertArrayEquals(new long[] {2, 3}, out.get(1).shape());
      assertArrayEquals(new long[] {2, 3}, out.get(2).shape());
      assertArrayEquals(new float[] {3, 2}, out.get(3).values());
    }
  }

  /** The closed form, or NaN where the family has no such moment (Cauchy, half-Cauchy). */
  private static void assertMoment(double expected, float actual, String what) {
    if (Double.isNaN(expected)) {
      assertTrue(Float.isNaN(actual), what + " is undefined, got " + actual);
    } else {
      assertEquals(expected, actual, 1e-5 * Math.max(1, Math.abs(expected)), what);
    }
  }

  static double average(double[] xs, DoubleUnaryOperator f) {
    double sum = 0;
    for (double x : xs) {
      sum += f.applyAsDouble(x);
    }
    return sum / xs.length;
  }

  /** The standard error of the mean of {@code xs}. */
  static double standardError(double[] xs) {
    double m = average(xs, v -> v);
    double ss = 0;
    for (double x : xs) {
      ss += (x - m) * (x - m);
    }
    return Math.sqrt(ss / (xs.length - 1) / xs.length);
  }
}
