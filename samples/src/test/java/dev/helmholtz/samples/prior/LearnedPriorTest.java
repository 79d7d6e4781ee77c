package dev.helmholtz.samples.prior;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A learned prior written as a generator of no node ({@link LearnedPriorModel}): it has no batch
 * axis of its own, and every row of every pass must still get it.
 */
class LearnedPriorTest {

  @Test
  void generateGivesEveryRowItsOwnDrawFromTheLearnedPrior() {
    try (LearnedPriorModelModel model = LearnedPriorModelModel.create(Seed.of(3))) {
      Map<String, float[][]> generated = model.generate(8);
      for (String node : new String[] {"z", "x"}) {
        float[][] rows = generated.get(node);
        assertEquals(8, rows.length, node);
        for (float[] row : rows) {
          assertEquals(node.equals("z") ? LearnedPriorModel.LATENT : LearnedPriorModel.OBSERVED, row.length, node);
          assertTrue(Arrays.stream(box(row)).allMatch(v -> Float.isFinite(v) && v != 0f), node + ": " + Arrays.toString(row));
        }
      }
      float[][] z = generated.get("z");
      for (int i = 0; i < z.length; i++) {
        for (int j = i + 1; j < z.length; j++) {
          assertTrue(!Arrays.equals(z[i], z[j]), "draws " + i + " and " + j + " of z are equal: " + Arrays.toString(z[i]));
        }
      }
      // The reconstruction of the mean pass has one row per example too.
      assertEquals(5, model.reconstruct(new float[5][LearnedPriorModel.OBSERVED]).length);
    }
  }

  @Test
  void theExportedGenerateSignatureDrawsNRowsToo(@TempDir Path dir) throws Exception {
    try (LearnedPriorModelModel model = LearnedPriorModelModel.create(Seed.of(3))) {
      Path export = dir.resolve("learned-prior/1");
      model.exportSavedModel(export);
      float[][] expected = model.generate(4).get("z"); // the export continues the model's random stream
      try (SavedModelBundle bundle = SavedModelBundle.load(export.toString(), "serve");
          TInt32 n = TInt32.scalarOf(4);
          Result result = bundle.function("generate").call(Map.of("n", n))) {
        for (String node : new String[] {"z", "x"}) {
          TFloat32 rows = (TFloat32) result.get(node).orElseThrow();
          assertEquals(4, rows.shape().get(0), node + ": " + rows.shape());
        }
        float[] z = new float[4 * LearnedPriorModel.LATENT];
        ((TFloat32) result.get("z").orElseThrow()).copyTo(DataBuffers.of(z, false, false));
        for (int i = 0; i < 4; i++) {
          assertArrayEquals(expected[i], Arrays.copyOfRange(z, 2 * i, 2 * i + 2), "row " + i);
        }
      }
    }
  }

  @Test
  void trainingLearnsThePriorAndTheBoundMatchesTheClosedForm() {
    Dataset data = sample(2000, 11);
    Dataset test = sample(200, 12);
    try (LearnedPriorModelModel model = LearnedPriorModelModel.create(new LearnedPriorModel(), Seed.of(5),
        ThreadSettings.of(1, 1))) {
      double before = model.logLikelihood(test, 3);
      model.fit(data, Training.epochs(15).batchSize(100).adam(1e-2).progress(ProgressListener.silent()));
      double after = model.logLikelihood(test, 3);
      assertTrue(Double.isFinite(before) && Double.isFinite(after) && after > before,
          "log-likelihood before " + before + ", after " + after);
      float[] priorMean = model.parameter("prior/mean");
      assertTrue(priorMean[0] != 0f || priorMean[1] != 0f, "the prior's mean is not trained: " + Arrays.toString(priorMean));
      // The single-sample bound log p(x, z) - log q(z | x), z ~ q, whose expectation is the ELBO, in
      // closed form under the model's parameters: each test example 20 times, against its standard error.
      float[][] repeated = new float[20 * test.size()][];
      for (int i = 0; i < repeated.length; i++) {
        repeated[i] = Arrays.copyOfRange(test.flat("x"), 3 * (i % test.size()), 3 * (i % test.size()) + 3);
      }
      double[] bounds = model.logLikelihoods(Dataset.of("x", repeated), 1).stream()
          .mapToDouble(Double::doubleValue).toArray();
      double mean = Arrays.stream(bounds).average().orElseThrow();
      double error = Math.sqrt(Arrays.stream(bounds).map(v -> (v - mean) * (v - mean)).sum()
          / (bounds.length - 1) / bounds.length);
      double elbo = elbo(model, test);
      assertEquals(elbo, mean, 4 * error, "the bound against its closed form (standard error " + error + ")");
      // Exact log p(x) lies above it, and the importance-sampled estimate at large k between the two.
      double exact = exactLogLikelihood(model, test);
      double estimate = model.logLikelihood(test, 2000);
      assertTrue(elbo < exact, "ELBO " + elbo + " above log p(x) " + exact);
      assertTrue(estimate > elbo && estimate < exact + 0.02,
          "log p(x) estimate " + estimate + " outside [ELBO " + elbo + ", exact " + exact + "]");
    }
  }

