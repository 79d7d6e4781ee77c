package dev.helmholtz.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.Seed;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A linear-Gaussian model, z ~ N(0, I_2), x | z ~ N(z K + b, s^2 I_3), whose log p(x) =
 * log N(x; b, K^T K + s^2 I) is known: the importance-sampled estimate must match it within its
 * own standard error, and that error must be calibrated.
 */
class ImportanceSamplingTest {
  static final float[][] K = {{1.0f, -0.5f, 0.8f}, {0.5f, 1.0f, 0.0f}}; // orthogonal rows
  static final float[] B = {0.5f, -1.0f, 0.2f};
  static final double S = 0.5;
  static final int EXAMPLES = 60;

  static Operand<TFloat32> logJoint(Ops tf, Operand<TFloat32> x, Operand<TFloat32> z) {
    Operand<TFloat32> prior = Normal.standard(tf, tf.shape(z, org.tensorflow.types.TInt64.class)).logProb(z);
    Operand<TFloat32> mean = tf.math.add(tf.linalg.matMul(z, tf.constant(K)), tf.constant(B));
    return tf.math.add(prior, Normal.meanScale(mean, tf.constant((float) S)).logProb(x));
  }

  /**
   * The exact posterior q(z | x) = N(Lambda^-1 K (x - b) / s^2, Lambda^-1), Lambda = I + K K^T / s^2
   * (diagonal, as K's rows are orthogonal), with its scale multiplied by {@code inflation}.
   */
  static LogWeights.Proposal posterior(double inflation) {
    float[] precision = new float[2];
    for (int l = 0; l < 2; l++) {
      double kk = 0;
      for (int j = 0; j < 3; j++) {
        kk += K[l][j] * K[l][j];
      }
      precision[l] = (float) (1 + kk / (S * S));
    }
    float[][] gain = new float[3][2]; // (x - b) gain = mean
    float[] scale = new float[2];
    for (int l = 0; l < 2; l++) {
      for (int j = 0; j < 3; j++) {
        gain[j][l] = (float) (K[l][j] / (S * S) / precision[l]);
      }
      scale[l] = (float) (inflation / Math.sqrt(precision[l]));
    }
    return (tf, x) -> Normal.meanScale(
        tf.linalg.matMul(tf.math.sub(x, tf.constant(B)), tf.constant(gain)), tf.constant(scale));
  }

