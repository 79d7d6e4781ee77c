package dev.helmholtz.samples.prior;

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
 * A learned mixture-of-Gaussians prior written through an enumerated Categorical, as the
 * distributions issue first tried it: y ~ Categorical(softmax(w)) with learned logits w [1, 3], a
 * network of no node; z | y ~ N(mu_y, sigma_y^2); x | z Bernoulli. Its ancestral sampler once gave
 * one row and n - 1 rows of zeros.
 */
@Model
class LearnedMixturePrior {
  static final int COMPONENTS = 3;

  @Latent(shape = COMPONENTS, enumerate = true)
  Categorical y;

  @Latent(shape = 2)
  Normal z;

  @Observed(shape = 6)
  Bernoulli x;

  @Generator("y")
  Categorical weights(Nn nn) {
    return Categorical.logits(nn.variable("logits", 1, COMPONENTS), COMPONENTS);
  }

  @Generator("z")
  Normal component(Nn nn, Operand<TFloat32> y) {
    return Normal.meanLogStd(nn.dense(y, 2), nn.dense(y, 2));
  }

  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    return Bernoulli.logits(nn.dense(z, 6));
  }

  @Encoder("y")
  Categorical classify(Nn nn, Operand<TFloat32> x) {
    return Categorical.logits(nn.dense(x, COMPONENTS), COMPONENTS);
  }

  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x, Operand<TFloat32> y) {
    Operand<TFloat32> both = nn.tf().concat(java.util.List.of(x, y), nn.tf().constant(-1));
    return Normal.meanLogStd(nn.dense(both, 2), nn.dense(both, 2));
  }
}
