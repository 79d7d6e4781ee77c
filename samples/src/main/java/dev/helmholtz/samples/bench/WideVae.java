package dev.helmholtz.samples.bench;

import static dev.helmholtz.nn.Activation.RELU;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A one-hidden-layer VAE, 784-500-50 with relu: the size whose hand-written step time the
 * TensorFlow Java notes quote, benchmarked by {@code bench-vae} (bench/) against {@code HandWrittenVae}.
 * Encoder 784-500 relu to the mean and log standard deviation of a 50-dimensional Normal;
 * decoder 50-500 relu to 784 Bernoulli logits; standard Normal prior.
 */
@Model(objective = @Objective(kind = ObjectiveKind.ELBO))
public class WideVae {
  @Latent(shape = 50)
  Normal z;

  @Observed(shape = 784)
  Bernoulli x;

  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x) {
    Operand<TFloat32> h = nn.dense(x, 500, RELU);
    return Normal.meanLogStd(nn.dense(h, 50), nn.dense(h, 50));
  }

  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    Operand<TFloat32> h = nn.dense(z, 500, RELU);
    return Bernoulli.logits(nn.dense(h, 784));
  }
}
