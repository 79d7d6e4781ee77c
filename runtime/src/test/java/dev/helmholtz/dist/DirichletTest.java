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
import org.apache.commons.numbers.gamma.Digamma;
import org.apache.commons.numbers.gamma.LogGamma;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Dirichlet against closed forms computed in double precision with Apache Commons Numbers'
 * log-gamma and digamma (Commons Statistics has no Dirichlet): log density, moments, entropy,
 * sample moments within five standard errors, the implicit gradient of the mean against its
 * closed-form derivative, and the simplex check.
 */
class DirichletTest {

  private static final double[] A = {0.5, 2, 4};
  private static final int K = A.length;

  private static Operand<TFloat32> rows(Ops tf, double[] a, int n) {
    float[] values = new float[n * a.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) a[i % a.length];
    }
    return tf.reshape(tf.constant(values), tf.constant(new long[] {n, a.length}));
  }

  private static double logDensity(double[] a, float[] x, int row) {
    double a0 = 0;
    double lp = 0;
    for (int j = 0; j < a.length; j++) {
      a0 += a[j];
      lp += (a[j] - 1) * Math.log(x[row * a.length + j]) - LogGamma.value(a[j]);
    }
    return lp + LogGamma.value(a0);
  }

  static double entropy(double[] a) {
    double a0 = 0;
    double h = 0;
    for (double v : a) {
      a0 += v;
      h += LogGamma.value(v) - (v - 1) * Digamma.value(v);
    }
    return h - LogGamma.value(a0) + (a0 - a.length) * Digamma.value(a0);
  }

  @Test
  void logProbMeanVarianceAndEntropyMatchTheClosedForms() {
    float[] x = {0.2f, 0.3f, 0.5f, 0.01f, 0.01f, 0.98f, 0.6f, 0.39f, 0.01f};
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Dirichlet d = Dirichlet.concentration(rows(tf, A, 1));
      Operand<TFloat32> value = tf.reshape(tf.constant(x), tf.constant(new long[] {3, K}));
      List<Fetched> out = fetch(s, d.logProb(value), d.mean(), d.variance(), d.entropy());
      assertArrayEquals(new long[] {3}, out.get(0).shape());
      for (int row = 0; row < 3; row++) {
        double expected = logDensity(A, x, row);
        assertEquals(expected, out.get(0).get(row), 1e-4 * Math.max(1, Math.abs(expected)));
      }
      for (int j = 0; j < K; j++) {
        assertEquals(A[j] / 6.5, out.get(1).get(j), 1e-6);
        assertEquals(A[j] * (6.5 - A[j]) / (6.5 * 6.5 * 7.5), out.get(2).get(j), 1e-6);
      }
      assertEquals(entropy(A), out.get(3).get(0), 1e-4);
    }
  }

  @Test
  void aNonPositiveEntryHasLogDensityMinusInfinity() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Dirichlet d = Dirichlet.concentration(tf.constant(new float[] {2f, 2f}));
      Fetched lp = fetch(s, d.logProb(tf.constant(new float[] {-0.5f, 1.5f}))).get(0);
      assertEquals(Double.NEGATIVE_INFINITY, lp.get(0));
    }
  }

  @Test
  void valuesOffTheSimplexFailNamingTheFamily() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Dirichlet d = Dirichlet.concentration(tf.constant(new float[] {2f, 2f, 2f}));
      Operand<TFloat32> counts = tf.constant(new float[] {1f, 2f, 3f});
      TFInvalidArgumentException e = assertThrows(TFInvalidArgumentException.class,
          () -> fetch(s, d.logProb(counts)));
      assertTrue(e.getMessage().contains("Dirichlet.logProb: values must lie on the probability simplex"),
          e.getMessage());
    }
  }

  @Test
  void samplesLieOnTheSimplexWithTheClosedFormMomentsAndEntropy() {
    int n = 20_000;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Dirichlet d = Dirichlet.concentration(rows(tf, A, n));
      Operand<TFloat32> draw = d.sample(new RandomSource(tf, Seed.of(5)));
      List<Fetched> out = fetch(s, draw, d.logProb(draw));
      double a0 = 6.5;
      for (int j = 0; j < K; j++) {
        double[] column = new double[n];
        for (int i = 0; i < n; i++) {
          column[i] = out.get(0).get(i * K + j);
          assertTrue(column[i] > 0 && column[i] < 1);
        }
        double variance = A[j] * (a0 - A[j]) / (a0 * a0 * (a0 + 1));
        assertEquals(A[j] / a0, ElementwiseFamiliesTest.average(column, v -> v), 5 * Math.sqrt(variance / n));
      }
      for (int i = 0; i < n; i++) {
        double sum = 0;
        for (int j = 0; j < K; j++) {
          sum += out.get(0).get(i * K + j);
        }
        assertEquals(1, sum, 1e-5);
      }
      double[] negLogProb = new double[n];
      for (int i = 0; i < n; i++) {
        negLogProb[i] = -out.get(1).get(i);
      }
      assertEquals(entropy(A), ElementwiseFamiliesTest.average(negLogProb, v -> v),
          5 * ElementwiseFamiliesTest.standardError(negLogProb));
    }
  }

  /** d/d a_j E[x_k] = (delta_jk a0 - a_k) / a0^2: the implicit gradients by Monte Carlo, per concentration. */
  @Test
  void implicitGradientsMatchTheDerivativeOfTheMean() {
    int n = 40_000;
    int k = 2;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> a = rows(tf, A, n);
      Operand<TFloat32> draw = Dirichlet.concentration(a).rsample(new RandomSource(tf, Seed.of(9)));
      Operand<TFloat32> xk = tf.slice(draw, tf.constant(new int[] {0, k}), tf.constant(new int[] {-1, 1}));
      Output<?>[] grad = g.addGradients(tf.reduceSum(xk, tf.constant(new int[] {0, 1})).asOutput(),
          new Output<?>[] {a.asOutput()});
      Fetched out = fetch(s, grad[0]).get(0);
      double a0 = 6.5;
      for (int j = 0; j < K; j++) {
        double[] column = new double[n];
        for (int i = 0; i < n; i++) {
          column[i] = out.get(i * K + j);
        }
        double expected = ((j == k ? a0 : 0) - A[k]) / (a0 * a0);
        assertEquals(expected, ElementwiseFamiliesTest.average(column, v -> v),
            5 * ElementwiseFamiliesTest.standardError(column), "d E[x_" + k + "] / d a_" + j);
      }
    }
  }

  @Test
  void standardMemberIsUniformOnTheSimplexOfTheGivenShape() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Dirichlet standard = Dirichlet.standard(tf, tf.constant(new long[] {2, 4}));
      Operand<TFloat32> value = tf.reshape(tf.constant(new float[] {0.25f, 0.25f, 0.25f, 0.25f,
          0.1f, 0.2f, 0.3f, 0.4f}), tf.constant(new long[] {2, 4}));
      List<Fetched> out = fetch(s, standard.logProb(value), standard.sample(new RandomSource(tf, Seed.of(1))),
          standard.mapParameters(p -> tf.reshape(p, tf.constant(new long[] {4, 2}))).shape());
      // Dirichlet(1, 1, 1, 1) has density Gamma(4) = 6 on the simplex.
      assertEquals(Math.log(6), out.get(0).get(0), 1e-5);
      assertEquals(Math.log(6), out.get(0).get(1), 1e-5);
      assertArrayEquals(new long[] {2, 4}, out.get(1).shape());
      assertArrayEquals(new float[] {4, 2}, out.get(2).values());
    }
  }
}
