package dev.helmholtz.samples.bayes;

import dev.helmholtz.infer.LogDensity;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;

/**
 * Bayesian logistic regression, y ~ Bernoulli(sigmoid(x . w + b)), with independent N(0,
 * priorScale^2) priors on the weights and the bias: the parameter vector is (w, b). Features
 * should be standardized for the common prior scale to make sense (see {@link Pca#project}).
 */
public final class BayesianLogisticRegression {
  private final float[][] design; // [N][features + 1], a trailing column of ones
  private final float[] signs; // 2y - 1
  private final double priorScale;

  /**
   * @param features [N][features]
   * @param labels N labels, each 0 or 1
   * @throws IllegalArgumentException for no examples, ragged rows, or a label other than 0 and 1
   *     (naming the example)
   */
  public BayesianLogisticRegression(float[][] features, int[] labels, double priorScale) {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(labels, "labels");
    if (features.length == 0 || features.length != labels.length) {
      throw new IllegalArgumentException("need as many labels as feature rows (at least one), got "
          + features.length + " rows and " + labels.length + " labels");
    }
    if (!(priorScale > 0 && Double.isFinite(priorScale))) {
      throw new IllegalArgumentException("priorScale must be finite and > 0, was " + priorScale);
    }
    this.design = withIntercept(features);
    this.signs = new float[labels.length];
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != 0 && labels[i] != 1) {
        throw new IllegalArgumentException("label " + i + " is " + labels[i] + "; labels must be 0 or 1");
      }
      signs[i] = 2 * labels[i] - 1;
    }
    this.priorScale = priorScale;
  }

  /** Rows with a trailing 1, checked to have the same width. */
  static float[][] withIntercept(float[][] features) {
    int width = features[0].length;
    float[][] out = new float[features.length][];
    for (int i = 0; i < features.length; i++) {
      if (features[i].length != width) {
        throw new IllegalArgumentException("feature row " + i + " has " + features[i].length
            + " values, row 0 has " + width);
      }
      out[i] = java.util.Arrays.copyOf(features[i], width + 1);
      out[i][width] = 1f;
    }
    return out;
  }

  /** Parameters: the weights, then the bias. */
  public int dims() {
    return design[0].length;
  }

  /** log p(w, b) + sum_n log p(y_n | x_n, w, b) for each row of theta. */
  public LogDensity logPosterior() {
    return (Ops tf, Operand<TFloat32> theta) -> {
      Operand<TFloat32> logits = tf.linalg.matMul(theta, tf.constant(design), MatMul.transposeB(true));
      // log sigmoid(s * logit) = -softplus(-s * logit)
      Operand<TFloat32> logLikelihood = tf.math.neg(tf.reduceSum(
          tf.math.softplus(tf.math.neg(tf.math.mul(logits, tf.constant(signs)))), tf.constant(-1)));
      Operand<TFloat32> logPrior = tf.math.mul(tf.constant((float) (-0.5 / (priorScale * priorScale))),
          tf.reduceSum(tf.math.square(theta), tf.constant(-1)));
      return tf.math.add(logLikelihood, logPrior);
    };
  }

  /**
   * The posterior predictive accuracy on (features, labels): p(y = 1 | x) averaged over the
   * parameter draws, thresholded at 1/2.
   */
  public static double predictiveAccuracy(double[][] draws, float[][] features, int[] labels) {
    double[] p = predictiveProbabilities(draws, features);
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      correct += (p[i] >= 0.5 ? 1 : 0) == labels[i] ? 1 : 0;
    }
    return (double) correct / labels.length;
  }

  /** p(y = 1 | x) averaged over the draws (each the weights then the bias). */
  public static double[] predictiveProbabilities(double[][] draws, float[][] features) {
    float[][] design = withIntercept(features);
    double[] p = new double[design.length];
    for (double[] theta : draws) {
      if (theta.length != design[0].length) {
        throw new IllegalArgumentException("a draw has " + theta.length + " parameters, the features need "
            + design[0].length + " (weights and bias)");
      }
      for (int i = 0; i < design.length; i++) {
        double logit = 0;
        for (int d = 0; d < theta.length; d++) {
          logit += theta[d] * design[i][d];
        }
        p[i] += 1 / (1 + Math.exp(-logit)) / draws.length;
      }
    }
    return p;
  }
}
