package dev.helmholtz.samples.ssvae;

import static dev.helmholtz.nn.Activation.SOFTPLUS;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Categorical;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The M2 half of Kingma et al.'s (2014) stacked model M1+M2: a semi-supervised VAE whose observed
 * node is not the image but the features another model's encoder gives it, {@code features} (50
 * posterior means of a trained VAE, M1, by {@code VariationalModel.encodeMeans}). y is summed out
 * where unlabelled, as in {@link SemiSupervisedVae}; p(features | y, z) is a diagonal Normal.
 * Networks of one hidden layer of 500 softplus units, z of 50, alpha 60 (0.1 N over 100 labels).
 */
@Model
public class StackedSemiSupervisedVae {
  /** The width of the features: the latent width of the VAE that encodes them. */
  public static final int FEATURES = 50;
  static final int CLASSES = 10;
  static final int LATENT = 50;
  static final int HIDDEN = 500;

  @Latent(shape = CLASSES, enumerate = true, classificationWeight = 60)
  Categorical y;

  @Latent(shape = LATENT)
  Normal z;

  @Observed(shape = FEATURES)
  Normal features;

  @Encoder("y")
  Categorical classify(Nn nn, Operand<TFloat32> features) {
    return Categorical.logits(nn.dense(nn.dense(features, HIDDEN, SOFTPLUS), CLASSES));
  }

  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> features, Operand<TFloat32> y) {
    Operand<TFloat32> h = nn.dense(nn.concat(features, y), HIDDEN, SOFTPLUS);
    return Normal.meanLogStd(nn.dense(h, LATENT), nn.dense(h, LATENT));
  }

  @Generator("features")
  Normal decode(Nn nn, Operand<TFloat32> y, Operand<TFloat32> z) {
    Operand<TFloat32> h = nn.dense(nn.concat(y, z), HIDDEN, SOFTPLUS);
    return Normal.meanLogStd(nn.dense(h, FEATURES), nn.dense(h, FEATURES));
  }
}
