package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.Plate;
import dev.helmholtz.nn.VariableStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The plate scaling of a model with global latents: at fixed noise (one draw of the global w, its
 * run counter fed), N times a minibatch's mean objective, averaged over every minibatch of B of the
 * N examples, equals the full-data ELBO, sum_n log p(y_n | w) + log p(w) - log q(w), whose value
 * is computed here from the draw by hand; and a single minibatch's estimate is not that value, so
 * the average is the test. Model: y_n ~ N(w_0, exp(w_1)^2), w ~ N(0, I), q(w) mean-field Normal.
 */
class PlateScalingTest {
  private static final float[] Y = {0.7f, -1.3f, 2.1f, 0.2f, -0.4f, 1.6f};
  private static final int N = Y.length;

  @ParameterizedTest(name = "B = {0}")
  @ValueSource(ints = {1, 2, 4})
  void theMeanOverEveryMinibatchOfTheScaledObjectiveIsTheFullDataElbo(int batch) {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      RandomSource random = new RandomSource(tf, Seed.of(11));
      VariableStore variables = new VariableStore(tf, random);
      ModelSpec spec = ModelSpec.builder("plate").objective(ObjectiveKind.ELBO, 1).global("w", 2).observed("y", 1).build();
      Placeholder<TFloat32> y = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1)));
      InferencePass pass = new InferencePass(tf, spec, variables, random, Map.of("y", y), tf.constant(1), 1,
          InferencePass.Mode.SAMPLE, Map.of());
      Operand<TFloat32> w = pass.global("w");
      pass.globalPrior("w", w, Normal.standard(tf, pass.shape(w)));
      Operand<TFloat32> rows = pass.perExample(w); // [B, 2]
      Operand<TFloat32> mean = tf.slice(rows, tf.constant(new int[] {0, 0}), tf.constant(new int[] {-1, 1}));
      Operand<TFloat32> logStd = tf.slice(rows, tf.constant(new int[] {0, 1}), tf.constant(new int[] {-1, 1}));
      pass.observe("y", y, Normal.meanLogStd(mean, logStd));
      Operand<TFloat32> objective = tf.math.mean(pass.elboPerExample(), tf.constant(0));
      Placeholder<TFloat32> size = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      var setSize = tf.assign(GlobalPosterior.dataSizeVariable(variables), size);
      Operand<TFloat32> loc = variables.variable("global/w/loc", Shape.of(2), VariableStore.zeros());
      Operand<TFloat32> rho = variables.variable("global/w/rho", Shape.of(2), VariableStore.zeros());
      List<Operand<TInt64>> counts = random.runCounts();
      try (Session session = new Session(graph); TFloat32 n = TFloat32.scalarOf(N);
          TInt64 fixed = TInt64.scalarOf(5)) {
        Session.Runner init = session.runner();
        variables.initializers().forEach(init::addTarget);
        init.run().close();
        session.runner().feed(size, n).addTarget(setSize).run().close();

        double scaledSum = 0;
        int minibatches = 0;
        List<Double> estimates = new ArrayList<>();
        for (int[] subset : subsets(N, batch)) {
          double estimate = N * run(session, objective, y, subset, counts, fixed).get(0)[0];
          estimates.add(estimate);
          scaledSum += estimate;
          minibatches++;
        }
        int[] all = java.util.stream.IntStream.range(0, N).toArray();
        List<float[]> full = run(session, objective, y, all, counts, fixed, w, loc, rho);
        double fullElbo = N * full.get(0)[0];
        float[] draw = full.get(1);
        float[] q = full.get(2);
        float[] r = full.get(3);
        double logLikelihood = 0;
        for (float v : Y) {
          logLikelihood += logNormal(v, draw[0], Math.exp(draw[1]));
        }
        double logPrior = logNormal(draw[0], 0, 1) + logNormal(draw[1], 0, 1);
        double logQ = logNormal(draw[0], q[0], Math.log1p(Math.exp(r[0])))
            + logNormal(draw[1], q[1], Math.log1p(Math.exp(r[1])));
        double byHand = logLikelihood + logPrior - logQ;
        assertEquals(byHand, fullElbo, 1e-4 * Math.abs(byHand), "the full-data objective times N");
        assertEquals(byHand, scaledSum / minibatches, 1e-4 * Math.abs(byHand),
            "the mean over all " + minibatches + " minibatches of N times the minibatch objective");
        if (batch < N) { // the estimates vary with the minibatch: it is the average that is exact
          assertNotEquals(estimates.get(0), estimates.get(estimates.size() - 1), 1e-3);
        }
        assertEquals(Plate.scale(N, batch), (double) N / batch);
      }
    }
  }

  @Test
  void theScaleOfAPlateIsItsSizeOverTheBatch() {
    assertEquals(60000.0 / 128, Plate.scale(60000, 128));
    assertEquals(128.0 / 60000, Plate.globalWeight(60000, 128));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Plate.scale(10, 11));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Plate.scale(10, 0));
  }

  private static double logNormal(double x, double mean, double sd) {
    double z = (x - mean) / sd;
    return -0.5 * z * z - Math.log(sd) - 0.5 * Math.log(2 * Math.PI);
  }

  /** One run on the rows {@code subset} of Y with every run counter fed {@code count}: the fetches' values. */
  @SafeVarargs
  private static List<float[]> run(Session session, Operand<TFloat32> objective, Placeholder<TFloat32> y, int[] subset,
      List<Operand<TInt64>> counts, TInt64 count, Operand<TFloat32>... more) {
    float[] rows = new float[subset.length];
    for (int i = 0; i < subset.length; i++) {
      rows[i] = Y[subset[i]];
    }
    try (TFloat32 data = TFloat32.tensorOf(Shape.of(subset.length, 1), DataBuffers.of(rows))) {
      Session.Runner runner = session.runner().feed(y, data).fetch(objective);
      counts.forEach(c -> runner.feed(c, count));
      for (Operand<TFloat32> m : more) {
        runner.fetch(m);
      }
      try (Result result = runner.run()) {
        List<float[]> values = new ArrayList<>();
        for (int i = 0; i < 1 + more.length; i++) {
          values.add(dev.helmholtz.core.BatchRuns.values((TFloat32) result.get(i)));
        }
        return values;
      }
    }
  }

  /** Every subset of size k of 0..n-1, in lexicographic order. */
  private static List<int[]> subsets(int n, int k) {
    List<int[]> out = new ArrayList<>();
    int[] s = java.util.stream.IntStream.range(0, k).toArray();
    while (true) {
      out.add(s.clone());
      int i = k - 1;
      while (i >= 0 && s[i] == n - k + i) {
        i--;
      }
      if (i < 0) {
        return out;
      }
      s[i]++;
      for (int j = i + 1; j < k; j++) {
        s[j] = s[j - 1] + 1;
      }
    }
  }
}
