package dev.helmholtz.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A Gaussian-Bernoulli RBM, {@code E(v, h) = sum_j p v_j^2 / 2 - v . (h K + b) - h . c} with
 * precision p = 2: the Gaussian conditional read off the energy's gradients has mean {@code (h K
 * + b) / p} and variance {@code 1 / p}; the hidden conditional and the free energy are the
 * closed forms.
 */
class GaussianBernoulliRbmTest {
  private static final float PRECISION = 2f;

  private static final class Model extends EnergyModel {
    Model() {
      super(EnergySpec.builder("GaussianBernoulli").observed("v", Units.GAUSSIAN, 3).latent("h", Units.BERNOULLI, 2)
          .build(), Seed.of(5), ThreadSettings.of(1, 1));
      build();
    }

    @Override
    protected Operand<TFloat32> defineEnergy(EnergyPass pass) {
      Ops tf = pass.tf();
      Nn nn = pass.network("energy");
      Operand<TFloat32> v = pass.node("v");
      Operand<TFloat32> h = pass.node("h");
      Operand<TFloat32> quadratic = tf.math.mul(tf.constant(PRECISION / 2),
          tf.reduceSum(tf.math.square(v), tf.constant(1)));
      Operand<TFloat32> interaction = tf.math.add(
          tf.reduceSum(tf.math.mul(v, nn.dense(h, 3)), tf.constant(1)),
          tf.reduceSum(tf.math.mul(h, nn.variable("hidden_bias", 2)), tf.constant(1)));
      return tf.math.sub(quadratic, interaction);
    }
  }

  /**
   * AIS anneals from a unit-precision Gaussian base to the model's precision 2; log Z by summing
   * over h the Gaussian integral over v: {@code log sum_h exp(c.h + |h K + b|^2 / 2p) + D/2 log(2 pi / p)}.
   */
  @Test
  void annealedImportanceSamplingFindsTheExactLogPartition() {
    try (Model rbm = new Model()) {
      float[] k = rbm.parameter("energy/dense_0/kernel");
      float[] b = rbm.parameter("energy/dense_0/bias");
      float[] c = rbm.parameter("energy/hidden_bias");
      double[] terms = new double[4];
      for (int s = 0; s < 4; s++) {
        double[] h = {s & 1, (s >> 1) & 1};
        double squared = 0;
        for (int j = 0; j < 3; j++) {
          double a = b[j] + h[0] * k[j] + h[1] * k[3 + j];
          squared += a * a;
        }
        terms[s] = c[0] * h[0] + c[1] * h[1] + squared / (2 * PRECISION);
      }
      double exact = TinyRbm.Exact.logSumExp(terms) + 1.5 * Math.log(2 * Math.PI / PRECISION);
      Random random = new Random(9);
      float[][] base = new float[200][3];
      for (float[] row : base) {
        for (int j = 0; j < 3; j++) {
          row[j] = (float) (random.nextGaussian() + j);
        }
      }
      AnnealedImportanceSampling.Estimate estimate = rbm.annealedLogPartition(Dataset.of("v", base), 200,
          AnnealedImportanceSampling.schedule(1000));
      assertTrue(estimate.lower() <= exact && exact <= estimate.upper(),
          "log Z = " + exact + " outside [" + estimate.lower() + ", " + estimate.upper() + "]");
      assertEquals(exact, estimate.logZ(), 0.05);
    }
  }

  @Test
  void conditionalsAndFreeEnergyAreTheClosedForms() {
    try (Model rbm = new Model()) {
      Random random = new Random(3);
      float[][] train = new float[64][3];
      for (float[] row : train) {
        for (int j = 0; j < 3; j++) {
          row[j] = (float) (random.nextGaussian() + j);
        }
      }
      rbm.fit(Dataset.of("v", train), Training.epochs(2).batchSize(16).adam(0.05).seed(1)
          .progress(ProgressListener.silent()));
      float[] k = rbm.parameter("energy/dense_0/kernel"); // [2, 3]
      float[] b = rbm.parameter("energy/dense_0/bias");
      float[] c = rbm.parameter("energy/hidden_bias");

      // One example repeated: v's draws given their h spread with variance 1 / p around (h K + b) / p.
      int rows = 20_000;
      float[][] start = new float[rows][];
      for (int r = 0; r < rows; r++) {
        start[r] = new float[] {0.3f, -0.5f, 1.2f};
      }
      Map<String, float[][]> sweep = rbm.gibbsChains(Dataset.of("v", start), 1);
      double[] squared = new double[3];
      for (int r = 0; r < rows; r++) {
        float[] h = sweep.get("h")[r];
        for (int j = 0; j < 3; j++) {
          double mean = (b[j] + h[0] * k[j] + h[1] * k[3 + j]) / PRECISION;
          assertEquals(mean, sweep.get("v/mean")[r][j], 1e-5, "E[v | h]");
          double d = sweep.get("v")[r][j] - mean;
          squared[j] += d * d / rows;
        }
      }
      for (int j = 0; j < 3; j++) {
        assertEquals(1 / PRECISION, squared[j], 0.02, "Var[v_" + j + " | h]");
      }

      float[][] some = java.util.Arrays.copyOf(train, 8);
      float[][] hidden = rbm.latentMeans(Dataset.of("v", some)).get("h");
      float[] free = rbm.freeEnergy(Dataset.of("v", some));
      for (int r = 0; r < some.length; r++) {
        double[] v = {some[r][0], some[r][1], some[r][2]};
        double expected = 0;
        for (int j = 0; j < 3; j++) {
          expected += PRECISION / 2 * v[j] * v[j] - b[j] * v[j];
        }
        for (int i = 0; i < 2; i++) {
          double field = c[i];
          for (int j = 0; j < 3; j++) {
            field += k[i * 3 + j] * v[j];
          }
          assertEquals(1 / (1 + Math.exp(-field)), hidden[r][i], 1e-5, "p(h | v)");
          expected -= Math.log1p(Math.exp(field));
        }
        assertEquals(expected, free[r], 1e-4, "free energy");
      }
    }
  }
}
