package dev.helmholtz.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.bayesian.BayesianModel;
import dev.helmholtz.bayesian.BayesianPass;
import dev.helmholtz.bayesian.BayesianSpec;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.train.ThreadSettings;
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
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/**
 * {@link BayesianModel} on the conjugate linear regression of {@link ConjugateLinearRegressionTest},
 * written as the processor writes a model of global latents: a global w ~ N(0, 1), a given x and
 * an observed y ~ N(x . w, 0.5^2), each network seeing [n, event] rows. Its log posterior must be
 * the hand-written one plus the Normal constants, and HMC and VI through it must find the closed
 * form posterior.
 */
class BayesianModelTest {
  /** What generated code for such a model looks like. */
  static final class LinearRegressionModel extends BayesianModel {
    private final boolean denseLayer;

    LinearRegressionModel(boolean denseLayer) {
      super(BayesianSpec.builder("test.LinearRegression").global("w", ConjugateLinearRegressionTest.D)
          .given("x", ConjugateLinearRegressionTest.D).observed("y", 1).build(), ThreadSettings.defaults());
      this.denseLayer = denseLayer;
    }

    @Override
    protected void define(BayesianPass pass) {
      Operand<TFloat32> w = pass.global("w");
      pass.prior("w", w, Normal.standard(pass.tf(), pass.shape(w)));
      Operand<TFloat32> x = pass.given("x");
      pass.observe("y", likelihood(pass.network("likelihood"), pass.perExample(w), x));
    }

    /** The user's generator: p(y | w, x), rows [n, 3]. */
    Normal likelihood(Nn nn, Operand<TFloat32> w, Operand<TFloat32> x) {
      Ops tf = nn.tf();
      Operand<TFloat32> mean = denseLayer ? nn.dense(x, 1)
          : tf.reduceSum(tf.math.mul(x, w), tf.constant(-1), ReduceSum.keepDims(true));
      return Normal.meanScale(mean, tf.constant((float) ConjugateLinearRegressionTest.SIGMA));
    }
  }

  static Dataset data;

  @BeforeAll
  static void data() {
    ConjugateLinearRegressionTest.data();
    float[][] ys = new float[ConjugateLinearRegressionTest.N][];
    for (int n = 0; n < ys.length; n++) {
      ys[n] = new float[] {ConjugateLinearRegressionTest.y[n]};
    }
    data = Dataset.of("x", ConjugateLinearRegressionTest.x).with("y", ys);
  }

