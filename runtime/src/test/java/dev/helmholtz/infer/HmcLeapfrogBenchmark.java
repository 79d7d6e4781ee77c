package dev.helmholtz.infer;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ThreadSettings;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Which HMC graph is faster: a whole trajectory of L leapfrog steps unrolled in one graph (one
 * session run per transition, {@link HmcTransition}), or one leapfrog step run L times from Java
 * with position and momentum kept in variables (L runs per transition; this side is timed
 * without the momentum draw and accept step, so it is a lower bound of its cost).
 *
 * <p>Not a unit test; run from the test classpath: {@code java -cp <runtime classes, test
 * classes and dependencies> dev.helmholtz.infer.HmcLeapfrogBenchmark}.
 */
public final class HmcLeapfrogBenchmark {
  private HmcLeapfrogBenchmark() {}

  public static void main(String[] args) {
    int steps = 10;
    int chains = 16;
    LogDensity gaussian = HamiltonianMonteCarloTest::correlatedGaussian;
    LogDensity logistic = logisticRegression(10_000, 11);
    for (int round = 0; round < 3; round++) {
      report("2-d Gaussian", gaussian, 2, chains, steps);
      report("logistic regression, 10000 x 11", logistic, 11, chains, steps);
    }
  }

  private static void report(String what, LogDensity target, int dims, int chains, int steps) {
    double unrolled = unrolledMillis(target, dims, chains, steps);
    double stepwise = stepwiseMillis(target, dims, chains, steps);
    System.out.printf("%s, %d chains, L = %d: unrolled %.3f ms/transition, one step per run %.3f ms/transition%n",
        what, chains, steps, unrolled, stepwise);
  }

  static LogDensity logisticRegression(int n, int dims) {
    SplittableRandom random = new SplittableRandom(1);
    float[][] x = new float[n][dims];
    float[] sign = new float[n];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < dims; d++) {
        x[i][d] = (float) (random.nextDouble() * 2 - 1);
      }
      sign[i] = random.nextBoolean() ? 1 : -1;
    }
    return (tf, theta) -> {
      Operand<TFloat32> logits = tf.linalg.matMul(theta, tf.constant(x),
          org.tensorflow.op.linalg.MatMul.transposeB(true));
      return tf.math.neg(tf.reduceSum(tf.math.softplus(tf.math.mul(tf.constant(-1f),
          tf.math.mul(logits, tf.constant(sign)))), tf.constant(-1)));
    };
  }

  private static double unrolledMillis(LogDensity target, int dims, int chains, int steps) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      HmcTransition t = new HmcTransition(tf, new RandomSource(tf, Seed.of(1)), target, chains, dims, steps);
      try (Session s = new Session(g, ThreadSettings.defaults().toConfig());
          TFloat32 start = TFloat32.tensorOf(Shape.of(chains, dims), DataBuffers.of(new float[chains * dims], true, false));
          TFloat32 eps = TFloat32.tensorOf(Shape.of(chains), DataBuffers.of(filled(chains, 0.01f), true, false));
          TFloat32 mass = TFloat32.tensorOf(Shape.of(dims), DataBuffers.of(filled(dims, 1f), true, false))) {
        s.runner().feed(t.initialPosition, start).addTarget(t.initialize).run().close();
        s.runner().addTarget(t.refresh).run().close();
        Runnable one = () -> s.runner().feed(t.stepSize, eps).feed(t.inverseMass, mass).addTarget(t.step).fetch(t.next)
            .fetch(t.acceptProbability).run().close();
        return time(one, 1);
      }
    }
  }

  private static double stepwiseMillis(LogDensity target, int dims, int chains, int steps) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Shape shape = Shape.of(chains, dims);
      Variable<TFloat32> q = tf.variable(shape, TFloat32.class);
      Variable<TFloat32> p = tf.variable(shape, TFloat32.class);
      Op init = tf.withControlDependencies(List.of(
          tf.assign(q, tf.zeros(tf.constant(new long[] {chains, dims}), TFloat32.class)),
          tf.assign(p, tf.zeros(tf.constant(new long[] {chains, dims}), TFloat32.class)))).noOp();
      Operand<TFloat32> eps = tf.constant(0.01f);
      Operand<TFloat32> qNew = tf.math.add(tf.identity(q), tf.math.mul(eps, tf.identity(p)));
      HmcTransition.ValueAndGradient vg = HmcTransition.ValueAndGradient.of(tf, target, qNew, chains, "q");
      Op assignQ = tf.assign(q, qNew);
      Op assignP = tf.withControlDependencies(List.of(assignQ))
          .assign(p, tf.math.add(tf.identity(p), tf.math.mul(eps, vg.gradient())));
      try (Session s = new Session(g, ThreadSettings.defaults().toConfig())) {
        s.runner().addTarget(init).run().close();
        Runnable one = () -> s.runner().addTarget(assignP).fetch(vg.value()).run().close();
        return time(one, steps);
      }
    }
  }

  /** Milliseconds per transition of {@code runsPerTransition} runs, best of 5 rounds of 200 transitions. */
  private static double time(Runnable run, int runsPerTransition) {
    for (int i = 0; i < 50 * runsPerTransition; i++) {
      run.run();
    }
    double best = Double.POSITIVE_INFINITY;
    for (int round = 0; round < 5; round++) {
      long start = System.nanoTime();
      for (int i = 0; i < 200 * runsPerTransition; i++) {
        run.run();
      }
      best = Math.min(best, (System.nanoTime() - start) / 1e6 / 200);
    }
    return best;
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, v);
    return a;
  }
}
