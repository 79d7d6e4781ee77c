package dev.helmholtz.samples.game;

import static dev.helmholtz.nn.Activation.LEAKY_RELU;
import static dev.helmholtz.nn.Activation.RELU;
import static dev.helmholtz.nn.Activation.SIGMOID;

import dev.helmholtz.annotations.CycleConsistency;
import dev.helmholtz.annotations.Discriminator;
import dev.helmholtz.annotations.GanLoss;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * CycleGAN (Zhu et al. 2017) between two unpaired image domains, x and y (MNIST digits and the
 * same kind of digits transformed, in the {@code cyclegan} command): G = {@code toY} maps x to
 * y, F = {@code toX} maps y to x, one least-squares discriminator per domain (CycleGAN's loss),
 * and the cycle losses 10 |F(G(x)) - x| and 10 |G(F(y)) - y| with identity terms of 5 (half the
 * cycle weight, as the paper's section 5.2). Fully connected networks on rows of 784 pixels in
 * [0, 1], small enough for a CPU.
 */
@Model
public class CycleGan {
  @Observed(shape = 784) Bernoulli x;
  @Observed(shape = 784) Bernoulli y;

  static Operand<TFloat32> translate(Nn nn, Operand<TFloat32> image) {
    return nn.dense(nn.dense(nn.dense(image, 256, RELU), 256, RELU), 784, SIGMOID);
  }

  static Operand<TFloat32> judge(Nn nn, Operand<TFloat32> image) {
    return nn.dense(nn.dense(image, 256, LEAKY_RELU), 1);
  }

  @Generator("y")
  @CycleConsistency(weight = 10, identityWeight = 5)
  Operand<TFloat32> toY(Nn nn, Operand<TFloat32> x) {
    return translate(nn, x);
  }

  @Generator("x")
  @CycleConsistency(weight = 10, identityWeight = 5)
  Operand<TFloat32> toX(Nn nn, Operand<TFloat32> y) {
    return translate(nn, y);
  }

  @Discriminator(value = "x", loss = GanLoss.LEAST_SQUARES)
  Operand<TFloat32> judgeX(Nn nn, Operand<TFloat32> x) {
    return judge(nn, x);
  }

  @Discriminator(value = "y", loss = GanLoss.LEAST_SQUARES)
  Operand<TFloat32> judgeY(Nn nn, Operand<TFloat32> y) {
    return judge(nn, y);
  }
}
