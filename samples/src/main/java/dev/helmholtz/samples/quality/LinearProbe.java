package dev.helmholtz.samples.quality;

import java.util.Random;

/**
 * A linear probe: multinomial logistic regression trained on fixed features of labelled examples
 * and scored on others, the usual measure of what an unsupervised encoder's features hold (Donahue
 * et al. 2016 report BiGAN's this way). Each feature is standardized by the training features' mean
 * and standard deviation; minibatch SGD on the mean cross-entropy with a small L2 penalty, the
 * batches shuffled by the seed, so the same inputs give the same accuracy. Plain Java: the
 * features are small (tens to hundreds of columns) and the classes 10.
 */
public final class LinearProbe {
  private final int classes;
  private final double[] mean;
  private final double[] scale;
  private final double[][] weights;
  private final double[] bias;

  private LinearProbe(int classes, double[] mean, double[] scale, double[][] weights, double[] bias) {
    this.classes = classes;
    this.mean = mean;
    this.scale = scale;
    this.weights = weights;
    this.bias = bias;
  }

  /**
   * Trains on {@code features} ({@code [n][d]}) with labels in {@code [0, classes)}.
   *
   * @param epochs passes over the data, at least 1
   * @param learningRate SGD's step, such as 0.1
   */
  public static LinearProbe train(float[][] features, int[] labels, int classes, int epochs, double learningRate,
      long seed) {
    if (features.length == 0 || features.length != labels.length) {
      throw new IllegalArgumentException("need as many labels as feature rows, and at least one: "
          + features.length + " rows, " + labels.length + " labels");
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be at least 1, was " + epochs);
    }
    int n = features.length;
    int d = features[0].length;
    double[] mean = new double[d];
    double[] scale = new double[d];
    for (float[] row : features) {
      for (int j = 0; j < d; j++) {
        mean[j] += row[j] / (double) n;
      }
    }
    for (float[] row : features) {
      for (int j = 0; j < d; j++) {
        scale[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / n;
      }
    }
    for (int j = 0; j < d; j++) {
      // A constant feature (a border pixel) carries nothing: scaled by 1, it stays 0.
      scale[j] = scale[j] > 1e-12 ? Math.sqrt(scale[j]) : 1;
    }
    LinearProbe probe = new LinearProbe(classes, mean, scale, new double[classes][d], new double[classes]);
    int batch = 100;
    double l2 = 1e-4;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random random = new Random(seed);
    double[] x = new double[d];
    double[] p = new double[classes];
    double[][] gradW = new double[classes][d];
    double[] gradB = new double[classes];
    for (int epoch = 0; epoch < epochs; epoch++) {
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (int from = 0; from < n; from += batch) {
        int to = Math.min(n, from + batch);
        for (double[] g : gradW) {
          java.util.Arrays.fill(g, 0);
        }
        java.util.Arrays.fill(gradB, 0);
        for (int r = from; r < to; r++) {
          int row = order[r];
          probe.standardize(features[row], x);
          probe.probabilities(x, p);
          p[labels[row]] -= 1;
          for (int k = 0; k < classes; k++) {
            if (p[k] == 0) {
              continue;
            }
            double[] g = gradW[k];
            for (int j = 0; j < d; j++) {
              g[j] += p[k] * x[j];
            }
            gradB[k] += p[k];
          }
        }
        double step = learningRate / (to - from);
        for (int k = 0; k < classes; k++) {
          double[] w = probe.weights[k];
          for (int j = 0; j < d; j++) {
            w[j] -= step * gradW[k][j] + learningRate * l2 * w[j];
          }
          probe.bias[k] -= step * gradB[k];
        }
      }
    }
    return probe;
  }

  /** The fraction of {@code features}' rows whose most probable class is their label. */
  public double accuracy(float[][] features, int[] labels) {
    double[] x = new double[mean.length];
    double[] p = new double[classes];
    int right = 0;
    for (int i = 0; i < features.length; i++) {
      standardize(features[i], x);
      probabilities(x, p);
      int best = 0;
      for (int k = 1; k < classes; k++) {
        if (p[k] > p[best]) {
          best = k;
        }
      }
      right += best == labels[i] ? 1 : 0;
    }
    return right / (double) features.length;
  }

  private void standardize(float[] row, double[] out) {
    if (row.length != mean.length) {
      throw new IllegalArgumentException("a row of " + row.length + " features; the probe was trained on "
          + mean.length);
    }
    for (int j = 0; j < out.length; j++) {
      out[j] = (row[j] - mean[j]) / scale[j];
    }
  }

  private void probabilities(double[] x, double[] out) {
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < classes; k++) {
      double s = bias[k];
      double[] w = weights[k];
      for (int j = 0; j < x.length; j++) {
        s += w[j] * x[j];
      }
      out[k] = s;
      max = Math.max(max, s);
    }
    double sum = 0;
    for (int k = 0; k < classes; k++) {
      out[k] = Math.exp(out[k] - max);
      sum += out[k];
    }
    for (int k = 0; k < classes; k++) {
      out[k] /= sum;
    }
  }
}
