package dev.helmholtz.variational;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Distribution;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.train.ThreadSettings;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@link TinySigmoidBeliefNet}'s model with image-shaped events, written by hand as the processor
 * generates it: x of event shape [2, 2, 1] and z of [1, 2, 1] (or, with {@code imageShaped}
 * false, the vector events [4] and [2] of the same model). The networks reshape to the dense
 * layers' vectors and back, so both versions have the same variables, initial values and random
 * draws: every number they compute must agree. With {@code normal}, z is a Normal latent with a
 * standard prior and an analytic KL (a VAE) instead of a Bernoulli one.
 */
final class ImageSigmoidBeliefNet extends VariationalModel {
  static final int[] X_SHAPE = {2, 2, 1};
  static final int[] Z_SHAPE = {1, 2, 1};

  private final boolean imageShaped;
  private final boolean normal;

  ImageSigmoidBeliefNet(Seed seed, ObjectiveKind objective, int samples, boolean imageShaped, boolean normal) {
    super(spec(objective, samples, imageShaped), seed, ThreadSettings.of(1, 1));
    this.imageShaped = imageShaped;
    this.normal = normal;
    build();
  }

  private static ModelSpec spec(ObjectiveKind objective, int samples, boolean imageShaped) {
    return ModelSpec.builder("ImageSigmoidBeliefNet")
        .objective(objective, samples)
        .latent("z", imageShaped ? Z_SHAPE : new int[] {2})
        .observed("x", imageShaped ? X_SHAPE : new int[] {4})
        .build();
  }

  @Override
  protected void defineInference(InferencePass pass) {
    Operand<TFloat32> x = pass.observed("x");
    Distribution qZ = encode(pass.network("encode"), x);
    Operand<TFloat32> z = pass.draw("z", qZ);
    if (normal) {
      pass.latentAnalyticKl("z", z, qZ, Normal.standard(pass.tf(), pass.shape(z)));
    } else {
      pass.latentMonteCarloKl("z", z, qZ, Bernoulli.uniform(pass.tf(), pass.shape(z)));
    }
    Bernoulli pX = pass.unfold(decode(pass.network("decode"), pass.fold(z)));
    pass.observe("x", x, pX);
  }

  @Override
  protected void defineGeneration(GenerativePass pass) {
    Distribution prior = normal ? Normal.standard(pass.tf(), pass.shape("z"))
        : Bernoulli.uniform(pass.tf(), pass.shape("z"));
    Operand<TFloat32> z = pass.draw("z", prior);
    pass.draw("x", decode(pass.network("decode"), z));
  }

  private Distribution encode(Nn nn, Operand<TFloat32> x) {
    Operand<TFloat32> h = imageShaped ? reshape(nn.tf(), x, -1, 4) : x;
    if (normal) {
      return Normal.meanLogStd(shaped(nn.tf(), nn.dense(h, 2), Z_SHAPE), shaped(nn.tf(), nn.dense(h, 2), Z_SHAPE));
    }
    return Bernoulli.logits(shaped(nn.tf(), nn.dense(h, 2), Z_SHAPE));
  }

  private Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    Operand<TFloat32> h = imageShaped ? reshape(nn.tf(), z, -1, 2) : z;
    return Bernoulli.logits(shaped(nn.tf(), nn.dense(h, 4), X_SHAPE));
  }

  /** {@code [n, width]} to {@code [n, shape...]} in the image-shaped version. */
  private Operand<TFloat32> shaped(Ops tf, Operand<TFloat32> flat, int[] shape) {
    if (!imageShaped) {
      return flat;
    }
    long[] dims = new long[shape.length + 1];
    dims[0] = -1;
    for (int i = 0; i < shape.length; i++) {
      dims[i + 1] = shape[i];
    }
    return tf.reshape(flat, tf.constant(dims));
  }

  private static Operand<TFloat32> reshape(Ops tf, Operand<TFloat32> x, long... dims) {
    return tf.reshape(x, tf.constant(dims));
  }
}