  /**
   * The mean over {@code data} of the ELBO in closed form: E_q log N(x; zK + b, s^2 I) - KL(q || N(mu, I)),
   * q = N(m, diag(exp(2 l))) with m and l the encoder's two linear layers.
   */
  private static double elbo(LearnedPriorModelModel model, Dataset data) {
    int d = LearnedPriorModel.OBSERVED;
    int l = LearnedPriorModel.LATENT;
    float[] mu = model.parameter("prior/mean");
    float[] meanKernel = model.parameter("encode/dense_0/kernel"); // [OBSERVED, LATENT]
    float[] meanBias = model.parameter("encode/dense_0/bias");
    float[] logStdKernel = model.parameter("encode/dense_1/kernel");
    float[] logStdBias = model.parameter("encode/dense_1/bias");
    float[] kernel = model.parameter("decode/dense_0/kernel"); // [LATENT, OBSERVED]
    float[] bias = model.parameter("decode/dense_0/bias");
    double s2 = LearnedPriorModel.NOISE_STD * LearnedPriorModel.NOISE_STD;
    float[] flat = data.flat("x");
    double sum = 0;
    for (int n = 0; n < data.size(); n++) {
      double[] m = new double[l];
      double[] logStd = new double[l];
      double kl = 0;
      for (int a = 0; a < l; a++) {
        m[a] = meanBias[a];
        logStd[a] = logStdBias[a];
        for (int j = 0; j < d; j++) {
          m[a] += flat[n * d + j] * meanKernel[j * l + a];
          logStd[a] += flat[n * d + j] * logStdKernel[j * l + a];
        }
        double variance = Math.exp(2 * logStd[a]);
        kl += 0.5 * (variance + (m[a] - mu[a]) * (m[a] - mu[a]) - 1) - logStd[a];
      }
      double expectedLogLikelihood = 0;
      for (int j = 0; j < d; j++) {
        double center = bias[j];
        double spread = 0;
        for (int a = 0; a < l; a++) {
          center += m[a] * kernel[a * d + j];
          spread += Math.exp(2 * logStd[a]) * kernel[a * d + j] * kernel[a * d + j];
        }
        double residual = flat[n * d + j] - center;
        expectedLogLikelihood += -0.5 * Math.log(2 * Math.PI * s2) - (residual * residual + spread) / (2 * s2);
      }
      sum += expectedLogLikelihood - kl;
    }
    return sum / data.size();
  }

  @Test
  void aLearnedClassPriorOfAnEnumeratedLatentTrains() {
    SplittableRandom random = new SplittableRandom(4);
    float[][] rows = new float[200][6];
    for (float[] row : rows) {
      int cluster = random.nextInt(3);
      for (int j = 0; j < 6; j++) {
        row[j] = random.nextDouble() < (j / 2 == cluster ? 0.9 : 0.1) ? 1f : 0f;
      }
    }
    // Unlabelled data: y is summed out, and its prior's logits are trained through log p(y).
    Dataset data = Dataset.of("x", rows).with("y", new float[200][3]);
    try (LearnedMixturePriorModel model = LearnedMixturePriorModel.create(Seed.of(2))) {
      double before = model.elbo(data);
      model.fit(data, Training.epochs(10).batchSize(50).adam(1e-2).progress(ProgressListener.silent()));
      double after = model.elbo(data);
      assertTrue(Double.isFinite(before) && Double.isFinite(after) && after > before,
          "ELBO before " + before + ", after " + after);
      float[] logits = model.parameter("weights/logits");
      assertTrue(logits[0] != logits[1] || logits[1] != logits[2], "untrained logits " + Arrays.toString(logits));
      assertEquals(8, model.generate(8).get("y").length);
    }
  }

