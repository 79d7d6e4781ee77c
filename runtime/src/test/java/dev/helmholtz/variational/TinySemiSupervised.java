package dev.helmholtz.variational;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Categorical;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.train.ThreadSettings;
import java.util.List;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A semi-supervised model small enough to compute by hand, written exactly as the processor
 * generates it: a label y of 3 classes summed out by enumeration, q(y | x) = Categorical(logits
 * = x Wc + bc); a latent z ~ N(0, 1) with q(z | x, y) = N(mean = 0.1 ([x, y] Wm + bm), log
 * std = 0.1 ([x, y] Ws + bs)); and x in {0,1}^2 with p(x | y) = Bernoulli(logits = y Wd + bd). p(x | y)
 * does not read z, so z enters the bound only through its analytic KL and the whole bound is a
 * closed form ({@link #bound}), while z's encoder still runs on the classes folded into its
 * batch as a real model's does.
 */
final class TinySemiSupervised extends VariationalModel {
  static final int CLASSES = 3;
  static final int OBSERVED = 2;
  static final float Z_SCALE = 0.1f;

  private final boolean sharedFirstLayer;

  static final String CLASSIFIER_KERNEL = "classify/dense_0/kernel";
  static final String CLASSIFIER_BIAS = "classify/dense_0/bias";

  TinySemiSupervised(Seed seed, double classificationWeight) {
    this(seed, classificationWeight, ThreadSettings.of(1, 1));
  }

  TinySemiSupervised(Seed seed, double classificationWeight, ThreadSettings threads) {
    this(seed, classificationWeight, threads, false);
  }

  /** With {@code sharedFirstLayer}, q(z | x, y) joins x and y by {@link Nn#concat}, so it multiplies x once per example. */
  TinySemiSupervised(Seed seed, double classificationWeight, ThreadSettings threads, boolean sharedFirstLayer) {
    this(seed, classificationWeight, threads, sharedFirstLayer, ObjectiveKind.ELBO, 1);
  }

  /** Trained by {@code objective} with {@code samples} samples (the label clamped where labelled, under adaptive IS). */
  TinySemiSupervised(Seed seed, double classificationWeight, ObjectiveKind objective, int samples) {
    this(seed, classificationWeight, ThreadSettings.of(1, 1), false, objective, samples);
  }

  private TinySemiSupervised(Seed seed, double classificationWeight, ThreadSettings threads, boolean sharedFirstLayer,
      ObjectiveKind objective, int samples) {
    super(ModelSpec.builder("TinySemiSupervised")
        .objective(objective, samples)
        .enumerated("y", CLASSES, classificationWeight)
        .latent("z", 1)
        .observed("x", OBSERVED)
        .build(), seed, threads);
    this.sharedFirstLayer = sharedFirstLayer;
    build();
  }

  @Override
  protected void defineInference(InferencePass pass) {
    Operand<TFloat32> x = pass.observed("x");
    Categorical qY = Categorical.logits(pass.network("classify").dense(x, CLASSES));
    Operand<TFloat32> y = pass.enumerate("y", qY);
    Normal qZ = pass.unfold(encode(pass.network("encode"), pass.tileAndFold(x), pass.fold(y)));
    Operand<TFloat32> z = pass.draw("z", qZ);
    Categorical pY = Categorical.uniform(pass.tf(), pass.shape(y), CLASSES);
    pass.latentEnumerated("y", y, qY, pY);
    Normal pZ = Normal.standard(pass.tf(), pass.shape(z));
    pass.latentAnalyticKl("z", z, qZ, pZ);
    Bernoulli pX = pass.unfold(Bernoulli.logits(pass.network("decode").dense(pass.fold(y), OBSERVED)));
    pass.observe("x", x, pX);
  }

  @Override
  protected void defineGeneration(GenerativePass pass) {
    Operand<TFloat32> y = pass.draw("y", Categorical.uniform(pass.tf(), pass.shape("y"), CLASSES));
    pass.draw("z", Normal.standard(pass.tf(), pass.shape("z")));
    pass.draw("x", Bernoulli.logits(pass.network("decode").dense(y, OBSERVED)));
  }

  private Normal encode(Nn nn, Operand<TFloat32> x, Operand<TFloat32> y) {
    Operand<TFloat32> in = sharedFirstLayer ? nn.concat(x, y) : nn.tf().concat(List.of(x, y), nn.tf().constant(-1));
    // Scaled down: q(z | x, y) stays close to p(z), so importance weights vary little and the
    // log-likelihood test converges.
    Operand<TFloat32> scale = nn.tf().constant(Z_SCALE);
    return Normal.meanLogStd(nn.tf().math.mul(scale, nn.dense(in, 1)), nn.tf().math.mul(scale, nn.dense(in, 1)));
  }

  /** q(y | x) from the current parameters, in double precision. */
  double[] classProbabilities(double[] x, Function<String, float[]> parameters) {
    double[] logits = affine(x, parameters.apply(CLASSIFIER_KERNEL), parameters.apply(CLASSIFIER_BIAS), CLASSES);
    double max = Math.max(logits[0], Math.max(logits[1], logits[2]));
    double sum = 0;
    for (double l : logits) {
      sum += Math.exp(l - max);
    }
    double[] q = new double[CLASSES];
    for (int j = 0; j < CLASSES; j++) {
      q[j] = Math.exp(logits[j] - max) / sum;
    }
    return q;
  }

  /** L(x, y = j) = log p(x | y) + log p(y) - KL(q(z | x, y) || p(z)), in double precision. */
  double labelledBound(double[] x, int j, Function<String, float[]> parameters) {
    double[] y = new double[CLASSES];
    y[j] = 1;
    double[] in = {x[0], x[1], y[0], y[1], y[2]};
    double mean = Z_SCALE * affine(in, parameters.apply("encode/dense_0/kernel"), parameters.apply("encode/dense_0/bias"), 1)[0];
    double logStd = Z_SCALE
        * affine(in, parameters.apply("encode/dense_1/kernel"), parameters.apply("encode/dense_1/bias"), 1)[0];
    double kl = 0.5 * (Math.exp(2 * logStd) + mean * mean - 1) - logStd;
    double[] logits = affine(y, parameters.apply("decode/dense_0/kernel"), parameters.apply("decode/dense_0/bias"), OBSERVED);
    double logLikelihood = 0;
    for (int i = 0; i < OBSERVED; i++) {
      logLikelihood += x[i] * logits[i] - Math.log1p(Math.exp(logits[i]));
    }
    return logLikelihood - Math.log(CLASSES) - kl;
  }

  /**
   * The example's bound: L(x, label) for a label from 0, and U(x) = sum_y q(y | x) L(x, y) +
   * H(q(y | x)) for label -1 (unlabelled).
   */
  double bound(double[] x, int label, Function<String, float[]> parameters) {
    if (label >= 0) {
      return labelledBound(x, label, parameters);
    }
    double[] q = classProbabilities(x, parameters);
    double u = 0;
    for (int j = 0; j < CLASSES; j++) {
      u += q[j] * (labelledBound(x, j, parameters) - Math.log(q[j]));
    }
    return u;
  }

  /** log p(x) = log sum_y p(y) p(x | y), exactly: p(x | y) does not depend on z. */
  double logLikelihood(double[] x, Function<String, float[]> parameters) {
    double sum = 0;
    for (int j = 0; j < CLASSES; j++) {
      sum += Math.exp(logLikelihoodGiven(x, j, parameters)) / CLASSES;
    }
    return Math.log(sum);
  }

  /** The exact posterior p(y | x) (p(y) uniform, p(x | y) free of z), in double precision. */
  double[] labelPosterior(double[] x, Function<String, float[]> parameters) {
    double[] posterior = new double[CLASSES];
    double sum = 0;
    for (int j = 0; j < CLASSES; j++) {
      posterior[j] = Math.exp(logLikelihoodGiven(x, j, parameters));
      sum += posterior[j];
    }
    for (int j = 0; j < CLASSES; j++) {
      posterior[j] /= sum;
    }
    return posterior;
  }

  /** log p(x | y = j), in double precision. */
  double logLikelihoodGiven(double[] x, int j, Function<String, float[]> parameters) {
    double[] y = new double[CLASSES];
    y[j] = 1;
    double[] logits = affine(y, parameters.apply("decode/dense_0/kernel"), parameters.apply("decode/dense_0/bias"), OBSERVED);
    double logLikelihood = 0;
    for (int i = 0; i < OBSERVED; i++) {
      logLikelihood += x[i] * logits[i] - Math.log1p(Math.exp(logits[i]));
    }
    return logLikelihood;
  }

  private static double[] affine(double[] in, float[] kernel, float[] bias, int units) {
    double[] out = new double[units];
    for (int o = 0; o < units; o++) {
      out[o] = bias[o];
      for (int i = 0; i < in.length; i++) {
        out[o] += in[i] * kernel[i * units + o];
      }
    }
    return out;
  }
}
