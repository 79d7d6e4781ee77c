package dev.helmholtz.samples.bayes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.infer.LogDensity;
import dev.helmholtz.train.ThreadSettings;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.junit.jupiter.api.Test;

/**
 * The log posteriors generated from {@link LogisticRegression} and {@link TanhRegressionNetwork}
 * against the hand-written densities of {@link BayesianLogisticRegression} and {@link
 * BayesianNeuralNetwork}, on random theta: equal up to the Normal priors' normalizing constants,
 * which the hand-written ones leave out.
 */
class GeneratedDensitiesTest {
  private static final SplittableRandom RANDOM = new SplittableRandom(17);

  @Test
  void logisticRegressionMatchesTheHandWrittenDensity() {
    int n = 300;
    int features = LogisticRegression.FEATURES;
    float[][] x = new float[n][features];
    int[] labels = new int[n];
    float[][] labelColumn = new float[n][1];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < features; d++) {
        x[i][d] = (float) gaussian();
      }
      labels[i] = RANDOM.nextInt(2);
      labelColumn[i][0] = labels[i];
    }
    double scale = 1.5;
    LogisticRegressionModel model = LogisticRegressionModel.create(new LogisticRegression(scale), ThreadSettings.defaults());
    LogDensity generated = model.logPosterior(LogisticRegressionModel.dataset(x, labelColumn));
    LogDensity oracle = new BayesianLogisticRegression(x, labels, scale).logPosterior();
    int dims = features + 1;
    assertEquals(dims, model.parameters().dims());
    double constant = -dims * (Math.log(scale) + 0.5 * Math.log(2 * Math.PI));
    assertSameUpTo(constant, generated, oracle, dims, 2);
  }

  @Test
  void neuralNetworkMatchesTheHandWrittenDensity() {
    int n = 60;
    float[][] data = BayesianNeuralNetwork.syntheticData(n, 0.2, 5);
    float[][] x = new float[n][1];
    float[][] y = new float[n][1];
    for (int i = 0; i < n; i++) {
      x[i][0] = data[0][i];
      y[i][0] = data[1][i];
    }
    TanhRegressionNetworkModel model = TanhRegressionNetworkModel.create();
    LogDensity generated = model.logPosterior(TanhRegressionNetworkModel.dataset(x, y));
    BayesianNeuralNetwork handWritten = new BayesianNeuralNetwork(TanhRegressionNetwork.HIDDEN, data[0], data[1]);
    int dims = handWritten.dims();
    assertEquals(dims, model.parameters().dims());
    assertEquals(List.of("w", "c", "v", "d", "logSigma"), model.parameters().names());
    assertSameUpTo(-0.5 * dims * Math.log(2 * Math.PI), generated, handWritten.logPosterior(), dims, 0.5);
  }

  @Test
  void predictionsAgreeWithTheHandWrittenOnes() {
    double[][] draws = new double[7][TanhRegressionNetwork.HIDDEN * 3 + 2];
    for (double[] draw : draws) {
      for (int d = 0; d < draw.length; d++) {
        draw[d] = gaussian();
      }
    }
    float[][] inputs = {{-2f}, {0.3f}, {1.7f}};
    BayesianNeuralNetwork handWritten = new BayesianNeuralNetwork(TanhRegressionNetwork.HIDDEN, new float[1], new float[1]);
    float[][][] means = TanhRegressionNetworkModel.create().predictiveMeans("y", draws, Dataset.of("x", inputs));
    for (int s = 0; s < draws.length; s++) {
      for (int i = 0; i < inputs.length; i++) {
        assertEquals(handWritten.mean(draws[s], inputs[i][0]), means[s][i][0], 1e-4);
      }
    }
    double[][] logregDraws = {{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1}, {0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0}};
    float[][] features = {{1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, {0, -1, 0, 0, 0, 0, 0, 0, 0, 0}};
    float[][] p = LogisticRegressionModel.create().predictMean(logregDraws, Dataset.of("features", features));
    double[] expected = BayesianLogisticRegression.predictiveProbabilities(logregDraws, features);
    assertArrayEquals(new float[] {(float) expected[0], (float) expected[1]}, new float[] {p[0][0], p[1][0]}, 1e-6f);
  }

  @Test
  void aMissingColumnIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LogisticRegressionModel.create().logPosterior(Dataset.of("features", new float[3][10])));
    assertTrue(e.getMessage().contains("no column 'label' for observed node 'label' of "
        + "dev.helmholtz.samples.bayes.LogisticRegression"), e.getMessage());
  }

  /** generated(theta) = oracle(theta) + constant on random rows of theta, to float tolerance. */
  private static void assertSameUpTo(double constant, LogDensity generated, LogDensity oracle, int dims, double spread) {
    int rows = 6;
    float[] theta = new float[rows * dims];
    for (int i = 0; i < theta.length; i++) {
      theta[i] = (float) (spread * gaussian());
    }
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> t = tf.constant(Shape.of(rows, dims), DataBuffers.of(theta, true, false));
      Operand<TFloat32> ours = generated.logProb(tf, t);
      Operand<TFloat32> theirs = oracle.logProb(tf, t);
      try (Result r = s.runner().fetch(ours).fetch(theirs).run()) {
        float[] a = new float[rows];
        float[] b = new float[rows];
        ((TFloat32) r.get(0)).copyTo(DataBuffers.of(a, false, false));
        ((TFloat32) r.get(1)).copyTo(DataBuffers.of(b, false, false));
        for (int i = 0; i < rows; i++) {
          double expected = b[i] + constant;
          assertEquals(expected, a[i], 2e-5 * Math.abs(expected) + 1e-3,
              "generated " + Arrays.toString(a) + ", hand-written " + Arrays.toString(b) + " + " + constant);
        }
      }
    }
  }

  private static double gaussian() {
    return Math.sqrt(-2 * Math.log(1 - RANDOM.nextDouble())) * Math.cos(2 * Math.PI * RANDOM.nextDouble());
  }
}
