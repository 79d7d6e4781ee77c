package dev.helmholtz.eval;

/**
 * The Fréchet distance between two Gaussians fitted to feature vectors (Heusel et al. 2017, the
 * "FID" when the features are Inception's):
 * {@code |m1 - m2|^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2))}. Computed in double precision:
 * {@code tr((S1 S2)^(1/2))} is the sum of the square roots of the eigenvalues of the symmetric
 * {@code S1^(1/2) S2 S1^(1/2)}, found by Jacobi rotations.
 */
public final class FrechetDistance {
  private static final int MAX_SWEEPS = 100;

  private FrechetDistance() {}

  /** The distance between the Gaussians fitted (mean, unbiased covariance) to two samples of features. */
  public static double between(float[][] a, float[][] b) {
    int d = width(a, "a");
    if (width(b, "b") != d) {
      throw new IllegalArgumentException("features of different widths: " + d + " and " + b[0].length);
    }
    double[] ma = mean(a);
    double[] mb = mean(b);
    return of(ma, covariance(a, ma), mb, covariance(b, mb));
  }

  /** The distance between N(m1, s1) and N(m2, s2); covariances symmetric positive semi-definite. */
  public static double of(double[] m1, double[][] s1, double[] m2, double[][] s2) {
    int d = m1.length;
    if (m2.length != d || s1.length != d || s2.length != d) {
      throw new IllegalArgumentException("means and covariances of different sizes");
    }
    double meanTerm = 0;
    for (int i = 0; i < d; i++) {
      meanTerm += (m1[i] - m2[i]) * (m1[i] - m2[i]);
    }
    double[][] root = sqrtm(s1);
    double[][] inner = multiply(multiply(root, s2), root);
    symmetrize(inner);
    double traceRoot = 0;
    for (double lambda : eigenvalues(inner)) {
      traceRoot += Math.sqrt(Math.max(0, lambda));
    }
    return Math.max(0, meanTerm + trace(s1) + trace(s2) - 2 * traceRoot);
  }

  static double[] mean(float[][] x) {
    double[] m = new double[x[0].length];
    for (float[] row : x) {
      for (int j = 0; j < m.length; j++) {
        m[j] += row[j];
      }
    }
    for (int j = 0; j < m.length; j++) {
      m[j] /= x.length;
    }
    return m;
  }

  static double[][] covariance(float[][] x, double[] mean) {
    int d = mean.length;
    double[][] c = new double[d][d];
    double[] centred = new double[d];
    for (float[] row : x) {
      for (int j = 0; j < d; j++) {
        centred[j] = row[j] - mean[j];
      }
      for (int i = 0; i < d; i++) {
        for (int j = i; j < d; j++) {
          c[i][j] += centred[i] * centred[j];
        }
      }
    }
    double n = Math.max(1, x.length - 1);
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        c[i][j] /= n;
        c[j][i] = c[i][j];
      }
    }
    return c;
  }

  /** The symmetric square root of a symmetric positive semi-definite matrix. */
  static double[][] sqrtm(double[][] s) {
    int d = s.length;
    double[][] a = copy(s);
    double[][] v = identity(d);
    jacobi(a, v);
    double[][] out = new double[d][d];
    for (int k = 0; k < d; k++) {
      double r = Math.sqrt(Math.max(0, a[k][k]));
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          out[i][j] += v[i][k] * r * v[j][k];
        }
      }
    }
    return out;
  }

  static double[] eigenvalues(double[][] s) {
    double[][] a = copy(s);
    jacobi(a, identity(s.length));
    double[] out = new double[s.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = a[i][i];
    }
    return out;
  }

  /** Cyclic Jacobi: diagonalizes the symmetric {@code a} in place, accumulating rotations in {@code v}. */
  private static void jacobi(double[][] a, double[][] v) {
    int d = a.length;
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      double off = 0;
      double scale = 0;
      for (int i = 0; i < d; i++) {
        scale += a[i][i] * a[i][i];
        for (int j = i + 1; j < d; j++) {
          off += a[i][j] * a[i][j];
        }
      }
      if (off <= 1e-30 * Math.max(scale, 1e-300)) {
        return;
      }
      for (int p = 0; p < d; p++) {
        for (int q = p + 1; q < d; q++) {
          if (a[p][q] == 0) {
            continue;
          }
          double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < d; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
          }
          for (int k = 0; k < d; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
          for (int k = 0; k < d; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
          }
        }
      }
    }
  }

  private static int width(float[][] x, String name) {
    if (x.length < 2) {
      throw new IllegalArgumentException("sample " + name + " needs at least 2 feature vectors, has " + x.length);
    }
    return x[0].length;
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    int d = a.length;
    double[][] out = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int k = 0; k < d; k++) {
        double aik = a[i][k];
        for (int j = 0; j < d; j++) {
          out[i][j] += aik * b[k][j];
        }
      }
    }
    return out;
  }

  private static void symmetrize(double[][] a) {
    for (int i = 0; i < a.length; i++) {
      for (int j = i + 1; j < a.length; j++) {
        double m = 0.5 * (a[i][j] + a[j][i]);
        a[i][j] = m;
        a[j][i] = m;
      }
    }
  }

  private static double trace(double[][] a) {
    double t = 0;
    for (int i = 0; i < a.length; i++) {
      t += a[i][i];
    }
    return t;
  }

  private static double[][] copy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }

  private static double[][] identity(int d) {
    double[][] out = new double[d][d];
    for (int i = 0; i < d; i++) {
      out[i][i] = 1;
    }
    return out;
  }
}
