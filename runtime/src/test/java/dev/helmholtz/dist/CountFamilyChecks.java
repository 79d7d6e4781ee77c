package dev.helmholtz.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting;
import java.util.List;
import java.util.function.Function;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The checks every count family's test runs: sample moments against closed forms, gradients of
 * {@code logProb} against finite differences, an analytic KL against Monte Carlo.
 */
final class CountFamilyChecks {

  static final int DRAWS = 20_000;

  private CountFamilyChecks() {}

  /**
   * Draws {@link #DRAWS} rows of {@code family} built from {@code parameter} (one value per
   * column) and checks each column's mean and variance against {@code mean} and {@code variance}
   * within five standard errors (of the variance estimated from the draws' fourth moment).
   */
  static void assertMomentsAgree(float[] parameter, Function<Operand<TFloat32>, Distribution> family,
      double[] mean, double[] variance, long seed) {
    int d = parameter.length;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Distribution rows = family.apply(tf.constant(parameter))
          .mapParameters(p -> tf.broadcastTo(p, tf.constant(new long[] {DRAWS, d})));
      Operand<TFloat32> draws = rows.sample(new RandomSource(tf, Seed.of(seed)));
      try (Session s = new Session(g)) {
        float[] values = TfTesting.fetchOne(s, draws).values();
        for (int j = 0; j < d; j++) {
          float[] column = TfTesting.column(values, d, j);
          for (float x : column) {
            assertTrue(x >= 0 && x == Math.floor(x), "a draw is not a count: " + x);
          }
          double m = TfTesting.mean(column);
          double m2 = 0;
          double m4 = 0;
          for (float x : column) {
            double c = x - m;
            m2 += c * c;
            m4 += c * c * c * c;
          }
          m2 /= DRAWS;
          m4 /= DRAWS;
          double seMean = Math.sqrt(variance[j] / DRAWS);
          double seVariance = Math.sqrt(Math.max(m4 - m2 * m2, 0) / DRAWS);
          assertEquals(mean[j], m, 5 * seMean + 1e-6, "mean of column " + j);
          assertEquals(variance[j], m2, 5 * seVariance + 1e-6, "variance of column " + j);
        }
      }
    }
  }

  /**
   * tf.gradients of {@code sum(logProb(value))} with respect to the parameter against central
   * finite differences in it.
   */
  static void assertLogProbGradientMatchesFiniteDifferences(float[] parameter, float[] value,
      Function<Operand<TFloat32>, Distribution> family) {
    int d = parameter.length;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> theta = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(d)));
      Operand<TFloat32> f = family.apply(theta).logProb(tf.constant(value));
      Output<?> grad = g.addGradients(f.asOutput(), new Output<?>[] {theta.output()})[0];
      try (Session s = new Session(g)) {
        float[] analytic;
        try (TFloat32 t = TfTesting.tensor(Shape.of(d), parameter);
            var result = s.runner().feed(theta, t).fetch(grad).run()) {
          analytic = TfTesting.copy(result.get(0)).values();
        }
        float h = 1e-2f;
        double magnitude = 0;
        for (int i = 0; i < d; i++) {
          double fd = (evaluate(s, f, theta, bump(parameter, i, h))
              - evaluate(s, f, theta, bump(parameter, i, -h))) / (2 * h);
          assertEquals(fd, analytic[i], 5e-3 * Math.max(1, Math.abs(fd)), "d logProb / d parameter[" + i + "]");
          magnitude += Math.abs(analytic[i]);
        }
        assertTrue(magnitude > 1e-3, "the gradient vanishes everywhere");
      }
    }
  }

  private static float[] bump(float[] v, int i, float h) {
    float[] out = v.clone();
    out[i] += h;
    return out;
  }

  private static double evaluate(Session s, Operand<TFloat32> f, Placeholder<TFloat32> theta, float[] value) {
    try (TFloat32 t = TfTesting.tensor(Shape.of(value.length), value);
        var result = s.runner().feed(theta, t).fetch(f).run()) {
      return TfTesting.copy(result.get(0)).get(0);
    }
  }

  /**
   * The analytic KL(q || p) of the families built from {@code qParameter} and {@code pParameter}
   * against the mean of {@link #DRAWS} single-draw Monte Carlo estimates (within four standard
   * errors), and KL(p || p) = 0. Returns the analytic value.
   */
  static double assertKlAgreesWithMonteCarlo(float[] qParameter, float[] pParameter,
      Function<Operand<TFloat32>, Distribution> family, long seed) {
    int d = qParameter.length;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Distribution q1 = family.apply(tf.constant(qParameter));
      Distribution p = family.apply(tf.constant(pParameter));
      Distribution q = q1.mapParameters(x -> tf.broadcastTo(x, tf.constant(new long[] {DRAWS, d})));
      Operand<TFloat32> mc = KlDivergence.monteCarlo(q, p, q.sample(new RandomSource(tf, Seed.of(seed))));
      try (Session s = new Session(g)) {
        List<TfTesting.Fetched> out = TfTesting.fetch(s, KlDivergence.analytic(q1, p), mc, KlDivergence.analytic(p, p));
        double analytic = out.get(0).get(0);
        float[] estimates = out.get(1).values();
        double mean = TfTesting.mean(estimates);
        double se = TfTesting.std(estimates) / Math.sqrt(estimates.length);
        assertTrue(se > 0);
        assertEquals(analytic, mean, 4 * se + 1e-4, "Monte Carlo mean " + mean + " +- " + se);
        assertEquals(0.0, out.get(2).get(0), 1e-5, "KL(p || p)");
        return analytic;
      }
    }
  }
}
