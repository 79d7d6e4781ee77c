package dev.helmholtz.samples.dbn;

import dev.helmholtz.annotations.Energy;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The top RBM of the 784-500-2000 deep belief net of Salakhutdinov and Murray (2008): it models
 * the 500 first-layer features (the posterior of {@link dev.helmholtz.samples.rbm.RbmCd1}, the
 * bottom layer) with 2000 hidden units, {@code E(f, t) = -f . (W t + b) - c . t}; trained by CD-1
 * with drawn reconstructions: with {@code meanReconstruction}, which helps the bottom RBM, the DBN's
 * bound came out far worse at equal updates (docs/undirected.md has the figures).
 */
@Model
public class DbnTopRbm {
  /** Its visible units: the bottom RBM's hidden units. */
  public static final int FEATURES = 500;
  /** Its hidden units. */
  public static final int TOP = 2000;

  @Observed(shape = FEATURES) Bernoulli features;
  @Latent(shape = TOP) Bernoulli top;

  @Energy(gibbsSteps = 1)
  Operand<TFloat32> energy(Nn nn, Operand<TFloat32> features, Operand<TFloat32> top) {
    Ops tf = nn.tf();
    Operand<TFloat32> featureField = nn.dense(top, FEATURES); // W t + b
    Operand<TFloat32> topBias = nn.variable("top_bias", TOP); // c
    return tf.math.neg(tf.math.add(
        tf.reduceSum(tf.math.mul(features, featureField), tf.constant(1)),
        tf.reduceSum(tf.math.mul(top, topBias), tf.constant(1))));
  }
}
