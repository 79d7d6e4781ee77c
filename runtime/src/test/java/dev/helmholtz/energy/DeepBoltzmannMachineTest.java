package dev.helmholtz.energy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ScalarSchedule;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 4-3-2 deep Boltzmann machine against enumeration over all 2^9 joint states: its mean-field
 * fixed point, log Z (exact and by AIS), the bound on log p(v); and its persistent chains across a
 * checkpoint and a resume.
 */
class DeepBoltzmannMachineTest {
  private static final int V = 4;
  private static final int H1 = 3;
  private static final int H2 = 2;
  private static final float[][] DATA = new float[60][];
  private static DeepBoltzmannMachine dbm;

  static {
    for (int i = 0; i < DATA.length; i++) {
      DATA[i] = i % 3 == 0 ? new float[] {1, 1, 0, 0} : i % 3 == 1 ? new float[] {0, 0, 1, 1} : new float[] {1, 0, 1, 1};
    }
  }

  private static Training training() {
    return Training.epochs(1).batchSize(10).adam(0.2).seed(4).progress(ProgressListener.silent())
        .schedule("momentum", ScalarSchedule.linear(0.5, 0.9, 12));
  }

  @BeforeAll
  static void train() {
    dbm = new DeepBoltzmannMachine(V, H1, H2, 20, 1, Seed.of(21), ThreadSettings.of(1, 1));
    for (int epoch = 1; epoch <= 4; epoch++) {
      dbm.fitEpoch(Dataset.of("v", DATA), training(), epoch, 5, 3);
    }
  }

  @AfterAll
  static void close() {
    dbm.close();
  }

  /** The parameters: w1 [H1][V], b [V], w2 [H2][H1], c1 [H1], c2 [H2]. */
  private record Parameters(double[][] w1, double[] b, double[][] w2, double[] c1, double[] c2) {
    static Parameters of(DeepBoltzmannMachine m) {
      EnergyModel e = m.energyModel();
      return new Parameters(matrix(e.parameter("energy/dense_0/kernel"), H1, V), vector(e.parameter("energy/dense_0/bias")),
          matrix(e.parameter("energy/dense_1/kernel"), H2, H1), vector(e.parameter("energy/dense_1/bias")),
          vector(e.parameter("energy/second_bias")));
    }

    double energy(double[] v, double[] h1, double[] h2) {
      double e = 0;
      for (int j = 0; j < V; j++) {
        e -= b[j] * v[j];
      }
      for (int i = 0; i < H1; i++) {
        e -= c1[i] * h1[i];
        for (int j = 0; j < V; j++) {
          e -= v[j] * w1[i][j] * h1[i];
        }
        for (int k = 0; k < H2; k++) {
          e -= h1[i] * w2[k][i] * h2[k];
        }
      }
      for (int k = 0; k < H2; k++) {
        e -= c2[k] * h2[k];
      }
      return e;
    }

    /** log sum over (h1, h2) of exp(-E(v, h1, h2)), or over everything when v is null. */
    double logSum(double[] v) {
      int free = (v == null ? V : 0) + H1 + H2;
      double[] terms = new double[1 << free];
      for (int s = 0; s < terms.length; s++) {
        double[] vv = v == null ? TinyRbm.Exact.bits(s, 0, V) : v;
        int offset = v == null ? V : 0;
        terms[s] = -energy(vv, TinyRbm.Exact.bits(s, offset, H1), TinyRbm.Exact.bits(s, offset + H1, H2));
      }
      return TinyRbm.Exact.logSumExp(terms);
    }
  }

