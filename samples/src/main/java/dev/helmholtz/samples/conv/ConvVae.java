package dev.helmholtz.samples.conv;

import static dev.helmholtz.nn.Activation.RELU;
import static dev.helmholtz.nn.Padding.SAME;

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
 * A convolutional VAE on MNIST images of event shape [28, 28, 1] (channels last), in the manner of
 * ZhuSuan's {@code vae_conv} with residual blocks (He et al. 2016): the encoder downsamples by two
 * strided convolutions (28 to 14 to 7) with a residual block at each resolution, the decoder
 * mirrors it with transposed convolutions from a dense projection of z; a Bernoulli likelihood over
 * binarized pixels and a standard Normal prior on 50 latents, as the MLP {@code Vae} has, so their
 * log-likelihoods compare. Channels are kept small (16 and 32) so that it trains on a laptop's CPU.
 * Each block is {@link Nn#residualBlock} at stride 1, relu(x + conv(relu(conv(x)))) with the
 * identity shortcut; the strided convolutions before them change the resolution (ZhuSuan's resized
 * blocks would add a third, shortcut convolution at each).
 */
@Model(objective = @Objective(kind = ObjectiveKind.ELBO))
public class ConvVae {
  /** Latent dimensions, as the MLP VAE's. */
  static final int LATENT = 50;

  @Latent(shape = LATENT)
  Normal z;

  @Observed(shape = {28, 28, 1})
  Bernoulli x;

  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x) {
    var h = nn.residualBlock(nn.conv2d(x, 16, 3, 2, SAME, RELU), 16, 3, 1, RELU);      // [14, 14, 16]
    var g = nn.residualBlock(nn.conv2d(h, 32, 3, 2, SAME, RELU), 32, 3, 1, RELU);      // [7, 7, 32]
    var f = nn.flatten(g);
    return Normal.meanLogStd(nn.dense(f, LATENT), nn.dense(f, LATENT));
  }

  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    var h = nn.residualBlock(nn.reshape(nn.dense(z, 7 * 7 * 32, RELU), 7, 7, 32), 32, 3, 1, RELU);   // [7, 7, 32]
    var g = nn.residualBlock(nn.conv2dTranspose(h, 16, 3, 2, SAME, RELU), 16, 3, 1, RELU);           // [14, 14, 16]
    return Bernoulli.logits(nn.conv2dTranspose(g, 1, 3, 2, SAME));                                   // [28, 28, 1]
  }
}
