package dev.helmholtz.variational;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.train.ThreadSettings;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A sigmoid belief net small enough to enumerate: z ~ Bernoulli(1/2)^2, x | z ~ Bernoulli(logits
 * = zW + b) with x in {0,1}^4, and q(z | x) = Bernoulli(logits = xV + c); written by hand exactly
 * as the processor would generate it. With four latent states, log p(x), the ELBO and the
 * expected k-sample bound are finite sums, computed here in double precision from the model's
 * current parameters, and their gradients with respect to the encoder by central differences.
 *
 * <p>Bernoulli latents have no reparameterized sampler: the processor only accepts this model
 * under NVIL, VIMCO and the wake-sleep objectives, but the runtime builds it under any objective
 * (under ELBO the training gradient ignores the score-function part; evaluation is right).
 */
final class TinySigmoidBeliefNet extends VariationalModel {
  static final int LATENT = 2;
  static final int OBSERVED = 4;
  /** Latent configurations: z is enumerated as the bits of 0 .. STATES - 1. */
  static final int STATES = 1 << LATENT;

  static final String ENCODER_KERNEL = "encode/dense_0/kernel";
  static final String ENCODER_BIAS = "encode/dense_0/bias";
  static final String DECODER_KERNEL = "decode/dense_0/kernel";
  static final String DECODER_BIAS = "decode/dense_0/bias";

  TinySigmoidBeliefNet(Seed seed, ObjectiveKind objective, int samples) {
    this(seed, objective, samples, ThreadSettings.of(1, 1));
  }

  TinySigmoidBeliefNet(Seed seed, ObjectiveKind objective, int samples, ThreadSettings threads) {
    super(ModelSpec.builder("TinySigmoidBeliefNet")
        .objective(objective, samples)
        .latent("z", LATENT)
        .observed("x", OBSERVED)
        .build(), seed, threads);
    build();
  }

  @Override
  protected void defineInference(InferencePass pass) {
    Operand<TFloat32> x = pass.observed("x");
    Bernoulli qZ = Bernoulli.logits(pass.network("encode").dense(x, LATENT));
    Operand<TFloat32> z = pass.draw("z", qZ);
    Bernoulli pZ = Bernoulli.uniform(pass.tf(), pass.shape(z));
    pass.latentMonteCarloKl("z", z, qZ, pZ);
    Bernoulli pX = pass.unfold(decode(pass.network("decode"), pass.fold(z)));
    pass.observe("x", x, pX);
  }

  @Override
  protected void defineGeneration(GenerativePass pass) {
    Operand<TFloat32> z = pass.draw("z", Bernoulli.uniform(pass.tf(), pass.shape("z")));
    pass.draw("x", decode(pass.network("decode"), z));
  }

