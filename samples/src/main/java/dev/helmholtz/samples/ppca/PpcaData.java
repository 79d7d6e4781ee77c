package dev.helmholtz.samples.ppca;

import java.util.Random;

/**
 * A synthetic data set with a known principal subspace, for the {@code ppca} sample: {@code x = U
 * diag(scales) z + mu + e}, U a random orthonormal {@code [20, 4]} basis, scales 4, 3, 2 and 1.5,
 * z and e standard Normal and mu a random offset. Its covariance is {@code U diag(scales^2) U' +
 * I}, whose top four eigenvectors span U: the data PPCA's generative model assumes, so the closed
 * form should recover that span and a noise variance near 1.
 */
public final class PpcaData {
  /** Observed dimensions. */
  public static final int DIMENSIONS = 20;
  /** The principal subspace's dimension. */
  public static final int COMPONENTS = 4;
  private static final double[] SCALES = {4, 3, 2, 1.5};

  private final double[][] basis;
  private final double[] offset;

  /** The data set's structure (basis and offset), drawn from {@code seed}. */
  public PpcaData(long seed) {
    Random random = new Random(seed);
    basis = new double[DIMENSIONS][COMPONENTS];
    for (int c = 0; c < COMPONENTS; c++) {
      double[] v = new double[DIMENSIONS];
      for (int i = 0; i < DIMENSIONS; i++) {
        v[i] = random.nextGaussian();
      }
      for (int p = 0; p < c; p++) {
        double dot = 0;
        for (int i = 0; i < DIMENSIONS; i++) {
          dot += basis[i][p] * v[i];
        }
        for (int i = 0; i < DIMENSIONS; i++) {
          v[i] -= dot * basis[i][p];
        }
      }
      double norm = 0;
      for (double x : v) {
        norm += x * x;
      }
      for (int i = 0; i < DIMENSIONS; i++) {
        basis[i][c] = v[i] / Math.sqrt(norm);
      }
    }
    offset = new double[DIMENSIONS];
    for (int i = 0; i < DIMENSIONS; i++) {
      offset[i] = 2 * random.nextGaussian();
    }
  }

  /** The true principal subspace's orthonormal basis U, {@code [20][4]}. */
  public double[][] basis() {
    double[][] copy = new double[DIMENSIONS][];
    for (int i = 0; i < DIMENSIONS; i++) {
      copy[i] = basis[i].clone();
    }
    return copy;
  }

  /** {@code n} examples, {@code [n][20]}, drawn from {@code seed}. */
  public float[][] sample(int n, long seed) {
    Random random = new Random(seed);
    float[][] rows = new float[n][DIMENSIONS];
    double[] z = new double[COMPONENTS];
    for (float[] row : rows) {
      for (int c = 0; c < COMPONENTS; c++) {
        z[c] = SCALES[c] * random.nextGaussian();
      }
      for (int i = 0; i < DIMENSIONS; i++) {
        double x = offset[i] + random.nextGaussian();
        for (int c = 0; c < COMPONENTS; c++) {
          x += basis[i][c] * z[c];
        }
        row[i] = (float) x;
      }
    }
    return rows;
  }
}
