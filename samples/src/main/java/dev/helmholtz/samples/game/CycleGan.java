package dev.helmholtz.samples.game;

import static dev.helmholtz.nn.Activation.LEAKY_RELU;

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
 * y, F = {@code toX} maps y to x, one discriminator per domain (non-saturating), and the cycle
 * losses 10 |F(G(x)) - x| and 10 |G(F(y)) - y|. Fully connected networks on rows of 784 pixels in
 * [0, 1], small enough for a CPU; the translations' last layer is linear: a sigmoid there
 * saturated under the L1 cycle loss (MNIST's pixels are mostly 0) and the generators stopped
 * reading their input. No identity term: a quarter turn is not the identity on the turned domain.
 */
@Model
public class CycleGan {
  @Observed(shape = 784) Bernoulli x;
  @Observed(shape = 784) Bernoulli y;

  static Operand<TFloat32> translate(Nn nn, Operand<TFloat32> image) {
    return nn.dense(nn.dense(nn.dense(image, 256, LEAKY_RELU), 256, LEAKY_RELU), 784);
  }

  static Operand<TFloat32> judge(Nn nn, Operand<TFloat32> image) {
    return nn.dense(nn.dense(image, 256, LEAKY_RELU), 1);
  }

  @Generator("y")
  @CycleConsistency(weight = 10)
  Operand<TFloat32> toY(Nn nn, Operand<TFloat32> x) {
    return translate(nn, x);
  }

  @Generator("x")
  @CycleConsistency(weight = 10)
  Operand<TFloat32> toX(Nn nn, Operand<TFloat32> y) {
    return translate(nn, y);
  }

  @Discriminator(value = "x", loss = GanLoss.NON_SATURATING)
  Operand<TFloat32> judgeX(Nn nn, Operand<TFloat32> x) {
    return judge(nn, x);
  }

  @Discriminator(value = "y", loss = GanLoss.NON_SATURATING)
  Operand<TFloat32> judgeY(Nn nn, Operand<TFloat32> y) {
    return judge(nn, y);
  }
}