  static float[][] data(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] x = new float[EXAMPLES][3];
    for (int i = 0; i < EXAMPLES; i++) {
      double z0 = gaussian(random);
      double z1 = gaussian(random);
      for (int j = 0; j < 3; j++) {
        x[i][j] = (float) (z0 * K[0][j] + z1 * K[1][j] + B[j] + S * gaussian(random));
      }
    }
    return x;
  }

  /** log N(x; b, K^T K + s^2 I) by Cholesky, in double precision. */
  static double exactLogLikelihood(float[] x) {
    double[][] cov = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        cov[i][j] = (i == j ? S * S : 0) + K[0][i] * K[0][j] + K[1][i] * K[1][j];
      }
    }
    double[][] l = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j <= i; j++) {
        double s = cov[i][j];
        for (int m = 0; m < j; m++) {
          s -= l[i][m] * l[j][m];
        }
        l[i][j] = i == j ? Math.sqrt(s) : s / l[j][j];
      }
    }
    double[] y = new double[3];
    double quadratic = 0;
    double logDet = 0;
    for (int i = 0; i < 3; i++) {
      double s = x[i] - B[i];
      for (int m = 0; m < i; m++) {
        s -= l[i][m] * y[m];
      }
      y[i] = s / l[i][i];
      quadratic += y[i] * y[i];
      logDet += 2 * Math.log(l[i][i]);
    }
    return -0.5 * (3 * Math.log(2 * Math.PI) + logDet + quadratic);
  }

  private static void checkAgainstExact(LogMarginalLikelihood r, float[][] x, String what) {
    double exactMean = 0;
    double zSquares = 0;
    for (int i = 0; i < x.length; i++) {
      double exact = exactLogLikelihood(x[i]);
      exactMean += exact / x.length;
      double z = (r.estimates()[i] - exact) / r.standardErrors()[i];
      zSquares += z * z / x.length;
    }
    String report = what + ": estimate " + r.mean() + " +- " + r.standardError() + ", exact " + exactMean
        + ", mean squared z " + zSquares + ", min ESS " + r.minEffectiveSampleSize();
    // float32 log weights: allow 1e-4 nats of rounding besides 4 standard errors.
    assertEquals(exactMean, r.mean(), 4 * r.standardError() + 1e-4, report);
    // Calibrated errors: (estimate - exact) / se is roughly standard normal per example; over 60
    // examples the mean of its square lies in [0.5, 1.6] with probability > 0.99.
    assertTrue(zSquares > 0.5 && zSquares < 1.6, report);
  }

  @Test
  void withThePriorAsProposalTheEstimateMatchesTheClosedForm() {
    float[][] x = data(1);
    LogMarginalLikelihood r = ImportanceSampling.of(LogWeights.of(LogWeights.Proposal.standardNormal(2),
        ImportanceSamplingTest::logJoint), 3).withSeed(Seed.of(2)).estimate(x, 2000);
    checkAgainstExact(r, x, "prior proposal");
    assertTrue(r.standardError() > 1e-3, "the prior is not the posterior: the estimate has noise");
  }

  @Test
  void withAnEncoderAsProposalTheEstimateMatchesTheClosedFormAcrossChunks() {
    float[][] x = data(3);
    ImportanceSampling evaluator = ImportanceSampling.of(LogWeights.of(posterior(1.5),
        ImportanceSamplingTest::logJoint), 3).withSeed(Seed.of(4));
    checkAgainstExact(evaluator.estimate(x, 500), x, "inflated posterior, one run");
    // 500 draws in chunks of 64, one example per run.
    checkAgainstExact(evaluator.withMaxRowsPerRun(64).estimate(x, 500), x, "inflated posterior, chunks of 64");
  }

  @Test
  void withTheExactPosteriorAsProposalEveryWeightIsTheLikelihood() {
    float[][] x = data(5);
    LogMarginalLikelihood r = ImportanceSampling.of(LogWeights.of(posterior(1.0),
        ImportanceSamplingTest::logJoint), 3).estimate(x, 50);
    for (int i = 0; i < x.length; i++) {
      assertEquals(exactLogLikelihood(x[i]), r.estimates()[i], 1e-4, "example " + i);
      assertTrue(r.standardErrors()[i] < 1e-3, "example " + i + ": " + r.standardErrors()[i]);
      assertEquals(50, r.effectiveSampleSizes()[i], 0.5, "example " + i);
    }
  }

  @Test
  void theDeltaMethodErrorOfKnownWeights() {
    // Weights 1 and 3: mean 2, mean of squares 5, so se = sqrt((5/4 - 1) / 2).
    double logSum = Math.log(4);
    double logSumSquares = Math.log(10);
    assertEquals(Math.sqrt(0.25 / 2), ImportanceSampling.standardError(logSum, logSumSquares, 2), 1e-12);
    assertEquals(16.0 / 10, ImportanceSampling.effectiveSampleSize(logSum, logSumSquares), 1e-12);
  }

  @Test
  void badInputNamesTheExample() {
    ImportanceSampling evaluator = ImportanceSampling.of(LogWeights.of(LogWeights.Proposal.standardNormal(2),
        ImportanceSamplingTest::logJoint), 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> evaluator.estimate(new float[][] {{1, 2, 3}, {1, 2}}, 10));
    assertTrue(e.getMessage().contains("example 1 has 2 values"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> evaluator.estimate(new float[][] {{1, 2, 3}}, 0));
  }

  private static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
