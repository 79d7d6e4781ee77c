package dev.helmholtz.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Stochastic VI through {@link dev.helmholtz.bayesian.BayesianModel#stochasticVariational} on the
 * conjugate linear regression of {@link BayesianModelTest}: the minibatch objective, the
 * likelihood scaled by N / B and the prior and entropy not, is an unbiased estimate of the
 * full-data ELBO (checked exactly, by enumerating every batch of tiny data at fixed noise), and
 * the fit on minibatches finds the closed-form posterior's mean and mean-field variances.
 */
class StochasticVariationalInferenceTest {
  static Dataset data;

  @BeforeAll
  static void data() {
    BayesianModelTest.data();
    data = BayesianModelTest.data;
  }

  @Test
  void minibatchObjectiveAveragedOverEveryBatchIsTheFullDataElbo() {
    int n = 6;
    int batch = 2;
    int dims = ConjugateLinearRegressionTest.D;
    float[][] x = Arrays.copyOf(ConjugateLinearRegressionTest.x, n);
    float[][] y = new float[n][];
    for (int i = 0; i < n; i++) {
      y[i] = new float[] {ConjugateLinearRegressionTest.y[i]};
    }
    Dataset tiny = Dataset.of("x", x).with("y", y);
    BayesianModelTest.LinearRegressionModel model = new BayesianModelTest.LinearRegressionModel(false);
    MeanFieldVariationalInference svi = model.stochasticVariational(tiny).batchSize(batch).build();
    double[] mean = {0.4, -0.9, 0.2};
    double[] logStd = {Math.log(0.3), Math.log(0.2), Math.log(0.5)};
    SplittableRandom random = new SplittableRandom(5);
    float[][] noise = new float[4][dims];
    for (float[] row : noise) {
      for (int d = 0; d < dims; d++) {
        row[d] = (float) random.nextGaussian();
      }
    }
    double sum = 0;
    int batches = 0;
    double lowest = Double.POSITIVE_INFINITY;
    double highest = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double value = svi.minibatchObjective(mean, logStd, noise, new int[] {i, j});
        lowest = Math.min(lowest, value);
        highest = Math.max(highest, value);
        sum += value;
        batches++;
      }
    }
    double full = svi.fullObjective(mean, logStd, noise);
    assertEquals(15, batches);
    assertEquals(full, sum / batches, 1e-5 * Math.abs(full), "mean over batches vs full-data ELBO");
    // The batches disagree, so the equality above is not that of a batch-independent value.
    assertTrue(highest - lowest > 1, "batch objectives " + lowest + " .. " + highest);
    // The full objective is the ELBO of the full-data log posterior at the same noise.
    assertEquals(elbo(model.logPosterior(tiny), mean, logStd, noise), full, 1e-5 * Math.abs(full));
  }

  /** mean_s log pi(mean + exp(logStd) noise_s) + sum_d (logStd_d + (1 + log 2 pi) / 2). */
  private static double elbo(LogDensity target, double[] mean, double[] logStd, float[][] noise) {
    int dims = mean.length;
    float[] theta = new float[noise.length * dims];
    for (int s = 0; s < noise.length; s++) {
      for (int d = 0; d < dims; d++) {
        theta[s * dims + d] = (float) (mean[d] + Math.exp(logStd[d]) * noise[s][d]);
      }
    }
    double entropy = 0;
    for (double ls : logStd) {
      entropy += ls + 0.5 * (1 + Math.log(2 * Math.PI));
    }
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> value = tf.math.mean(target.logProb(tf,
          tf.constant(Shape.of(noise.length, dims), DataBuffers.of(theta, true, false))), tf.constant(0));
      try (Result r = s.runner().fetch(value).run()) {
        return ((TFloat32) r.get(0)).getFloat() + entropy;
      }
    }
  }

  @Test
  void minibatchFitFindsTheClosedFormMeanAndMeanFieldVariances() {
    BayesianModelTest.LinearRegressionModel model = new BayesianModelTest.LinearRegressionModel(false);
    // 40 examples in batches of 8: 5 steps per epoch.
    VariationalPosterior q = model.stochasticVariational(data).batchSize(8).epochs(400).learningRate(0.02)
        .seed(Seed.of(3)).build().fit();
    assertEquals(2000, q.steps());
    String report = "exact " + Arrays.toString(ConjugateLinearRegressionTest.postMean) + ", svi "
        + Arrays.toString(q.means()) + " " + Arrays.toString(q.stds());
    for (int i = 0; i < ConjugateLinearRegressionTest.D; i++) {
      double meanFieldSd = 1 / Math.sqrt(ConjugateLinearRegressionTest.precision[i][i]);
      double sd = Math.sqrt(ConjugateLinearRegressionTest.postCov[i][i]);
      assertEquals(ConjugateLinearRegressionTest.postMean[i], q.means()[i], 0.1 * sd, report);
      assertEquals(meanFieldSd, q.stds()[i], 0.1 * meanFieldSd, report);
    }
  }

  @Test
  void sameSeedSameFitAndBadSettingsAreRefused() {
    BayesianModelTest.LinearRegressionModel model = new BayesianModelTest.LinearRegressionModel(false);
    VariationalPosterior a = model.stochasticVariational(data).batchSize(5).steps(50).seed(Seed.of(9)).build().fit();
    VariationalPosterior b = model.stochasticVariational(data).batchSize(5).steps(50).seed(Seed.of(9)).build().fit();
    VariationalPosterior c = model.stochasticVariational(data).batchSize(5).steps(50).seed(Seed.of(10)).build().fit();
    assertTrue(Arrays.equals(a.means(), b.means()));
    assertTrue(!Arrays.equals(a.means(), c.means()));
    assertThrows(IllegalArgumentException.class, () -> model.stochasticVariational(data).batchSize(41));
    assertThrows(IllegalArgumentException.class, () -> model.stochasticVariational(data).batchSize(0));
    assertThrows(IllegalStateException.class, () -> model.variational(data).batchSize(4));
    assertThrows(IllegalStateException.class, () -> model.variational(data).epochs(4));
  }
}
