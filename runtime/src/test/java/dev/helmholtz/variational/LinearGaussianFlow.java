package dev.helmholtz.variational;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.dist.TransformedDistribution;
import dev.helmholtz.dist.flow.Bijector;
import dev.helmholtz.dist.flow.InverseAutoregressiveFlow;
import dev.helmholtz.dist.flow.PlanarFlow;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.train.ThreadSettings;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * {@link LinearGaussian} with a flow posterior (a Normal through two planar flows and an IAF step
 * conditioned on x) and a flow prior of no node, z = loc + exp(logScale) ⊙ ε for ε ~ N(0, I):
 * written by hand as the processor generates a model whose encoder and generator return
 * TransformedDistribution. The marginal stays Gaussian, x ~ N(b + loc K, Kᵀ diag(scale²) K +
 * s² I), so log p(x) is known exactly for the current parameters.
 */
final class LinearGaussianFlow extends VariationalModel {
  static final int LATENT = 2;
  static final int OBSERVED = 3;

  LinearGaussianFlow(Seed seed, ObjectiveKind objective, int samples) {
    super(ModelSpec.builder("LinearGaussianFlow")
        .objective(objective, samples)
        .latent("z", LATENT)
        .observed("x", OBSERVED)
        .build(), seed, ThreadSettings.of(1, 1));
    build();
  }

  @Override
  protected void defineInference(InferencePass pass) {
    Operand<TFloat32> x = pass.observed("x");
    TransformedDistribution qZ = encode(pass.network("encode"), x);
    Operand<TFloat32> z = pass.draw("z", qZ);
    TransformedDistribution pZ = prior(pass.network("prior"));
    pass.latentMonteCarloKl("z", z, qZ, pZ);
    Normal pX = pass.unfold(decode(pass.network("decode"), pass.fold(z)));
    pass.observe("x", x, pX);
  }

  @Override
  protected void defineGeneration(GenerativePass pass) {
    TransformedDistribution pZ = prior(pass.network("prior"));
    Operand<TFloat32> z = pass.draw("z", pZ);
    pass.draw("x", decode(pass.network("decode"), z));
  }

  private static TransformedDistribution encode(Nn nn, Operand<TFloat32> x) {
    Normal base = Normal.meanLogStd(nn.dense(x, LATENT), nn.dense(x, LATENT));
    return TransformedDistribution.of(base, PlanarFlow.stack(nn, LATENT, 2),
        InverseAutoregressiveFlow.create(nn, LATENT, false, x, 8));
  }

  private static TransformedDistribution prior(Nn nn) {
    var tf = nn.tf();
    Normal standard = Normal.standard(tf, tf.constant(new long[] {LATENT}));
    return TransformedDistribution.of(standard,
        Bijector.affine(nn.variable("loc", LATENT), tf.math.exp(nn.variable("logScale", LATENT))));
  }

  private static Normal decode(Nn nn, Operand<TFloat32> z) {
    return Normal.meanLogStd(nn.dense(z, OBSERVED), nn.tf().constant((float) Math.log(LinearGaussian.NOISE_STD)));
  }

  /** log N(x; b + loc K, Kᵀ diag(scale²) K + s² I) under the current parameters, in double precision. */
  double exactLogLikelihood(float[] x) {
    float[] kernel = parameter("decode/dense_0/kernel"); // [LATENT, OBSERVED], row-major
    float[] bias = parameter("decode/dense_0/bias");
    float[] loc = parameter("prior/loc");
    float[] logScale = parameter("prior/logScale");
    double[] mean = new double[OBSERVED];
    double[][] cov = new double[OBSERVED][OBSERVED];
    for (int i = 0; i < OBSERVED; i++) {
      mean[i] = bias[i];
      for (int l = 0; l < LATENT; l++) {
        mean[i] += loc[l] * kernel[l * OBSERVED + i];
      }
      for (int j = 0; j < OBSERVED; j++) {
        double c = i == j ? LinearGaussian.NOISE_STD * LinearGaussian.NOISE_STD : 0;
        for (int l = 0; l < LATENT; l++) {
          c += Math.exp(2 * logScale[l]) * kernel[l * OBSERVED + i] * kernel[l * OBSERVED + j];
        }
        cov[i][j] = c;
      }
    }
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
    double[] y = new double[OBSERVED];
    double logDet = 0;
    double quadratic = 0;
    for (int i = 0; i < OBSERVED; i++) {
      double s = x[i] - mean[i];
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