  @Test
  void logPosteriorIsTheHandWrittenOnePlusTheNormalConstants() {
    int rows = 5;
    int dims = ConjugateLinearRegressionTest.D;
    int n = ConjugateLinearRegressionTest.N;
    float[] theta = new float[rows * dims];
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < theta.length; i++) {
      theta[i] = (float) (4 * random.nextDouble() - 2);
    }
    LogDensity generated = new LinearRegressionModel(false).logPosterior(data);
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> t = tf.constant(Shape.of(rows, dims), DataBuffers.of(theta, true, false));
      Operand<TFloat32> ours = generated.logProb(tf, t);
      Operand<TFloat32> oracle = ConjugateLinearRegressionTest.logPosterior(tf, t);
      try (Result r = s.runner().fetch(ours).fetch(oracle).run()) {
        float[] a = new float[rows];
        float[] b = new float[rows];
        ((TFloat32) r.get(0)).copyTo(DataBuffers.of(a, false, false));
        ((TFloat32) r.get(1)).copyTo(DataBuffers.of(b, false, false));
        double constant = -0.5 * (dims + n) * Math.log(2 * Math.PI) - n * Math.log(ConjugateLinearRegressionTest.SIGMA);
        for (int i = 0; i < rows; i++) {
          assertEquals(b[i] + constant, a[i], 1e-4 * Math.abs(b[i] + constant), Arrays.toString(a) + " vs " + Arrays.toString(b));
        }
      }
    }
  }

  @Test
  void hmcAndViThroughTheModelFindTheClosedForm() {
    LinearRegressionModel model = new LinearRegressionModel(false);
    HmcResult r = model.hmc(data).chains(4).warmup(300).draws(300).leapfrogSteps(8).seed(Seed.of(4)).build().sample();
    VariationalPosterior q = model.variational(data).steps(1500).learningRate(0.02).seed(Seed.of(6)).build().fit();
    double[] mean = r.mean();
    double[][] cov = r.covariance();
    double[] ess = r.effectiveSampleSize();
    String report = "exact " + Arrays.toString(ConjugateLinearRegressionTest.postMean) + " "
        + Arrays.deepToString(ConjugateLinearRegressionTest.postCov) + ", hmc " + Arrays.toString(mean) + " "
        + Arrays.deepToString(cov) + ", ess " + Arrays.toString(ess) + ", vi " + Arrays.toString(q.means()) + " "
        + Arrays.toString(q.stds());
    for (int i = 0; i < ConjugateLinearRegressionTest.D; i++) {
      double sd = Math.sqrt(ConjugateLinearRegressionTest.postCov[i][i]);
      assertEquals(ConjugateLinearRegressionTest.postMean[i], mean[i], 5 * sd / Math.sqrt(ess[i]), report);
      assertEquals(sd, Math.sqrt(cov[i][i]), 0.15 * sd, report);
      assertEquals(ConjugateLinearRegressionTest.postMean[i], q.means()[i], 0.05 * sd, report);
      double meanFieldSd = 1 / Math.sqrt(ConjugateLinearRegressionTest.precision[i][i]);
      assertEquals(meanFieldSd, q.stds()[i], 0.05 * meanFieldSd, report);
    }
  }

  @Test
  void predictiveMeanIsTheLinearPredictorAveragedOverDraws() {
    LinearRegressionModel model = new LinearRegressionModel(false);
    double[][] draws = {{1, 0, 0}, {0, 2, 0}, {0, 0, -1}};
    Dataset at = Dataset.of("x", new float[][] {{1, 1, 1}, {2, 0, 3}});
    float[][][] each = model.predictiveMeans("y", draws, at);
    assertEquals(3, each.length);
    assertEquals(2f, each[1][0][0], 1e-6); // 0 * 1 + 2 * 1 + 0 * 1
    assertEquals(-3f, each[2][1][0], 1e-6);
    float[][] mean = model.predictMean("y", draws, at);
    assertEquals((1 + 2 - 1) / 3f, mean[0][0], 1e-6);
    assertEquals((2 + 0 - 3) / 3f, mean[1][0], 1e-6);
    // Samples scatter around the means with the noise sd.
    double[][] many = new double[2000][];
    Arrays.fill(many, new double[] {1, 0, 0});
    float[][][] ys = model.predictiveSamples("y", many, at, Seed.of(2));
    double sum = 0;
    double sumSq = 0;
    for (float[][] y : ys) {
      sum += y[0][0];
      sumSq += y[0][0] * y[0][0];
    }
    double m = sum / ys.length;
    double sd = Math.sqrt(sumSq / ys.length - m * m);
    assertEquals(1, m, 0.05);
    assertEquals(ConjugateLinearRegressionTest.SIGMA, sd, 0.05);
  }

  @Test
  void pooledDrawsThinEvenlyOverIterationsAndKeepEveryChain() {
    float[][][] draws = new float[4][2][];
    for (int t = 0; t < 4; t++) {
      for (int c = 0; c < 2; c++) {
        draws[t][c] = new float[] {10 * t + c};
      }
    }
    HmcResult r = new HmcResult(draws, new double[2], new double[2], new double[1], 0, 0, 1, 0);
    assertEquals("[[0.0], [1.0], [20.0], [21.0]]", Arrays.deepToString(r.pooledDraws(4)));
    assertEquals(8, r.pooledDraws(100).length);
    assertEquals(2, r.pooledDraws(1).length); // at least one iteration of every chain
  }

  @Test
  void badDataAndBadNetworksAreClearErrors() {
    LinearRegressionModel model = new LinearRegressionModel(false);
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> model.logPosterior(Dataset.of("x", ConjugateLinearRegressionTest.x)));
    assertTrue(missing.getMessage().contains("the data has no column 'y' for observed node 'y' of test.LinearRegression"),
        missing.getMessage());
    IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
        () -> model.predictMean("y", new double[][] {{0, 0, 0}}, Dataset.of("x", new float[][] {{1, 2}})));
    assertTrue(wide.getMessage().contains("column 'x' has [2] values per example, but node 'x' of test.LinearRegression"
        + " declares 3"), wide.getMessage());
    IllegalArgumentException draw = assertThrows(IllegalArgumentException.class,
        () -> model.predictMean("y", new double[][] {{0, 0}}, Dataset.of("x", new float[][] {{1, 2, 3}})));
    assertTrue(draw.getMessage().contains("draw 0 has 2 values, but the global latents [w] take 3"), draw.getMessage());
    IllegalStateException dense = assertThrows(IllegalStateException.class,
        () -> new LinearRegressionModel(true).logPosterior(data));
    assertTrue(dense.getMessage().contains("made variable 'likelihood/dense_0/kernel'"), dense.getMessage());
  }
}
