package dev.helmholtz.samples.bayesvae;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/**
 * A hierarchical model with per-group latents beside per-example ones: each of {@link #GROUPS}
 * groups has a mean mu_g ~ N(0, 1), a global latent vector indexed by the example's one-hot group
 * (a given node); each example's latent z_n ~ N(mu_{g(n)}, 1) is inferred by an encoder, and its
 * observation is x_n ~ N(z_n, 0.5^2). Per-group latents are global to the minibatch (every batch
 * may hold any group), so they take the plate's 1 / N share like any global latent.
 */
@Model
class GroupedMeans {
  static final int GROUPS = 3;

  @Latent(shape = GROUPS, global = true) Normal groupMeans;
  @Observed(shape = GROUPS, given = true) Normal group;
  @Latent(shape = 1) Normal z;
  @Observed(shape = 1) Normal x;

  @Generator("z")
  Normal prior(Nn nn, Operand<TFloat32> groupMeans, Operand<TFloat32> group) {
    Ops tf = nn.tf();
    Operand<TFloat32> mean = tf.reduceSum(tf.math.mul(groupMeans, group), tf.constant(-1), ReduceSum.keepDims(true));
    return Normal.meanLogStd(mean, tf.zerosLike(mean));
  }

  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x, Operand<TFloat32> group) {
    Operand<TFloat32> in = nn.tf().concat(List.of(x, group), nn.tf().constant(-1));
    return Normal.meanLogStd(nn.dense(in, 1), nn.dense(in, 1));
  }

  @Generator("x")
  Normal observe(Nn nn, Operand<TFloat32> z) {
    Ops tf = nn.tf();
    return Normal.meanLogStd(z, tf.fill(tf.shape(z), tf.constant((float) Math.log(0.5))));
  }
}
