package dev.helmholtz.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ScalarSchedule;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The DBM's negative phase and its update against enumeration over all 2^15 joint states of a
 * 6-5-4 machine with weights of scale 1.5: after burn-in, the persistent chains' statistics
 * ({@code <v h1>}, {@code <h1 h2>}, {@code <v>}, {@code <h1>}, {@code <h2>}, h1 by its
 * conditional mean) are the model's exact expectations, so the chains are persistent and h2 is
 * sampled in them as a binary unit; and one SGD step moves every weight by the learning rate times
 * the gradient of the mean-field bound (the mean-field statistics of the data minus the exact
 * model expectations) minus the weight decay, and every bias, h2's included, by the same gradient
 * without decay.
 */
class DeepBoltzmannMachineGradientTest {
  private static final int V = 6;
  private static final int H1 = 5;
  private static final int H2 = 4;
  private static final int CHAINS = 4000;
  private static final float[][] DATA = {{1, 1, 0, 0, 1, 0}, {0, 0, 1, 1, 0, 1}, {1, 0, 1, 0, 1, 1}};

  /** w1 [H1][V], b [V], w2 [H2][H1], c1 [H1], c2 [H2]: the DBM's layouts. */
  private record Parameters(double[][] w1, double[] b, double[][] w2, double[] c1, double[] c2) {
    static Parameters random(long seed, double scale) {
      Random r = new Random(seed);
      double[][] w1 = new double[H1][V];
      double[][] w2 = new double[H2][H1];
      for (double[] row : w1) {
        fill(row, r, scale);
      }
      for (double[] row : w2) {
        fill(row, r, scale);
      }
      double[] b = new double[V];
      double[] c1 = new double[H1];
      double[] c2 = new double[H2];
      fill(b, r, scale / 2);
      fill(c1, r, scale / 2);
      fill(c2, r, scale / 2);
      return new Parameters(w1, b, w2, c1, c2);
    }

    private static void fill(double[] x, Random r, double scale) {
      for (int i = 0; i < x.length; i++) {
        x[i] = scale * r.nextGaussian();
      }
    }

    double[] firstField(double[] v, double[] h2) {
      double[] f = c1.clone();
      for (int i = 0; i < H1; i++) {
        for (int j = 0; j < V; j++) {
          f[i] += w1[i][j] * v[j];
        }
        for (int k = 0; k < H2; k++) {
          f[i] += w2[k][i] * h2[k];
        }
      }
      return f;
    }

    double energy(double[] v, double[] h1, double[] h2) {
      double e = 0;
      double[] f = firstField(v, h2);
      for (int i = 0; i < H1; i++) {
        e -= h1[i] * f[i];
      }
      for (int j = 0; j < V; j++) {
        e -= b[j] * v[j];
      }
      for (int k = 0; k < H2; k++) {
        e -= c2[k] * h2[k];
      }
      return e;
    }

    Map<String, float[]> byName() {
      Map<String, float[]> out = new LinkedHashMap<>();
      out.put(DeepBoltzmannMachine.FIRST_WEIGHTS, flat(w1));
      out.put(DeepBoltzmannMachine.VISIBLE_BIAS, flat(new double[][] {b}));
      out.put(DeepBoltzmannMachine.SECOND_WEIGHTS, flat(w2));
      out.put(DeepBoltzmannMachine.FIRST_BIAS, flat(new double[][] {c1}));
      out.put(DeepBoltzmannMachine.SECOND_BIAS, flat(new double[][] {c2}));
      return out;
    }
  }

  /** Sufficient statistics, flattened as the variables are: v h1 [H1*V], h1 h2 [H2*H1], v, h1, h2. */
  private record Statistics(double[] vh1, double[] h1h2, double[] v, double[] h1, double[] h2) {
    static Statistics zero() {
      return new Statistics(new double[H1 * V], new double[H2 * H1], new double[V], new double[H1], new double[H2]);
    }

    void add(double weight, double[] v, double[] h1, double[] h2) {
      for (int i = 0; i < H1; i++) {
        for (int j = 0; j < V; j++) {
          vh1[i * V + j] += weight * v[j] * h1[i];
        }
        for (int k = 0; k < H2; k++) {
          h1h2[k * H1 + i] += weight * h1[i] * h2[k];
        }
        this.h1[i] += weight * h1[i];
      }
      for (int j = 0; j < V; j++) {
        this.v[j] += weight * v[j];
      }
      for (int k = 0; k < H2; k++) {
        this.h2[k] += weight * h2[k];
      }
    }

    double[][] all() {
      return new double[][] {vh1, h1h2, v, h1, h2};
    }

