package dev.helmholtz.linear;

/** Comparisons of the subspaces that matrices' columns span. */
public final class Subspaces {
  private Subspaces() {}

  /**
   * The principal angles between the column spans of {@code a} and {@code b} ({@code [D][K]} and
   * {@code [D][L]}), in radians, ascending: the arccosines of the singular values of {@code Qa' Qb},
   * Q each one's orthonormalized columns (Björck and Golub 1973). All zero when the spans agree.
   *
   * @throws IllegalArgumentException if a matrix's columns are linearly dependent
   */
  public static double[] principalAngles(double[][] a, double[][] b) {
    double[][] qa = orthonormalColumns(a);
    double[][] qb = orthonormalColumns(b);
    double[][] cross = Matrices.multiply(Matrices.transpose(qa), qb);
    double[][] gram = Matrices.multiply(Matrices.transpose(cross), cross);
    if (qa[0].length < qb[0].length) {
      gram = Matrices.multiply(cross, Matrices.transpose(cross));
    }
    double[] squaredCosines = Matrices.symmetricEigen(gram).values();
    double[] angles = new double[squaredCosines.length];
    for (int i = 0; i < angles.length; i++) {
      double cosine = Math.sqrt(Math.max(0, Math.min(1, squaredCosines[i])));
      angles[i] = Math.acos(cosine);
    }
    return angles;
  }

  /** The top {@code k} principal directions of data with moments {@code data}, {@code [D][k]}. */
  public static double[][] topPrincipalComponents(LinearGaussianModel.Moments data, int k) {
    double[][] vectors = data.principalComponents().vectors();
    double[][] out = new double[vectors.length][k];
    for (int i = 0; i < vectors.length; i++) {
      System.arraycopy(vectors[i], 0, out[i], 0, k);
    }
    return out;
  }

  /** Modified Gram-Schmidt on the columns. */
  private static double[][] orthonormalColumns(double[][] m) {
    int d = m.length;
    int k = m[0].length;
    double[][] q = new double[d][k];
    for (int c = 0; c < k; c++) {
      double[] v = new double[d];
      for (int i = 0; i < d; i++) {
        v[i] = m[i][c];
      }
      double originalNorm = norm(v);
      for (int p = 0; p < c; p++) {
        double dot = 0;
        for (int i = 0; i < d; i++) {
          dot += q[i][p] * v[i];
        }
        for (int i = 0; i < d; i++) {
          v[i] -= dot * q[i][p];
        }
      }
      double n = norm(v);
      if (!(n > 1e-10 * Math.max(originalNorm, 1e-300))) {
        throw new IllegalArgumentException("column " + c + " depends linearly on the ones before it");
      }
      for (int i = 0; i < d; i++) {
        q[i][c] = v[i] / n;
      }
    }
    return q;
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
