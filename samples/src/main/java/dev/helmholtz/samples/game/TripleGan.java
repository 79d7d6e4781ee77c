package dev.helmholtz.samples.game;

import static dev.helmholtz.nn.Activation.LEAKY_RELU;
import static dev.helmholtz.nn.Activation.RELU;
import static dev.helmholtz.nn.Activation.TANH;

import dev.helmholtz.annotations.Classifier;
import dev.helmholtz.annotations.Discriminator;
import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Categorical;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Triple-GAN (Li et al. 2017) for semi-supervised MNIST: the classifier p_c(y | x)
 * ({@code classify}), the conditional generator G(z, y) ({@code generate}) and a discriminator of
 * (x, y) pairs ({@code judge}). Rows of the data with a one-hot y are labelled, rows of zeros
 * unlabelled. Fully connected networks (the paper's MNIST networks are of this kind for G and D;
 * its classifier is convolutional), pixels scaled to [-1, 1] (the generator's tanh range).
 */
@Model
public class TripleGan {
  @Latent(shape = 100) Normal z;
  @Observed(shape = 784) Bernoulli x;
  @Observed(shape = 10) Categorical y;

  @Generator("x")
  Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z, Operand<TFloat32> y) {
    var h = nn.dense(nn.tf().concat(List.of(z, y), nn.tf().constant(1)), 500, RELU);
    return nn.dense(nn.dense(h, 500, RELU), 784, TANH);
  }

  @Discriminator("x")
  Operand<TFloat32> judge(Nn nn, Operand<TFloat32> x, Operand<TFloat32> y) {
    var h = nn.dense(nn.tf().concat(List.of(x, y), nn.tf().constant(1)), 500, LEAKY_RELU);
    return nn.dense(nn.dense(h, 250, LEAKY_RELU), 1);
  }

  @Encoder("y")
  @Classifier(alpha = 0.5, supervisedWeight = 1, pseudoWeight = 0.1)
  Categorical classify(Nn nn, Operand<TFloat32> x) {
    return Categorical.logits(nn.dense(nn.dense(nn.dense(x, 500, RELU), 500, RELU), 10));
  }
}
