package dev.helmholtz.samples.bayes;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Principal components of a data matrix, computed in Java: the top eigenvectors of the sample
 * covariance by orthogonal (subspace) iteration with Gram-Schmidt, in double precision. Enough
 * for a few components of MNIST-sized data (784 columns); not a general eigensolver.
 */
public final class Pca {
  private final double[] mean;
  private final double[][] components; // [k][columns], orthonormal rows
  private final double[] scales; // the training projections' standard deviations

  private Pca(double[] mean, double[][] components, double[] scales) {
    this.mean = mean;
    this.components = components;
    this.scales = scales;
  }

  /**
   * The top {@code k} principal components of {@code rows}.
   *
   * @throws IllegalArgumentException for fewer than 2 rows, ragged rows, or k outside [1, columns]
   */
  public static Pca fit(float[][] rows, int k, long seed) {
    Objects.requireNonNull(rows, "rows");
    if (rows.length < 2) {
      throw new IllegalArgumentException("PCA needs at least 2 rows, got " + rows.length);
    }
    int columns = rows[0].length;
    if (k < 1 || k > columns) {
      throw new IllegalArgumentException("components must be in [1, " + columns + "], was " + k);
    }
    double[] mean = new double[columns];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != columns) {
        throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, row 0 has " + columns);
      }
      for (int j = 0; j < columns; j++) {
        mean[j] += rows[i][j];
      }
    }
    for (int j = 0; j < columns; j++) {
      mean[j] /= rows.length;
    }
    // Covariance, upper triangle, row by row (centred copy of each row once).
    double[][] cov = new double[columns][columns];
    double[] centred = new double[columns];
    for (float[] row : rows) {
      for (int j = 0; j < columns; j++) {
        centred[j] = row[j] - mean[j];
      }
      for (int a = 0; a < columns; a++) {
        double ca = centred[a];
        if (ca == 0) {
          continue;
        }
        double[] covA = cov[a];
        for (int b = a; b < columns; b++) {
          covA[b] += ca * centred[b];
        }
      }
    }
    for (int a = 0; a < columns; a++) {
      for (int b = a; b < columns; b++) {
        cov[a][b] /= rows.length - 1;
        cov[b][a] = cov[a][b];
      }
    }
    double[][] basis = new double[k][columns];
    SplittableRandom random = new SplittableRandom(seed);
    for (double[] v : basis) {
      for (int j = 0; j < columns; j++) {
        v[j] = random.nextDouble() - 0.5;
      }
    }
    orthonormalize(basis);
    for (int iteration = 0; iteration < 300; iteration++) {
      double[][] next = new double[k][columns];
      for (int c = 0; c < k; c++) {
        for (int a = 0; a < columns; a++) {
          double s = 0;
          double[] covA = cov[a];
          for (int b = 0; b < columns; b++) {
            s += covA[b] * basis[c][b];
          }
          next[c][a] = s;
        }
      }
      orthonormalize(next);
      double change = 0;
      for (int c = 0; c < k; c++) {
        double dot = 0;
        for (int j = 0; j < columns; j++) {
          dot += next[c][j] * basis[c][j];
        }
        change = Math.max(change, 1 - Math.abs(dot));
      }
      basis = next;
      if (change < 1e-10) {
        break;
      }
    }
    Pca unscaled = new Pca(mean, basis, filled(k, 1));
    double[] scales = new double[k];
    for (float[] row : rows) {
      double[] p = unscaled.projectRaw(row);
      for (int c = 0; c < k; c++) {
        scales[c] += p[c] * p[c] / (rows.length - 1);
      }
    }
    for (int c = 0; c < k; c++) {
      scales[c] = Math.sqrt(scales[c]);
    }
    return new Pca(mean, basis, scales);
  }

  /** The number of components. */
  public int size() {
    return components.length;
  }

  /** The variance of the training data along each component, largest first (up to rounding). */
  public double[] variances() {
    double[] v = new double[scales.length];
    for (int c = 0; c < v.length; c++) {
      v[c] = scales[c] * scales[c];
    }
    return v;
  }

  /** The row's coordinates on the components, each divided by its training standard deviation. */
  public float[] project(float[] row) {
    double[] p = projectRaw(row);
    float[] out = new float[p.length];
    for (int c = 0; c < p.length; c++) {
      out[c] = (float) (p[c] / scales[c]);
    }
    return out;
  }

  private double[] projectRaw(float[] row) {
    if (row.length != mean.length) {
      throw new IllegalArgumentException("row has " + row.length + " values, the PCA was fitted on " + mean.length);
    }
    double[] out = new double[components.length];
    for (int c = 0; c < components.length; c++) {
      double s = 0;
      for (int j = 0; j < mean.length; j++) {
        s += (row[j] - mean[j]) * components[c][j];
      }
      out[c] = s;
    }
    return out;
  }

  /** Modified Gram-Schmidt on the rows. */
  private static void orthonormalize(double[][] v) {
    for (int i = 0; i < v.length; i++) {
      for (int j = 0; j < i; j++) {
        double dot = 0;
        for (int d = 0; d < v[i].length; d++) {
          dot += v[i][d] * v[j][d];
        }
        for (int d = 0; d < v[i].length; d++) {
          v[i][d] -= dot * v[j][d];
        }
      }
      double norm = 0;
      for (double x : v[i]) {
        norm += x * x;
      }
      norm = Math.sqrt(norm);
      for (int d = 0; d < v[i].length; d++) {
        v[i][d] /= norm;
      }
    }
  }

  private static double[] filled(int n, double value) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, value);
    return a;
  }
}
