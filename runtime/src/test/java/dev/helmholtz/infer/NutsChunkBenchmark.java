package dev.helmholtz.infer;

import dev.helmholtz.train.ThreadSettings;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * What one session run of {@link NutsLeapfrog} costs beyond its leapfrog steps: the time of a
 * 1-step and an 8-step chunk (feeds, fetches of every state, all chains), from which the fixed
 * cost per run, t(1) - (t(8) - t(1)) / 7, and per step, (t(8) - t(1)) / 7, follow. The fixed cost
 * is what driving the tree from Java pays per doubling, and what an in-graph loop would save.
 *
 * <p>Not a unit test; run from the test classpath: {@code java -cp <runtime classes, test
 * classes and dependencies> dev.helmholtz.infer.NutsChunkBenchmark}.
 */
public final class NutsChunkBenchmark {
  private NutsChunkBenchmark() {}

  public static void main(String[] args) {
    int chains = 8;
    for (int round = 0; round < 3; round++) {
      report("2-d Gaussian", HamiltonianMonteCarloTest::correlatedGaussian, 2, chains);
      report("logistic regression, 10000 x 11", HmcLeapfrogBenchmark.logisticRegression(10_000, 11), 11, chains);
    }
  }

  private static void report(String what, LogDensity target, int dims, int chains) {
    try (Graph graph = new Graph()) {
      NutsLeapfrog leapfrog = new NutsLeapfrog(Ops.create(graph), target, chains, dims);
      try (Session session = new Session(graph, ThreadSettings.defaults().toConfig())) {
        double one = millis(session, leapfrog, 1, chains, dims);
        double eight = millis(session, leapfrog, 8, chains, dims);
        double perStep = (eight - one) / 7;
        System.out.printf("%s, %d chains: 1-step chunk %.3f ms, 8-step chunk %.3f ms: %.3f ms per step,"
            + " %.3f ms fixed per run%n", what, chains, one, eight, perStep, one - perStep);
      }
    }
  }

  private static double millis(Session session, NutsLeapfrog leapfrog, int steps, int chains, int dims) {
    float[] state = new float[chains * dims];
    float[] eps = new float[chains];
    float[] mass = new float[chains * dims];
    java.util.Arrays.fill(eps, 0.01f);
    java.util.Arrays.fill(mass, 1f);
    NutsLeapfrog.Chunk chunk = leapfrog.chunk(steps);
    double best = Double.POSITIVE_INFINITY;
    for (int repeat = 0; repeat < 5; repeat++) {
      long start = System.nanoTime();
      int runs = 200;
      for (int i = 0; i < runs; i++) {
        try (TFloat32 q = tensor(state, Shape.of(chains, dims)); TFloat32 p = tensor(state, Shape.of(chains, dims));
            TFloat32 g = tensor(state, Shape.of(chains, dims)); TFloat32 e = tensor(eps, Shape.of(chains));
            TFloat32 m = tensor(mass, Shape.of(chains, dims));
            Result r = session.runner().feed(leapfrog.position, q).feed(leapfrog.momentum, p)
                .feed(leapfrog.gradient, g).feed(leapfrog.stepSize, e).feed(leapfrog.inverseMass, m)
                .fetch(chunk.positions()).fetch(chunk.momenta()).fetch(chunk.gradients()).fetch(chunk.logProbs())
                .run()) {
          r.get(0);
        }
      }
      best = Math.min(best, (System.nanoTime() - start) / 1e6 / runs);
    }
    return best;
  }

  private static TFloat32 tensor(float[] values, Shape shape) {
    return TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
  }
}