    /** The model's expectations, by enumerating every (v, h1, h2). */
    static Statistics exact(Parameters p) {
      int states = 1 << (V + H1 + H2);
      double[] logWeights = new double[states];
      for (int s = 0; s < states; s++) {
        logWeights[s] = -p.energy(TinyRbm.Exact.bits(s, 0, V), TinyRbm.Exact.bits(s, V, H1),
            TinyRbm.Exact.bits(s, V + H1, H2));
      }
      double logZ = TinyRbm.Exact.logSumExp(logWeights);
      Statistics out = zero();
      for (int s = 0; s < states; s++) {
        out.add(Math.exp(logWeights[s] - logZ), TinyRbm.Exact.bits(s, 0, V), TinyRbm.Exact.bits(s, V, H1),
            TinyRbm.Exact.bits(s, V + H1, H2));
      }
      return out;
    }
  }

  private static final String[] NAMES = {"<v h1>", "<h1 h2>", "<v>", "<h1>", "<h2>"};

  private static float[] flat(double[][] m) {
    float[] out = new float[m.length * m[0].length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[0].length; j++) {
        out[i * m[0].length + j] = (float) m[i][j];
      }
    }
    return out;
  }

  private static double[] doubles(float[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i];
    }
    return out;
  }

  private static Training steps(int epochs, double learningRate, double weightDecay) {
    return Training.epochs(epochs).batchSize(DATA.length).adam(learningRate).seed(1).progress(ProgressListener.silent())
        .schedule("momentum", ScalarSchedule.constant(0)).schedule("weight_decay", ScalarSchedule.constant(weightDecay));
  }

  @Test
  void persistentChainsSampleTheModelAndAnUpdateFollowsTheBoundsGradient() {
    Parameters p = Parameters.random(3, 1.5);
    Statistics model = Statistics.exact(p);
    try (DeepBoltzmannMachine dbm = new DeepBoltzmannMachine(V, H1, H2, CHAINS, 1, Seed.of(7),
        ThreadSettings.of(1, 1))) {
      dbm.setParameters(p.byName());
      DeepBoltzmannMachine.MeanField q = dbm.meanField(Dataset.of("v", DATA), 50);
      Dataset clamped = Dataset.of("v", DATA).with("h2", q.second());
      // Burn-in: 60 sweeps at a learning rate too small to move a float32 weight.
      dbm.energyModel().fit(clamped, steps(60, 1e-12, 0));
      assertEquals(p.w1()[0][0], dbm.energyModel().parameter(DeepBoltzmannMachine.FIRST_WEIGHTS)[0], 1e-6);

      Map<String, float[][]> chains = dbm.persistentChains();
      Statistics sampled = Statistics.zero();
      for (int n = 0; n < CHAINS; n++) {
        double[] v = doubles(chains.get("v")[n]);
        double[] h2 = doubles(chains.get("h2")[n]);
        for (double x : h2) {
          assertTrue(x == 0 || x == 1, "h2 is a binary unit in the chains: " + x);
        }
        double[] h1 = p.firstField(v, h2);
        for (int i = 0; i < H1; i++) {
          h1[i] = TinyRbm.Exact.sigmoid(h1[i]);
        }
        sampled.add(1.0 / CHAINS, v, h1, h2);
      }
      for (int s = 0; s < NAMES.length; s++) {
        for (int i = 0; i < model.all()[s].length; i++) {
          assertEquals(model.all()[s][i], sampled.all()[s][i], 0.04, NAMES[s] + "[" + i + "]: chains against enumeration");
        }
      }

      // One step at momentum 0: the change over the learning rate is the bound's gradient, minus lambda W.
      Statistics data = Statistics.zero();
      for (int n = 0; n < DATA.length; n++) {
        data.add(1.0 / DATA.length, doubles(DATA[n]), doubles(q.first()[n]), doubles(q.second()[n]));
      }
      String[] variables = {DeepBoltzmannMachine.FIRST_WEIGHTS, DeepBoltzmannMachine.SECOND_WEIGHTS,
          DeepBoltzmannMachine.VISIBLE_BIAS, DeepBoltzmannMachine.FIRST_BIAS, DeepBoltzmannMachine.SECOND_BIAS};
      float[][] before = new float[variables.length][];
      for (int s = 0; s < variables.length; s++) {
        before[s] = dbm.energyModel().parameter(variables[s]);
      }
      double learningRate = 0.1;
      double decay = 0.5;
      dbm.energyModel().fit(clamped, steps(1, learningRate, decay));
      for (int s = 0; s < variables.length; s++) {
        float[] after = dbm.energyModel().parameter(variables[s]);
        double lambda = s < 2 ? decay : 0; // weights decay, biases do not
        for (int i = 0; i < after.length; i++) {
          double gradient = data.all()[s][i] - model.all()[s][i] - lambda * before[s][i];
          assertEquals(gradient, (after[i] - before[s][i]) / learningRate, 0.04,
              variables[s] + "[" + i + "]: the step against the exact gradient of the bound");
        }
      }
    }
  }
}
