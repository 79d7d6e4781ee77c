package dev.helmholtz.linear;

import static dev.helmholtz.linear.Matrices.logDeterminant;
import static dev.helmholtz.linear.Matrices.multiply;
import static dev.helmholtz.linear.Matrices.solve;
import static dev.helmholtz.linear.Matrices.trace;
import static dev.helmholtz.linear.Matrices.transpose;

import java.util.Arrays;

/**
 * A linear-Gaussian latent variable model, {@code x = W z + mu + e} with {@code z ~ N(0, I_K)} and
 * {@code e ~ N(0, diag(noise))}: probabilistic PCA when the noise is isotropic (Tipping and Bishop
 * 1999), factor analysis when it is any diagonal. Its marginal is {@code N(mu, W W' + diag(noise))},
 * so its log-likelihood is exact: the check of what an ELBO-trained linear VAE reaches. Fitted by
 * the closed form ({@link #probabilisticPca}) or by EM ({@link #ppcaEmStep}, {@link
 * #factorAnalysisEmStep}), in double precision.
 *
 * @param weights W, {@code [D][K]}
 * @param mean mu, {@code [D]}
 * @param noise the noise variances, {@code [D]} (all equal for PPCA)
 */
public record LinearGaussianModel(double[][] weights, double[] mean, double[] noise) {

  /** The sufficient statistics of a data set: its mean and its covariance (divided by N), and N. */
  public record Moments(double[] mean, double[][] covariance, int count) {
    /** The moments of {@code rows}, {@code [N][D]}. */
    public static Moments of(float[][] rows) {
      int d = rows[0].length;
      double[] mean = new double[d];
      for (float[] row : rows) {
        for (int j = 0; j < d; j++) {
          mean[j] += row[j] / (double) rows.length;
        }
      }
      double[][] s = new double[d][d];
      for (float[] row : rows) {
        for (int i = 0; i < d; i++) {
          double di = row[i] - mean[i];
          for (int j = i; j < d; j++) {
            s[i][j] += di * (row[j] - mean[j]);
          }
        }
      }
      for (int i = 0; i < d; i++) {
        for (int j = i; j < d; j++) {
          s[i][j] /= rows.length;
          s[j][i] = s[i][j];
        }
      }
      return new Moments(mean, s, rows.length);
    }

    /** The covariance's eigenvalues, descending, and eigenvectors (columns): the principal components. */
    Matrices.Eigen principalComponents() {
      return Matrices.symmetricEigen(covariance);
    }
  }

  /**
   * The maximum-likelihood PPCA of {@code k} components (Tipping and Bishop 1999, eqs. 7-8): noise
   * variance the mean of the discarded eigenvalues of the covariance, {@code W = U_k (L_k - s^2
   * I)^(1/2)}, U_k the top k eigenvectors (the rotation R = I).
   */
  public static LinearGaussianModel probabilisticPca(Moments data, int k) {
    int d = data.mean().length;
    if (k < 1 || k >= d) {
      throw new IllegalArgumentException("PPCA needs 1 <= k < D = " + d + ", was " + k);
    }
    Matrices.Eigen eigen = data.principalComponents();
    double sigma2 = 0;
    for (int j = k; j < d; j++) {
      sigma2 += eigen.values()[j] / (d - k);
    }
    double[][] w = new double[d][k];
    for (int c = 0; c < k; c++) {
      double scale = Math.sqrt(Math.max(0, eigen.values()[c] - sigma2));
      for (int i = 0; i < d; i++) {
        w[i][c] = eigen.vectors()[i][c] * scale;
      }
    }
    double[] noise = new double[d];
    Arrays.fill(noise, sigma2);
    return new LinearGaussianModel(w, data.mean().clone(), noise);
  }

  /** The marginal covariance {@code W W' + diag(noise)}. */
  public double[][] marginalCovariance() {
    double[][] c = multiply(weights, transpose(weights));
    for (int i = 0; i < c.length; i++) {
      c[i][i] += noise[i];
    }
    return c;
  }

