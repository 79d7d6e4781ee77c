package dev.helmholtz.samples.gumbel;

import static dev.helmholtz.nn.Activation.RELU;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.RelaxedOneHotCategorical;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The categorical VAE of Jang et al. (2017): 20 categorical latents of 10 classes each, trained
 * through the Gumbel-softmax relaxation with the ELBO whose KL term is the discrete latents' (the
 * relaxation is a training-time gradient estimator: samples and log-likelihoods are of the
 * discrete model). Encoder 784-512-256-(20x10), decoder (20x10)-256-512-784, ReLU.
 *
 * <p>The temperature is the hyperparameter {@value #TEMPERATURE_NAME}, {@value #TEMPERATURE}
 * unless a run anneals it, as Jang et al. did from 1 with {@code
 * Training.schedule("temperature", ScalarSchedule.exponentialDecay(1, 1e-4, 500, 0.5))}.
 */
@Model(objective = @Objective(kind = ObjectiveKind.ELBO))
public class GumbelSoftmaxVae {
  static final int VARIABLES = 20;
  static final int CLASSES = 10;
  static final float TEMPERATURE = 0.5f;
  /** The name of the temperature hyperparameter. */
  public static final String TEMPERATURE_NAME = "temperature";

  @Latent(shape = VARIABLES * CLASSES, classes = CLASSES)
  RelaxedOneHotCategorical z;

  @Observed(shape = 784)
  Bernoulli x;

  @Encoder("z")
  RelaxedOneHotCategorical encode(Nn nn, Operand<TFloat32> x) {
    Operand<TFloat32> h = nn.dense(nn.dense(x, 512, RELU), 256, RELU);
    return RelaxedOneHotCategorical.logits(nn.hyperparameter(TEMPERATURE_NAME, TEMPERATURE),
        nn.dense(h, VARIABLES * CLASSES), CLASSES);
  }

  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    Operand<TFloat32> h = nn.dense(nn.dense(z, 256, RELU), 512, RELU);
    return Bernoulli.logits(nn.dense(h, 784));
  }
}
