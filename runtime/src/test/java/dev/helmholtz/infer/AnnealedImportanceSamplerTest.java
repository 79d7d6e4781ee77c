package dev.helmholtz.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.IntFunction;
import org.apache.commons.math3.distribution.MultivariateNormalDistribution;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * AIS on a linear-Gaussian model, z ~ N(0, I_2), x | z ~ N(W z + b, sigma^2 I_6), whose log p(x) =
 * log N(x; b, W W^T + sigma^2 I) is known in closed form.
 */
class AnnealedImportanceSamplerTest {
  private static final int DIMS = 2;
  private static final int WIDTH = 6;
  private static final double SIGMA = 0.6;
  private static final float[][] W = new float[WIDTH][DIMS];
  private static final float[] B = new float[WIDTH];
  private static final float[][] X = new float[6][WIDTH];

  static {
    Random random = new Random(11);
    for (int i = 0; i < WIDTH; i++) {
      for (int j = 0; j < DIMS; j++) {
        W[i][j] = (float) random.nextGaussian();
      }
      B[i] = (float) (0.5 * random.nextGaussian());
    }
    for (float[] x : X) {
      double[] z = {random.nextGaussian(), random.nextGaussian()};
      for (int i = 0; i < WIDTH; i++) {
        x[i] = (float) (W[i][0] * z[0] + W[i][1] * z[1] + B[i] + SIGMA * random.nextGaussian());
      }
    }
  }

  private static final AnnealedImportanceSampler.Target TARGET = (tf, x, z) -> {
    Operand<TFloat32> logPrior = tf.math.sub(
        tf.math.mul(tf.constant(-0.5f), tf.reduceSum(tf.math.square(z), tf.constant(-1))),
        tf.constant((float) (0.5 * DIMS * Math.log(2 * Math.PI))));
    Operand<TFloat32> mean = tf.math.add(tf.linalg.matMul(z, tf.constant(W), org.tensorflow.op.linalg.MatMul.transposeB(true)),
        tf.constant(B));
    Operand<TFloat32> squared = tf.reduceSum(tf.math.squaredDifference(x, mean), tf.constant(-1));
    Operand<TFloat32> logLikelihood = tf.math.sub(tf.math.mul(squared, tf.constant((float) (-0.5 / (SIGMA * SIGMA)))),
        tf.constant((float) (WIDTH * (Math.log(SIGMA) + 0.5 * Math.log(2 * Math.PI)))));
    return new AnnealedImportanceSampler.Densities(logPrior, logLikelihood);
  };

  private static IntFunction<float[][]> priorDraws(long seed) {
    Random random = new Random(seed);
    return n -> {
      float[][] z = new float[n][DIMS];
      for (float[] row : z) {
        for (int j = 0; j < DIMS; j++) {
          row[j] = (float) random.nextGaussian();
        }
      }
      return z;
    };
  }

  private static double exactLogLikelihood(float[] x) {
    RealMatrix w = new Array2DRowRealMatrix(WIDTH, DIMS);
    double[] mean = new double[WIDTH];
    double[] point = new double[WIDTH];
    for (int i = 0; i < WIDTH; i++) {
      for (int j = 0; j < DIMS; j++) {
        w.setEntry(i, j, W[i][j]);
      }
      mean[i] = B[i];
      point[i] = x[i];
    }
    RealMatrix cov = w.multiply(w.transpose()).add(MatrixUtils.createRealIdentityMatrix(WIDTH).scalarMultiply(SIGMA * SIGMA));
    return Math.log(new MultivariateNormalDistribution(mean, cov.getData()).density(point));
  }

  private static AnnealedImportanceSampler.Estimate ais(int temperatures) {
    return AnnealedImportanceSampler.estimate(TARGET, WIDTH, DIMS, 10, X, priorDraws(3),
        AnnealedImportanceSampler.Settings.of(16, temperatures, 5));
  }

  /** The long run both tests read, computed once. */
  private static AnnealedImportanceSampler.Estimate manyTemperatures;

  private static synchronized AnnealedImportanceSampler.Estimate many() {
    if (manyTemperatures == null) {
      manyTemperatures = ais(100);
    }
    return manyTemperatures;
  }

  @Test
  void equalsTheExactLogLikelihoodWithinItsError() {
    AnnealedImportanceSampler.Estimate estimate = many();
    LogMarginalLikelihood ll = estimate.logLikelihood();
    double exactMean = 0;
    for (int i = 0; i < X.length; i++) {
      double exact = exactLogLikelihood(X[i]);
      exactMean += exact / X.length;
      assertEquals(exact, ll.estimates()[i], 4 * ll.standardErrors()[i] + 0.05, "example " + i);
    }
    assertEquals(exactMean, ll.mean(), 4 * ll.standardError() + 0.02);
    // Acceptance above the 0.65 target grows the step size from its initial 0.05.
    assertTrue(estimate.acceptanceRate() > 0.65 && estimate.meanStepSize() > 0.1,
        "acceptance " + estimate.acceptanceRate() + ", step size " + estimate.meanStepSize());
  }

  @Test
  void risesWithMoreTemperatures() {
    double few = ais(3).logLikelihood().mean();
    double many = many().logLikelihood().mean();
    double exactMean = 0;
    for (float[] x : X) {
      exactMean += exactLogLikelihood(x) / X.length;
    }
    assertTrue(few < many - 0.5, "3 temperatures " + few + ", 100 temperatures " + many);
    assertTrue(many < exactMean + 0.05, many + " above the exact " + exactMean);
  }

  @Test
  void theSigmoidScheduleRunsFromZeroToOne() {
    double[] betas = AnnealedImportanceSampler.sigmoidSchedule(50);
    assertEquals(0, betas[0]);
    assertEquals(1, betas[49]);
    for (int t = 1; t < betas.length; t++) {
      assertTrue(betas[t] > betas[t - 1]);
    }
  }
}
