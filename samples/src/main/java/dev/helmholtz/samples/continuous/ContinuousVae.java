package dev.helmholtz.samples.continuous;

import static dev.helmholtz.nn.Activation.TANH;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.DiscretizedLogistic;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A VAE of MNIST's 8-bit intensities, not binarized: the architecture of the sample {@code Vae}
 * (encoder 784-200-200-50, decoder 50-200-200-784, tanh, standard Normal prior) with the
 * discretized logistic likelihood of PixelCNN++ (Salimans et al. 2017): each pixel's intensity
 * k/255 has the logistic mass of its bin, the tails at 0 and 255, with a location and a log scale
 * per pixel from the decoder.
 */
@Model(objective = @Objective(kind = ObjectiveKind.ELBO))
public class ContinuousVae {
  @Latent(shape = 50)
  Normal z;

  @Observed(shape = 784)
  DiscretizedLogistic x;

  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x) {
    Operand<TFloat32> h = nn.dense(nn.dense(x, 200, TANH), 200, TANH);
    return Normal.meanLogStd(nn.dense(h, 50), nn.dense(h, 50));
  }

  @Generator("x")
  DiscretizedLogistic decode(Nn nn, Operand<TFloat32> z) {
    Operand<TFloat32> h = nn.dense(nn.dense(z, 200, TANH), 200, TANH);
    return DiscretizedLogistic.locLogScale(nn.dense(h, 784), nn.dense(h, 784));
  }
}