  private static double[][] matrix(float[] flat, int rows, int cols) {
    double[][] m = new double[rows][cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        m[r][c] = flat[r * cols + c];
      }
    }
    return m;
  }

  private static double[] vector(float[] flat) {
    double[] out = new double[flat.length];
    for (int i = 0; i < flat.length; i++) {
      out[i] = flat[i];
    }
    return out;
  }

  @Test
  void meanFieldReachesItsFixedPoint() {
    Parameters p = Parameters.of(dbm);
    assertTrue(Arrays.stream(p.w2()).flatMapToDouble(Arrays::stream).map(Math::abs).max().orElseThrow() > 0.05,
        "the layers interact");
    DeepBoltzmannMachine.MeanField q = dbm.meanField(Dataset.of("v", DATA), 30);
    for (int n = 0; n < 3; n++) {
      double[] v = vector(DATA[n]);
      for (int i = 0; i < H1; i++) {
        double field = p.c1()[i];
        for (int j = 0; j < V; j++) {
          field += p.w1()[i][j] * v[j];
        }
        for (int k = 0; k < H2; k++) {
          field += p.w2()[k][i] * q.second()[n][k];
        }
        assertEquals(TinyRbm.Exact.sigmoid(field), q.first()[n][i], 1e-5, "mu1");
      }
      for (int k = 0; k < H2; k++) {
        double field = p.c2()[k];
        for (int i = 0; i < H1; i++) {
          field += p.w2()[k][i] * q.first()[n][i];
        }
        assertEquals(TinyRbm.Exact.sigmoid(field), q.second()[n][k], 1e-5, "mu2");
      }
    }
  }

  @Test
  void logPartitionExactlyAndByAisAndTheBoundBelowTheLogLikelihood() {
    Parameters p = Parameters.of(dbm);
    double exact = p.logSum(null);
    assertEquals(exact, dbm.exactLogPartition(), 1e-4, "v and h2 enumerated, h1 summed out");
    AnnealedImportanceSampling.Estimate ais = dbm.annealedLogPartition(Dataset.of("v", DATA), 100,
        AnnealedImportanceSampling.schedule(500));
    assertTrue(ais.lower() <= exact && exact <= ais.upper(), ais + " vs " + exact);
    assertEquals(exact, ais.logZ(), 0.1);
    float[][] distinct = {DATA[0], DATA[1], DATA[2], {0, 1, 0, 1}};
    DeepBeliefNet.Bound bound = dbm.logLikelihoodBound(Dataset.of("v", distinct), exact, 30, 400, 3);
    for (int n = 0; n < distinct.length; n++) {
      double logLikelihood = p.logSum(vector(distinct[n])) - exact;
      double b = bound.perExample()[n];
      assertTrue(b <= logLikelihood + 0.02, "bound " + b + " <= log p(v) " + logLikelihood);
      assertTrue(b > logLikelihood - 1.5, "and near it: " + b + " vs " + logLikelihood);
    }
  }

  @Test
  void visibleBiasesStartAtTheDataLogOddsAndNothingElseMoves() {
    try (DeepBoltzmannMachine m = new DeepBoltzmannMachine(V, H1, H2, 5, 1, Seed.of(8), ThreadSettings.of(1, 1))) {
      float[] weights = m.energyModel().parameter(DeepBoltzmannMachine.FIRST_WEIGHTS);
      m.setVisibleBiasesToLogOdds(Dataset.of("v", DATA));
      float[] b = m.energyModel().parameter(DeepBoltzmannMachine.VISIBLE_BIAS);
      for (int j = 0; j < V; j++) {
        double on = 0;
        for (float[] row : DATA) {
          on += row[j];
        }
        double p = (on + 1) / (DATA.length + 2); // one pseudo-count of each value
        assertEquals(Math.log(p / (1 - p)), b[j], 1e-5, "b[" + j + "]");
      }
      assertArrayEquals(weights, m.energyModel().parameter(DeepBoltzmannMachine.FIRST_WEIGHTS));
    }
  }

  @Test
  void persistentChainsCarryAcrossUpdatesAndAResumeRepeatsTheRun(@TempDir Path dir) throws Exception {
    Dataset data = Dataset.of("v", DATA);
    float[] straight;
    float[][] straightChains;
    try (DeepBoltzmannMachine a = new DeepBoltzmannMachine(V, H1, H2, 20, 1, Seed.of(5), ThreadSettings.of(1, 1))) {
      a.fitEpoch(data, training(), 1, 5, 3);
      float[][] afterOne = a.persistentChains().get("v");
      a.saveCheckpoint(dir.resolve("epoch-1"));
      a.fitEpoch(data, training(), 2, 5, 3);
      straightChains = a.persistentChains().get("v");
      assertFalse(Arrays.deepEquals(afterOne, straightChains), "the chains moved");
      straight = a.energyModel().parameter(DeepBoltzmannMachine.FIRST_WEIGHTS);
    }
    try (DeepBoltzmannMachine b = new DeepBoltzmannMachine(V, H1, H2, 20, 1, Seed.of(5), ThreadSettings.of(1, 1))) {
      b.restoreCheckpoint(dir.resolve("epoch-1"));
      b.fitEpoch(data, training(), 2, 5, 3);
      assertArrayEquals(straight, b.energyModel().parameter(DeepBoltzmannMachine.FIRST_WEIGHTS));
      float[][] resumed = b.persistentChains().get("v");
      for (int i = 0; i < resumed.length; i++) {
        assertArrayEquals(straightChains[i], resumed[i]);
      }
    }
  }
}
