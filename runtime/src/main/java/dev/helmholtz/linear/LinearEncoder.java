package dev.helmholtz.linear;

import static dev.helmholtz.linear.Matrices.multiply;
import static dev.helmholtz.linear.Matrices.transpose;

/**
 * A linear Gaussian encoder {@code q(z | x) = N(A x + b, diag(variances))}, the inference network
 * of a linear VAE, with the evidence lower bound it gives a {@link LinearGaussianModel} decoder in
 * closed form: the check of what training by the ELBO reaches, without Monte Carlo noise.
 *
 * @param weights A, {@code [K][D]}
 * @param bias b, {@code [K]}
 * @param variances the posterior variances, {@code [K]}, the same for every x
 */
public record LinearEncoder(double[][] weights, double[] bias, double[] variances) {

  /**
   * The mean ELBO per example of data with moments {@code data} under decoder {@code decoder}:
   * {@code E_q[log p(x | z)] - KL(q(z | x) || N(0, I))}, each term's expectation over the data
   * taken through the data's mean and covariance (both terms are quadratic in x). It equals the
   * decoder's {@link LinearGaussianModel#logLikelihood} exactly when q is the true posterior.
   */
  public double elbo(LinearGaussianModel decoder, LinearGaussianModel.Moments data) {
    double[][] w = decoder.weights();
    int d = w.length;
    int k = w[0].length;
    double[][] cov = data.covariance();
    double[] xBar = data.mean();
    // The residual x - W(Ax + b) - mu = B x - c, B = I - W A, c = W b + mu.
    double[][] b = multiply(w, weights);
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        b[i][j] = (i == j ? 1 : 0) - b[i][j];
      }
    }
    double[][] bcb = multiply(multiply(b, cov), transpose(b));
    double[][] wsw = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        for (int c = 0; c < k; c++) {
          wsw[i][j] += w[i][c] * variances[c] * w[j][c];
        }
      }
    }
    double reconstruction = 0;
    for (int i = 0; i < d; i++) {
      double meanResidual = -decoder.mean()[i];
      for (int j = 0; j < d; j++) {
        meanResidual += b[i][j] * xBar[j];
      }
      for (int c = 0; c < k; c++) {
        meanResidual -= w[i][c] * bias[c];
      }
      double noise = decoder.noise()[i];
      reconstruction -= 0.5 * (Math.log(2 * Math.PI * noise)
          + (bcb[i][i] + meanResidual * meanResidual + wsw[i][i]) / noise);
    }
    double[][] aca = multiply(multiply(weights, cov), transpose(weights));
    double kl = 0;
    for (int c = 0; c < k; c++) {
      double meanCode = bias[c];
      for (int j = 0; j < d; j++) {
        meanCode += weights[c][j] * xBar[j];
      }
      double secondMoment = aca[c][c] + meanCode * meanCode;
      kl += 0.5 * (variances[c] + secondMoment - 1 - Math.log(variances[c]));
    }
    return reconstruction - kl;
  }

  /**
   * The exact posterior of {@code decoder} (Tipping and Bishop 1999, eq. 6): {@code A = M^-1 W'}, {@code b = -A mu}, covariance
   * {@code s^2 M^-1}, M = W'W + s^2 I. Its variances are M^-1's diagonal times s^2, so it is this
   * record's form (a diagonal covariance) only when W'W is diagonal, as the closed form's W is.
   *
   * @throws IllegalArgumentException if the decoder's noise is not isotropic
   */
  public static LinearEncoder posteriorOf(LinearGaussianModel decoder) {
    double[][] w = decoder.weights();
    int d = w.length;
    int k = w[0].length;
    double sigma2 = decoder.noise()[0];
    for (double n : decoder.noise()) {
      if (n != sigma2) {
        throw new IllegalArgumentException("the posterior in this form needs isotropic noise (PPCA)");
      }
    }
    double[][] m = multiply(transpose(w), w);
    for (int c = 0; c < k; c++) {
      m[c][c] += sigma2;
    }
    double[][] a = Matrices.solve(m, transpose(w));
    double[][] mInverse = Matrices.solve(m, Matrices.identity(k));
    double[] bias = new double[k];
    double[] variances = new double[k];
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < d; j++) {
        bias[c] -= a[c][j] * decoder.mean()[j];
      }
      variances[c] = sigma2 * mInverse[c][c];
    }
    return new LinearEncoder(a, bias, variances);
  }
}
