package dev.helmholtz.samples.ssvae;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Categorical;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The semi-supervised VAE of Kingma, Rezende, Mohamed &amp; Welling (2014), "M2", for MNIST: the
 * digit's class y is a latent the data may observe, summed out by enumeration where it does not;
 * p(y) uniform, p(z) standard normal, p(x | y, z) Bernoulli; q(y | x) is the classifier and
 * q(z | x, y) the encoder. Kingma et al.'s sizes: one hidden layer of 500 softplus units in each
 * network and z of 50.
 *
 * <p>The classification weight alpha is Kingma et al.'s 0.1 N spread over the labelled
 * examples: 0.1 * 60000 / 100 = 60 on the log q(y | x) of each labelled example in a batch (see
 * the {@code ssvae} command for how the 100 labels are spread over the batches).
 */
@Model
public class SemiSupervisedVae {
  static final int CLASSES = SemiSupervisedNetworks.CLASSES;
  static final int LATENT = SemiSupervisedNetworks.LATENT;

  private final boolean sharedFirstLayer;

  /** The model with q(z | x, y)'s first layer multiplying x once per example, not once per class. */
  public SemiSupervisedVae() {
    this(true);
  }

  /**
   * The model; {@code sharedFirstLayer} false builds q(z | x, y)'s first layer on the class-tiled x
   * as one product per class (the layer before {@link Nn#concat} shared it), for comparisons (see
   * {@link SemiSupervisedNetworks}).
   */
  public SemiSupervisedVae(boolean sharedFirstLayer) {
    this.sharedFirstLayer = sharedFirstLayer;
  }

  @Latent(shape = CLASSES, enumerate = true, classificationWeight = 60)
  Categorical y;

  @Latent(shape = LATENT)
  Normal z;

  @Observed(shape = 784)
  Bernoulli x;

  @Encoder("y")
  Categorical classify(Nn nn, Operand<TFloat32> x) {
    return SemiSupervisedNetworks.classify(nn, x);
  }

  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x, Operand<TFloat32> y) {
    return SemiSupervisedNetworks.encode(nn, x, y, sharedFirstLayer);
  }

  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> y, Operand<TFloat32> z) {
    return SemiSupervisedNetworks.decode(nn, y, z, sharedFirstLayer);
  }
}