  @Test
  void aLearnedPriorBiasTrainsByWakeSleep() {
    SplittableRandom random = new SplittableRandom(6);
    float[][] rows = new float[200][6];
    for (float[] row : rows) {
      for (int j = 0; j < 6; j++) {
        row[j] = random.nextDouble() < (j < 3 ? 0.8 : 0.2) ? 1f : 0f;
      }
    }
    Dataset data = Dataset.of("x", rows);
    try (LearnedBiasSbnModel model = LearnedBiasSbnModel.create(Seed.of(2))) {
      double before = model.logLikelihood(data, 20);
      model.fit(data, Training.epochs(10).batchSize(50).adam(1e-2).progress(ProgressListener.silent()));
      double after = model.logLikelihood(data, 20);
      assertTrue(Double.isFinite(before) && Double.isFinite(after) && after > before,
          "log-likelihood before " + before + ", after " + after);
      float[] bias = model.parameter("prior/bias");
      assertTrue(Arrays.stream(box(bias)).anyMatch(b -> b != 0f), "untrained prior " + Arrays.toString(bias));
    }
  }

  /** x = z W + b + 0.5 e with z ~ N(m, I): the model's family, with a prior mean away from 0. */
  private static Dataset sample(int n, long seed) {
    double[][] w = {{1.0, -0.5, 0.8}, {0.5, 1.0, 0.0}};
    double[] b = {0.5, -1.0, 0.2};
    double[] m = {1.5, -2.0};
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[n][3];
    for (int i = 0; i < n; i++) {
      double z0 = m[0] + gaussian(random);
      double z1 = m[1] + gaussian(random);
      for (int j = 0; j < 3; j++) {
        rows[i][j] = (float) (z0 * w[0][j] + z1 * w[1][j] + b[j] + LearnedPriorModel.NOISE_STD * gaussian(random));
      }
    }
    return Dataset.of("x", rows);
  }

  private static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  /** The mean over {@code data} of log N(x; mu K + b, K^T K + s^2 I) under the model's parameters. */
  private static double exactLogLikelihood(LearnedPriorModelModel model, Dataset data) {
    int d = LearnedPriorModel.OBSERVED;
    int l = LearnedPriorModel.LATENT;
    float[] mu = model.parameter("prior/mean");
    float[] kernel = model.parameter("decode/dense_0/kernel"); // [LATENT, OBSERVED], row-major
    float[] bias = model.parameter("decode/dense_0/bias");
    double s2 = LearnedPriorModel.NOISE_STD * LearnedPriorModel.NOISE_STD;
    double[][] cov = new double[d][d];
    double[] center = new double[d];
    for (int i = 0; i < d; i++) {
      center[i] = bias[i];
      for (int a = 0; a < l; a++) {
        center[i] += mu[a] * kernel[a * d + i];
      }
      for (int j = 0; j < d; j++) {
        double c = i == j ? s2 : 0;
        for (int a = 0; a < l; a++) {
          c += kernel[a * d + i] * kernel[a * d + j];
        }
        cov[i][j] = c;
      }
    }
    double[][] chol = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double s = cov[i][j];
        for (int a = 0; a < j; a++) {
          s -= chol[i][a] * chol[j][a];
        }
        chol[i][j] = i == j ? Math.sqrt(s) : s / chol[j][j];
      }
    }
    float[] flat = data.flat("x");
    double sum = 0;
    for (int n = 0; n < data.size(); n++) {
      double[] y = new double[d];
      double logDet = 0;
      double quadratic = 0;
      for (int i = 0; i < d; i++) {
        double s = flat[n * d + i] - center[i];
        for (int a = 0; a < i; a++) {
          s -= chol[i][a] * y[a];
        }
        y[i] = s / chol[i][i];
        quadratic += y[i] * y[i];
        logDet += 2 * Math.log(chol[i][i]);
      }
      sum += -0.5 * (d * Math.log(2 * Math.PI) + logDet + quadratic);
    }
    return sum / data.size();
  }

  private static Float[] box(float[] row) {
    Float[] boxed = new Float[row.length];
    for (int i = 0; i < row.length; i++) {
      boxed[i] = row[i];
    }
    return boxed;
  }
}
