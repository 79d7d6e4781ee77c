package dev.helmholtz.samples.conv;

import static dev.helmholtz.nn.Activation.TANH;
import static dev.helmholtz.nn.Padding.SAME;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** 2 x 2 images with an image-shaped latent of the same shape: the typed API in event shapes on both ends. */
@Model
class TinyImageVae {
  @Latent(shape = {2, 2, 1}) Normal z;
  @Observed(shape = {2, 2, 1}) Bernoulli x;

  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x) {
    var h = nn.conv2d(x, 4, 2, 1, SAME, TANH);
    return Normal.meanLogStd(nn.conv2d(h, 1, 2, 1, SAME), nn.conv2d(h, 1, 2, 1, SAME));
  }

  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    return Bernoulli.logits(nn.conv2d(nn.conv2d(z, 4, 2, 1, SAME, TANH), 1, 2, 1, SAME));
  }
}
