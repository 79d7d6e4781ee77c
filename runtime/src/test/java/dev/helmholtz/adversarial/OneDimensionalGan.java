package dev.helmholtz.adversarial;

import dev.helmholtz.annotations.GanLoss;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Activation;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.train.ThreadSettings;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A GAN on one real number, written by hand as the processor would generate it: the generator
 * is fixed, x = mean + std z with z ~ N(0, 1) and no variables, so only the discriminator
 * (a 1-32-32-1 tanh network) trains.
 */
final class OneDimensionalGan extends AdversarialModel {
  private final float mean;
  private final float std;

  OneDimensionalGan(Seed seed, GanLoss loss, float mean, float std) {
    super(AdversarialSpec.builder("OneDimensionalGan")
        .game(loss, 1, 10.0)
        .latent("z", 1)
        .generated("x", 1)
        .build(), seed, ThreadSettings.of(1, 1));
    this.mean = mean;
    this.std = std;
    build();
  }

  @Override
  protected void defineGeneration(AdversarialPass pass) {
    Ops tf = pass.tf();
    Operand<TFloat32> z = pass.draw("z", Normal.standard(tf, pass.shape("z")));
    pass.generate("x", tf.math.add(tf.math.mul(z, tf.constant(std)), tf.constant(mean)));
  }

  @Override
  protected Operand<TFloat32> defineDiscriminator(DiscriminatorPass pass) {
    Nn nn = pass.network("discriminate");
    Operand<TFloat32> h = nn.dense(nn.dense(pass.node("x"), 32, Activation.TANH), 32, Activation.TANH);
    return nn.dense(h, 1);
  }
}