  /**
   * The exact mean log-likelihood per example of data with moments {@code data}: {@code -(D log 2 pi
   * + log |C| + tr(C^-1 S') ) / 2}, S' the covariance about this model's mean.
   */
  public double logLikelihood(Moments data) {
    int d = mean.length;
    double[][] c = marginalCovariance();
    double[][] s = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        s[i][j] = data.covariance()[i][j] + (data.mean()[i] - mean[i]) * (data.mean()[j] - mean[j]);
      }
    }
    return -0.5 * (d * Math.log(2 * Math.PI) + logDeterminant(c) + trace(solve(c, s)));
  }

  /**
   * One EM step of PPCA (Tipping and Bishop 1999, eqs. 29-30), mean fixed at the data's: {@code W'
   * = S W (s^2 I + M^-1 W' S W)^-1}, {@code s'^2 = tr(S - S W M^-1 W'') / D}, M = W'W + s^2 I.
   */
  public LinearGaussianModel ppcaEmStep(Moments data) {
    int d = mean.length;
    int k = weights[0].length;
    double sigma2 = noise[0];
    double[][] s = data.covariance();
    double[][] m = multiply(transpose(weights), weights);
    for (int i = 0; i < k; i++) {
      m[i][i] += sigma2;
    }
    double[][] sw = multiply(s, weights);
    double[][] inner = solve(m, multiply(transpose(weights), sw));
    for (int i = 0; i < k; i++) {
      inner[i][i] += sigma2;
    }
    // W' = S W inner^-1, inner not symmetric in general: solve through its transpose's LU-free form.
    double[][] wNew = transpose(solveGeneral(transpose(inner), transpose(sw)));
    double[][] swm = transpose(solve(m, transpose(sw)));
    double t = trace(s) - trace(multiply(swm, transpose(wNew)));
    double[] noiseNew = new double[d];
    Arrays.fill(noiseNew, t / d);
    return new LinearGaussianModel(wNew, data.mean().clone(), noiseNew);
  }

  /**
   * One EM step of factor analysis (Ghahramani and Hinton 1996), mean fixed at the data's: with
   * {@code B = W' C^-1}, {@code W' = S B' (I - B W + B S B')^-1} and {@code noise' = diag(S - W' B S)}.
   */
  public LinearGaussianModel factorAnalysisEmStep(Moments data) {
    int d = mean.length;
    int k = weights[0].length;
    double[][] s = data.covariance();
    double[][] b = transpose(solve(marginalCovariance(), weights)); // [K][D]
    double[][] bs = multiply(b, s);
    double[][] ezz = multiply(bs, transpose(b));
    double[][] bw = multiply(b, weights);
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        ezz[i][j] += (i == j ? 1 : 0) - bw[i][j];
      }
    }
    double[][] wNew = transpose(solve(ezz, bs)); // (E[zz']^-1 B S)' = S B' E[zz']^-1
    double[][] wbs = multiply(wNew, bs);
    double[] noiseNew = new double[d];
    for (int i = 0; i < d; i++) {
      noiseNew[i] = Math.max(1e-9, s[i][i] - wbs[i][i]);
    }
    return new LinearGaussianModel(wNew, data.mean().clone(), noiseNew);
  }

  /** {@code a^-1 b} for a general square {@code a}, by Gaussian elimination with partial pivoting. */
  private static double[][] solveGeneral(double[][] a, double[][] b) {
    int n = a.length;
    int m = b[0].length;
    double[][] x = new double[n][];
    double[][] lu = new double[n][];
    for (int i = 0; i < n; i++) {
      lu[i] = a[i].clone();
      x[i] = b[i].clone();
    }
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(lu[r][col]) > Math.abs(lu[pivot][col])) {
          pivot = r;
        }
      }
      double[] tmp = lu[col];
      lu[col] = lu[pivot];
      lu[pivot] = tmp;
      tmp = x[col];
      x[col] = x[pivot];
      x[pivot] = tmp;
      for (int r = col + 1; r < n; r++) {
        double f = lu[r][col] / lu[col][col];
        for (int c = col; c < n; c++) {
          lu[r][c] -= f * lu[col][c];
        }
        for (int c = 0; c < m; c++) {
          x[r][c] -= f * x[col][c];
        }
      }
    }
    for (int r = n - 1; r >= 0; r--) {
      for (int c = 0; c < m; c++) {
        double sum = x[r][c];
        for (int k = r + 1; k < n; k++) {
          sum -= lu[r][k] * x[k][c];
        }
        x[r][c] = sum / lu[r][r];
      }
    }
    return x;
  }

  /** A starting point for EM: small deterministic weights and unit noise, mean the data's. */
  public static LinearGaussianModel initial(Moments data, int k, long seed) {
    int d = data.mean().length;
    java.util.Random random = new java.util.Random(seed);
    double[][] w = new double[d][k];
    for (double[] row : w) {
      for (int c = 0; c < k; c++) {
        row[c] = 0.1 * random.nextGaussian();
      }
    }
    double[] noise = new double[d];
    Arrays.fill(noise, 1.0);
    return new LinearGaussianModel(w, data.mean().clone(), noise);
  }
}
