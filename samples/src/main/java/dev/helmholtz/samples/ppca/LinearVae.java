package dev.helmholtz.samples.ppca;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Probabilistic PCA as a VAE (the linear-Gaussian root of the VAE in the lecture notes): a linear
 * decoder {@code p(x | z) = N(W z + mu, s^2 I)} with one learned noise scale, a standard Normal
 * prior, and a linear encoder {@code q(z | x) = N(A x + b, diag(v))} whose variances do not depend
 * on x, since the true posterior's do not. Its generative model is PPCA, so the ELBO's optimum is
 * PPCA's maximum likelihood (Tipping and Bishop 1999) and at that optimum the bound is tight: the
 * closed-form solution's posterior has a diagonal covariance. {@link PpcaData} is its data.
 */
@Model(objective = @Objective(kind = ObjectiveKind.ELBO))
public class LinearVae {
  /** Observed dimensions. */
  public static final int OBSERVED = PpcaData.DIMENSIONS;
  /** Latent dimensions: the principal subspace's. */
  public static final int LATENT = PpcaData.COMPONENTS;
  /** The encoder's A, {@code [D, K]} row-major. */
  public static final String ENCODER_KERNEL = "encode/dense_0/kernel";
  /** The encoder's b. */
  public static final String ENCODER_BIAS = "encode/dense_0/bias";
  /** The encoder's log standard deviations, {@code [K]}. */
  public static final String ENCODER_LOG_STD = "encode/log_std";
  /** The decoder's W, {@code [K, D]} row-major. */
  public static final String DECODER_KERNEL = "decode/dense_0/kernel";
  /** The decoder's mu. */
  public static final String DECODER_BIAS = "decode/dense_0/bias";
  /** The decoder's log noise standard deviation, {@code [1]}. */
  public static final String NOISE_LOG_STD = "decode/noise_log_std";

  @Latent(shape = LATENT)
  Normal z;

  @Observed(shape = OBSERVED)
  Normal x;

  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x) {
    Operand<TFloat32> mean = nn.dense(x, LATENT);
    Ops tf = nn.tf();
    return Normal.meanLogStd(mean, tf.math.add(tf.zerosLike(mean), nn.variable("log_std", LATENT)));
  }

  @Generator("x")
  Normal decode(Nn nn, Operand<TFloat32> z) {
    Operand<TFloat32> mean = nn.dense(z, OBSERVED);
    Ops tf = nn.tf();
    return Normal.meanLogStd(mean, tf.math.add(tf.zerosLike(mean), nn.variable("noise_log_std", 1)));
  }
}
