package dev.helmholtz.samples.ppca;

import dev.helmholtz.core.CompiledModel;
import dev.helmholtz.linear.LinearEncoder;
import dev.helmholtz.linear.LinearGaussianModel;
import java.util.Arrays;

/**
 * A trained {@link LinearVae}'s parameters read back as the linear-Gaussian model its decoder is
 * and the linear encoder its encoder is, in double precision: so that its exact marginal
 * likelihood and its ELBO can be computed in closed form next to PPCA's.
 *
 * @param decoder the generative model, PPCA
 * @param encoder the approximate posterior
 */
public record LinearVaeFit(LinearGaussianModel decoder, LinearEncoder encoder) {
  /** The parameters of {@code model}, a generated {@link LinearVae}. */
  public static LinearVaeFit of(CompiledModel model) {
    int d = LinearVae.OBSERVED;
    int k = LinearVae.LATENT;
    float[] decoderKernel = model.parameter(LinearVae.DECODER_KERNEL); // [K, D]
    float[] decoderBias = model.parameter(LinearVae.DECODER_BIAS);
    double noise = Math.exp(2 * model.parameter(LinearVae.NOISE_LOG_STD)[0]);
    float[] encoderKernel = model.parameter(LinearVae.ENCODER_KERNEL); // [D, K]
    float[] encoderBias = model.parameter(LinearVae.ENCODER_BIAS);
    float[] logStd = model.parameter(LinearVae.ENCODER_LOG_STD);
    double[][] w = new double[d][k];
    double[][] a = new double[k][d];
    for (int i = 0; i < d; i++) {
      for (int c = 0; c < k; c++) {
        w[i][c] = decoderKernel[c * d + i];
        a[c][i] = encoderKernel[i * k + c];
      }
    }
    double[] mu = new double[d];
    for (int i = 0; i < d; i++) {
      mu[i] = decoderBias[i];
    }
    double[] noises = new double[d];
    Arrays.fill(noises, noise);
    double[] b = new double[k];
    double[] variances = new double[k];
    for (int c = 0; c < k; c++) {
      b[c] = encoderBias[c];
      variances[c] = Math.exp(2 * logStd[c]);
    }
    return new LinearVaeFit(new LinearGaussianModel(w, mu, noises), new LinearEncoder(a, b, variances));
  }

  /** The mean ELBO per example of data with moments {@code data}, in closed form. */
  public double elbo(LinearGaussianModel.Moments data) {
    return encoder.elbo(decoder, data);
  }

  /** The decoder's exact mean log-likelihood per example of data with moments {@code data}. */
  public double logLikelihood(LinearGaussianModel.Moments data) {
    return decoder.logLikelihood(data);
  }
}
