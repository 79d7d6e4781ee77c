package dev.helmholtz.energy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.train.Checkpoints;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The up-down fine-tuning of a 4-3-2 deep belief net: the untied weights start as the RBM's, one
 * step is the wake and sleep delta rules computed here by hand plus the top RBM's own CD update on
 * the wake state, and a resumed fine-tuning repeats the uninterrupted one.
 */
class DbnUpDownTest {
  private static final int V = 4;
  private static final int H1 = 3;
  private static final int H2 = 2;
  private static final float[][] DATA = new float[48][];

  static {
    for (int i = 0; i < DATA.length; i++) {
      DATA[i] = i % 3 == 0 ? new float[] {1, 1, 0, 0} : i % 3 == 1 ? new float[] {0, 0, 1, 1} : new float[] {1, 0, 1, 0};
    }
  }

  private static DeepBeliefNet greedyNet() {
    DeepBeliefNet dbn = DeepBeliefNet.of(new TinyRbm(V, H1, 1, 0, 2f, 31), new TinyRbm(H1, H2, 1, 0, 2f, 32));
    dbn.fitGreedily(Dataset.of("v", DATA), Training.epochs(4).batchSize(16).adam(0.1).seed(3)
        .progress(ProgressListener.silent()));
    return dbn;
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  @Test
  void untyingReadsTheRbmsWeightsAndKeepsTheBound() {
    try (DeepBeliefNet dbn = greedyNet()) {
      TinyRbm.Exact rbm = ((TinyRbm) dbn.layers().get(0)).exact();
      double logZ = dbn.top().exactLogPartition();
      Dataset data = Dataset.of("v", new float[][] {DATA[0], DATA[1], DATA[2]});
      DeepBeliefNet.Bound tied = dbn.logLikelihoodBound(data, logZ, 50, 9);
      dbn.untie();
      DirectedLayer layer = dbn.directedLayer(0);
      float[] g = layer.generativeWeights();
      float[] r = layer.recognitionWeights();
      for (int j = 0; j < H1; j++) {
        for (int i = 0; i < V; i++) {
          assertEquals(rbm.k()[j][i], g[j * V + i], 1e-5, "G");
          assertEquals(rbm.k()[j][i], r[i * H1 + j], 1e-5, "R = G'");
        }
        assertEquals(rbm.c()[j], layer.recognitionBias()[j], 1e-5, "c");
      }
      for (int i = 0; i < V; i++) {
        assertEquals(rbm.b()[i], layer.generativeBias()[i], 1e-5, "b");
      }
      DeepBeliefNet.Bound untied = dbn.logLikelihoodBound(data, logZ, 50, 9);
      for (int n = 0; n < 3; n++) {
        assertEquals(tied.perExample()[n], untied.perExample()[n], 1e-4, "the same net, the same draws");
      }
    }
  }

  @Test
  void oneStepIsTheWakeAndSleepDeltaRulesAndTheTopRbmsCdUpdate(@TempDir Path dir) throws Exception {
    double rate = 0.5;
    try (DeepBeliefNet dbn = greedyNet(); TinyRbm twin = new TinyRbm(H1, H2, 1, 0, 2f, 32)) {
      dbn.untie();
      DirectedLayer layer = dbn.directedLayer(0);
      float[] g = layer.generativeWeights();
      float[] b = layer.generativeBias();
      float[] r = layer.recognitionWeights();
      float[] c = layer.recognitionBias();
      dbn.top().saveCheckpoint(dir.resolve("top"));
      Training training = Training.epochs(1).batchSize(1).adam(rate).seed(5).progress(ProgressListener.silent());
      assertEquals(1, dbn.fineTune(Dataset.of("v", new float[][] {DATA[2]}), training).steps());
      UpDown.States states = dbn.lastUpDownStates();
      float[] x = states.wake()[0][0];
      float[] s1 = states.wake()[1][0];
      float[] sleepV = states.sleep()[0][0];
      float[] sleepH = states.sleep()[1][0];
      assertArrayEquals(DATA[2], x);

      // Wake: G += rate * s1' (x - sigmoid(s1 G + b)); sleep: R += rate * v' (h - sigmoid(v R + c)).
      double moved = 0;
      for (int i = 0; i < V; i++) {
        double field = b[i];
        for (int j = 0; j < H1; j++) {
          field += s1[j] * g[j * V + i];
        }
        double error = x[i] - sigmoid(field);
        assertEquals(b[i] + rate * error, layer.generativeBias()[i], 1e-5, "b");
        for (int j = 0; j < H1; j++) {
          assertEquals(g[j * V + i] + rate * s1[j] * error, layer.generativeWeights()[j * V + i], 1e-5, "G");
          moved = Math.max(moved, Math.abs(rate * s1[j] * error));
        }
      }
      for (int j = 0; j < H1; j++) {
        double field = c[j];
        for (int i = 0; i < V; i++) {
          field += sleepV[i] * r[i * H1 + j];
        }
        double error = sleepH[j] - sigmoid(field);
        assertEquals(c[j] + rate * error, layer.recognitionBias()[j], 1e-5, "c");
        for (int i = 0; i < V; i++) {
          assertEquals(r[i * H1 + j] + rate * sleepV[i] * error, layer.recognitionWeights()[i * H1 + j], 1e-5, "R");
        }
      }
      assertTrue(moved > 1e-3, "the step moved G: " + moved);

      // The top RBM: from the same state, k = 1 sweep from the wake state is the sleep phase's start,
      // and its update is its own CD-1 step on the wake state.
      twin.restoreCheckpoint(dir.resolve("top"));
      float[][] sweep = twin.gibbsChains(Dataset.of("v", new float[][] {s1}), 1).get("v");
      assertArrayEquals(sleepH, sweep[0], "the sleep phase starts from one Gibbs sweep of the top RBM");
      twin.fit(Dataset.of("v", new float[][] {s1}), training);
      for (String name : twin.parameterNames()) {
        assertArrayEquals(twin.parameter(name), dbn.top().parameter(name), name);
      }
      float[] sigmoidOfSleep = layer.generate(new float[][] {sleepH})[0];
      for (int i = 0; i < V; i++) {
        double field = b[i];
        for (int j = 0; j < H1; j++) {
          field += sleepH[j] * g[j * V + i];
        }
        assertEquals(sigmoid(field), sleepV[i], 1e-5, "the sleep visibles are p(v | h1) before the step");
        assertTrue(Math.abs(sigmoidOfSleep[i] - sleepV[i]) < 1, "finite");
      }
    }
  }

  @Test
  void aResumedFineTuningRepeatsTheUninterruptedOne(@TempDir Path dir) throws Exception {
    Dataset data = Dataset.of("v", DATA);
    Training training = Training.epochs(2).batchSize(16).adam(0.05).seed(6).progress(ProgressListener.silent())
        .checkpoints(dir).checkpointEvery(3);
    float[] straight;
    float[] straightTop;
    try (DeepBeliefNet dbn = greedyNet()) {
      assertEquals(6, dbn.fineTune(data, training).steps());
      straight = dbn.directedLayer(0).recognitionWeights();
      straightTop = dbn.top().parameter(TinyRbm.KERNEL);
    }
    // Everything the rest of the run depends on is in the checkpoint after the first epoch: a net
    // that was never trained resumes from it into the same weights.
    try (DeepBeliefNet dbn = DeepBeliefNet.of(new TinyRbm(V, H1, 1, 0, 2f, 31), new TinyRbm(H1, H2, 1, 0, 2f, 32))) {
      assertEquals(3, dbn.fineTune(data, training.resumeFrom(dir.resolve(Checkpoints.name(3)))).steps());
      assertArrayEquals(straight, dbn.directedLayer(0).recognitionWeights());
      assertArrayEquals(straightTop, dbn.top().parameter(TinyRbm.KERNEL));
    }
  }
}