  private static Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    return Bernoulli.logits(nn.dense(z, OBSERVED));
  }

  /**
   * The net's parameters in double precision, kernels row-major: encoder V [OBSERVED, LATENT],
   * c [LATENT]; decoder W [LATENT, OBSERVED], b [OBSERVED].
   */
  record Parameters(double[] encoderKernel, double[] encoderBias, double[] decoderKernel, double[] decoderBias) {
    /** The encoder's parameters, V then c, as one vector: the order of {@link #encoderGradient}. */
    int encoderSize() {
      return encoderKernel.length + encoderBias.length;
    }

    /** A copy with encoder parameter {@code i} (V then c) moved by {@code h}. */
    Parameters withEncoder(int i, double h) {
      double[] kernel = encoderKernel.clone();
      double[] bias = encoderBias.clone();
      if (i < kernel.length) {
        kernel[i] += h;
      } else {
        bias[i - kernel.length] += h;
      }
      return new Parameters(kernel, bias, decoderKernel, decoderBias);
    }
  }

  /** The model's current parameters. */
  Parameters parameters() {
    return new Parameters(toDouble(parameter(ENCODER_KERNEL)), toDouble(parameter(ENCODER_BIAS)),
        toDouble(parameter(DECODER_KERNEL)), toDouble(parameter(DECODER_BIAS)));
  }

  private static double[] toDouble(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  /** log p(z) + log p(x | z) for the latent state {@code z} (its bits). */
  static double logJoint(Parameters p, int z, float[] x) {
    double sum = LATENT * Math.log(0.5);
    for (int i = 0; i < OBSERVED; i++) {
      double logit = p.decoderBias()[i];
      for (int l = 0; l < LATENT; l++) {
        logit += bit(z, l) * p.decoderKernel()[l * OBSERVED + i];
      }
      sum += x[i] * logit - softplus(logit);
    }
    return sum;
  }

  /** log q(z | x) for the latent state {@code z}. */
  static double logPosterior(Parameters p, int z, float[] x) {
    double sum = 0;
    for (int l = 0; l < LATENT; l++) {
      double logit = p.encoderBias()[l];
      for (int i = 0; i < OBSERVED; i++) {
        logit += x[i] * p.encoderKernel()[i * LATENT + l];
      }
      sum += bit(z, l) * logit - softplus(logit);
    }
    return sum;
  }

  /** log p(x) = log sum_z p(x, z). */
  static double exactLogLikelihood(Parameters p, float[] x) {
    double[] terms = new double[STATES];
    for (int z = 0; z < STATES; z++) {
      terms[z] = logJoint(p, z, x);
    }
    return logSumExp(terms);
  }

  /** E_q[log p(x, z) - log q(z | x)], summed over the four states. */
  static double exactElbo(Parameters p, float[] x) {
    double sum = 0;
    for (int z = 0; z < STATES; z++) {
      double logQ = logPosterior(p, z, x);
      sum += Math.exp(logQ) * (logJoint(p, z, x) - logQ);
    }
    return sum;
  }

  /**
   * The expected k-sample bound E[log (1/k) sum_j w_j], z_1 .. z_k drawn independently from q:
   * a sum over all STATES^k tuples (k &le; 3 keeps it at most 64 terms).
   */
  static double exactBound(Parameters p, float[] x, int k) {
    if (k < 1 || k > 5) {
      throw new IllegalArgumentException("k must be in [1, 5] to enumerate, was " + k);
    }
    double[] logQ = new double[STATES];
    double[] logW = new double[STATES];
    for (int z = 0; z < STATES; z++) {
      logQ[z] = logPosterior(p, z, x);
      logW[z] = logJoint(p, z, x) - logQ[z];
    }
    int tuples = 1 << (LATENT * k);
    double sum = 0;
    double[] weights = new double[k];
    for (int t = 0; t < tuples; t++) {
      double logProbability = 0;
      for (int j = 0; j < k; j++) {
        int z = (t >> (LATENT * j)) & (STATES - 1);
        logProbability += logQ[z];
        weights[j] = logW[z];
      }
      sum += Math.exp(logProbability) * (logSumExp(weights) - Math.log(k));
    }
    return sum;
  }

  /** The model's current parameters' exact log p(x), averaged over the rows of a flat [n, OBSERVED] array. */
  double meanExactLogLikelihood(float[] flat) {
    Parameters p = parameters();
    double sum = 0;
    int n = flat.length / OBSERVED;
    for (int i = 0; i < n; i++) {
      sum += exactLogLikelihood(p, row(flat, i));
    }
    return sum / n;
  }

  static float[] row(float[] flat, int i) {
    return java.util.Arrays.copyOfRange(flat, i * OBSERVED, (i + 1) * OBSERVED);
  }

  /**
   * The gradient of {@code f} with respect to the encoder's parameters (V row-major, then c), by
   * central differences in double precision; step 1e-5 leaves an error near 1e-10 on these
   * smooth sums.
   */
  static double[] encoderGradient(ToDoubleFunction<Parameters> f, Parameters p) {
    double h = 1e-5;
    double[] gradient = new double[p.encoderSize()];
    for (int i = 0; i < gradient.length; i++) {
      gradient[i] = (f.applyAsDouble(p.withEncoder(i, h)) - f.applyAsDouble(p.withEncoder(i, -h))) / (2 * h);
    }
    return gradient;
  }

  /**
   * {@code n} examples from a fixed, well-separated sigmoid belief net (each latent switches two
   * of the four pixels), drawn in Java from {@code seed}; [n, OBSERVED] rows.
   */
  static float[][] sample(int n, long seed) {
    double[][] w = {{3.0, 3.0, -3.0, -3.0}, {-2.5, 2.5, -2.5, 2.5}};
    double[] b = {-0.5, -1.5, 1.5, 0.5};
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[n][OBSERVED];
    for (int e = 0; e < n; e++) {
      int z = random.nextInt(STATES);
      for (int i = 0; i < OBSERVED; i++) {
        double logit = b[i] + bit(z, 0) * w[0][i] + bit(z, 1) * w[1][i];
        rows[e][i] = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1f : 0f;
      }
    }
    return rows;
  }

  private static int bit(int z, int l) {
    return (z >> l) & 1;
  }

  private static double softplus(double a) {
    return a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a));
  }

  static double logSumExp(double[] values) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : values) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum);
  }
}
