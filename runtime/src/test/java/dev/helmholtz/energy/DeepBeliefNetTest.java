package dev.helmholtz.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A two-layer deep belief net of tiny RBMs (4-3-2) against enumeration: its directed conditional,
 * its marginal (which sums to one), its variational bound (below the exact log-likelihood, and its
 * Monte Carlo estimate at the enumerated bound), and its samples' mean.
 */
class DeepBeliefNetTest {
  private static final int V = 4;
  private static final int H1 = 3;
  private static final int H2 = 2;
  private static DeepBeliefNet dbn;

  @BeforeAll
  static void train() {
    dbn = trainedNet();
  }

  @AfterAll
  static void close() {
    dbn.close();
  }

  private static float[][] allConfigurations(int width) {
    float[][] rows = new float[1 << width][width];
    for (int s = 0; s < rows.length; s++) {
      for (int j = 0; j < width; j++) {
        rows[s][j] = (s >> j) & 1;
      }
    }
    return rows;
  }

  private static DeepBeliefNet trainedNet() {
    DeepBeliefNet dbn = DeepBeliefNet.of(new TinyRbm(V, H1, 1, 0, 2f, 31), new TinyRbm(H1, H2, 1, 0, 2f, 32));
    float[][] data = new float[64][];
    for (int i = 0; i < data.length; i++) {
      data[i] = i % 3 == 0 ? new float[] {1, 1, 0, 0} : i % 3 == 1 ? new float[] {0, 0, 1, 1} : new float[] {1, 0, 1, 0};
    }
    dbn.fitGreedily(Dataset.of("v", data), Training.epochs(5).batchSize(16).adam(0.1).seed(3)
        .progress(ProgressListener.silent()));
    return dbn;
  }

  /** log p(v) for every v by enumeration over h1: p(v) = sum_h1 p(v | h1) exp(-F2(h1)) / Z2. */
  private static double[] exactLogMarginals(DeepBeliefNet dbn) {
    TinyRbm.Exact first = ((TinyRbm) dbn.layers().get(0)).exact();
    float[][] h1s = allConfigurations(H1);
    float[] free2 = dbn.top().freeEnergy(Dataset.of("v", h1s));
    double logZ2 = dbn.top().exactLogPartition();
    float[][] vs = allConfigurations(V);
    double[] out = new double[vs.length];
    for (int s = 0; s < vs.length; s++) {
      double[] terms = new double[h1s.length];
      for (int t = 0; t < h1s.length; t++) {
        double[] p = first.visibleMeans(toDouble(h1s[t]));
        double log = -free2[t] - logZ2;
        for (int j = 0; j < V; j++) {
          log += vs[s][j] == 1 ? Math.log(p[j]) : Math.log1p(-p[j]);
        }
        terms[t] = log;
      }
      out[s] = TinyRbm.Exact.logSumExp(terms);
    }
    return out;
  }

  /** The bound by enumeration over h1 under Q(h1 | v) = the first RBM's posterior. */
  private static double[] exactBounds(DeepBeliefNet dbn) {
    TinyRbm.Exact first = ((TinyRbm) dbn.layers().get(0)).exact();
    float[][] h1s = allConfigurations(H1);
    float[] free2 = dbn.top().freeEnergy(Dataset.of("v", h1s));
    double logZ2 = dbn.top().exactLogPartition();
    float[][] vs = allConfigurations(V);
    double[] out = new double[vs.length];
    for (int s = 0; s < vs.length; s++) {
      double[] q = first.hiddenMeans(toDouble(vs[s]));
      double bound = 0;
      for (int t = 0; t < h1s.length; t++) {
        double logQ = 0;
        for (int i = 0; i < H1; i++) {
          logQ += h1s[t][i] == 1 ? Math.log(q[i]) : Math.log1p(-q[i]);
        }
        double[] p = first.visibleMeans(toDouble(h1s[t]));
        double logJoint = -free2[t] - logZ2;
        for (int j = 0; j < V; j++) {
          logJoint += vs[s][j] == 1 ? Math.log(p[j]) : Math.log1p(-p[j]);
        }
        bound += Math.exp(logQ) * (logJoint - logQ);
      }
      out[s] = bound;
    }
    return out;
  }

  private static double[] toDouble(float[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i];
    }
    return out;
  }

  @Test
  void theDirectedConditionalTheMarginalAndTheBoundAgreeWithEnumeration() {
    {
      TinyRbm.Exact first = ((TinyRbm) dbn.layers().get(0)).exact();
      float[][] h1s = allConfigurations(H1);
      float[][] means = dbn.layers().get(0).observedMeans(Dataset.of("h", h1s)).get("v");
      for (int t = 0; t < h1s.length; t++) {
        double[] p = first.visibleMeans(toDouble(h1s[t]));
        for (int j = 0; j < V; j++) {
          assertEquals(p[j], means[t][j], 1e-5);
        }
      }
      double[] logMarginals = exactLogMarginals(dbn);
      double total = 0;
      for (double l : logMarginals) {
        total += Math.exp(l);
      }
      assertEquals(1, total, 1e-4, "p(v) sums to one");
      double[] bounds = exactBounds(dbn);
      double meanGap = 0;
      for (int s = 0; s < bounds.length; s++) {
        assertTrue(bounds[s] <= logMarginals[s] + 1e-6, "bound " + bounds[s] + " <= log p(v) " + logMarginals[s]);
        meanGap += (logMarginals[s] - bounds[s]) / bounds.length;
      }
      assertTrue(meanGap > 1e-3, "the bound is not tight for a greedy Q: gap " + meanGap);
      // 4000 draws per configuration: 250 copies of each, 16 draws per copy.
      float[][] configurations = allConfigurations(V);
      float[][] copies = new float[250 * configurations.length][];
      for (int i = 0; i < copies.length; i++) {
        copies[i] = configurations[i % configurations.length];
      }
      DeepBeliefNet.Bound estimate = dbn.logLikelihoodBound(Dataset.of("v", copies), dbn.top().exactLogPartition(),
          16, 5);
      double[] perConfiguration = new double[configurations.length];
      for (int i = 0; i < copies.length; i++) {
        perConfiguration[i % configurations.length] += estimate.perExample()[i] / 250;
      }
      for (int s = 0; s < bounds.length; s++) {
        assertEquals(bounds[s], perConfiguration[s], 0.05, "Monte Carlo bound of configuration " + s);
      }
    }
  }

  @Test
  void samplesComeFromTheNetsMarginal() {
    {
      double[] logMarginals = exactLogMarginals(dbn);
      double[] exactMean = new double[V];
      float[][] vs = allConfigurations(V);
      for (int s = 0; s < vs.length; s++) {
        for (int j = 0; j < V; j++) {
          exactMean[j] += Math.exp(logMarginals[s]) * vs[s][j];
        }
      }
      float[][] start = new float[2000][H1];
      float[][] drawn = dbn.sample(Dataset.of("v", start), 20, 9);
      for (int j = 0; j < V; j++) {
        double mean = 0;
        for (float[] row : drawn) {
          mean += row[j] / drawn.length;
        }
        assertEquals(exactMean[j], mean, 0.03, "E[v_" + j + "]");
      }
    }
  }

  @Test
  void layersMustChain() {
    EnergyModel bottom = dbn.layers().get(0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeepBeliefNet.of(dbn.top(),
        bottom));
    assertTrue(e.getMessage().contains("observes 'v', 4 BERNOULLI units, but the layer below's latent 'h' has 2"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DeepBeliefNet.of(bottom));
  }
}
