package dev.helmholtz.variational;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.train.ThreadSettings;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * z ~ N(0, I_2), x | z ~ N(zK + b, 0.5^2 I_3), with a linear Gaussian encoder: written by hand
 * exactly as the processor would generate it. Its marginal is x ~ N(b, K^T K + 0.25 I), so
 * log p(x) is known in closed form for the model's current parameters.
 */
public final class LinearGaussian extends VariationalModel {
  static final int LATENT = 2;
  static final int OBSERVED = 3;
  static final double NOISE_STD = 0.5;

  private final boolean analyticKl;

  public LinearGaussian(Seed seed, ObjectiveKind objective, int samples, boolean analyticKl) {
    this(seed, objective, samples, analyticKl, ThreadSettings.of(1, 1));
  }

  LinearGaussian(Seed seed, ObjectiveKind objective, int samples, boolean analyticKl, ThreadSettings threads) {
    super(ModelSpec.builder("LinearGaussian")
        .objective(objective, samples)
        .latent("z", LATENT)
        .observed("x", OBSERVED)
        .build(), seed, threads);
    this.analyticKl = analyticKl;
    build();
  }

  @Override
  protected void defineInference(InferencePass pass) {
    Operand<TFloat32> x = pass.observed("x");
    Nn encode = pass.network("encode");
    Normal qZ = Normal.meanLogStd(encode.dense(x, LATENT), encode.dense(x, LATENT));
    Operand<TFloat32> z = pass.draw("z", qZ);
    Normal pZ = Normal.standard(pass.tf(), pass.shape(z));
    if (analyticKl) {
      pass.latentAnalyticKl("z", z, qZ, pZ);
    } else {
      pass.latentMonteCarloKl("z", z, qZ, pZ);
    }
    Normal pX = pass.unfold(decode(pass.network("decode"), pass.fold(z)));
    pass.observe("x", x, pX);
  }

  @Override
  protected void defineGeneration(GenerativePass pass) {
    Normal pZ = Normal.standard(pass.tf(), pass.shape("z"));
    Operand<TFloat32> z = pass.draw("z", pZ);
    pass.draw("x", decode(pass.network("decode"), z));
  }

  private static Normal decode(Nn nn, Operand<TFloat32> z) {
    return Normal.meanLogStd(nn.dense(z, OBSERVED), nn.tf().constant((float) Math.log(NOISE_STD)));
  }

  /** log N(x; b, K^T K + s^2 I) under the current parameters, in double precision. */
  double exactLogLikelihood(float[] x) {
    float[] kernel = parameter("decode/dense_0/kernel"); // [LATENT, OBSERVED], row-major
    float[] bias = parameter("decode/dense_0/bias");
    double[][] cov = new double[OBSERVED][OBSERVED];
    for (int i = 0; i < OBSERVED; i++) {
      for (int j = 0; j < OBSERVED; j++) {
        double c = i == j ? NOISE_STD * NOISE_STD : 0;
        for (int l = 0; l < LATENT; l++) {
          c += kernel[l * OBSERVED + i] * kernel[l * OBSERVED + j];
        }
        cov[i][j] = c;
      }
    }
    // Cholesky: cov = L L^T
    double[][] chol = new double[OBSERVED][OBSERVED];
    for (int i = 0; i < OBSERVED; i++) {
      for (int j = 0; j <= i; j++) {
        double s = cov[i][j];
        for (int l = 0; l < j; l++) {
          s -= chol[i][l] * chol[j][l];
        }
        chol[i][j] = i == j ? Math.sqrt(s) : s / chol[j][j];
      }
    }
    double[] y = new double[OBSERVED]; // L y = x - b
    double logDet = 0;
    double quadratic = 0;
    for (int i = 0; i < OBSERVED; i++) {
      double s = x[i] - bias[i];
      for (int l = 0; l < i; l++) {
        s -= chol[i][l] * y[l];
      }
      y[i] = s / chol[i][i];
      quadratic += y[i] * y[i];
      logDet += 2 * Math.log(chol[i][i]);
    }
    return -0.5 * (OBSERVED * Math.log(2 * Math.PI) + logDet + quadratic);
  }
}
