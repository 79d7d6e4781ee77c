package dev.helmholtz.samples.bayes;

import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/** Bayesian linear regression with known noise: w ~ N(0, I), y ~ N(x . w, SIGMA^2); a conjugate model. */
@Model
class KnownNoiseRegression {
  static final int D = 2;
  static final float SIGMA = 0.5f;

  @Latent(shape = D, global = true)
  Normal w;

  @Observed(shape = D, given = true)
  Normal x;

  @Observed(shape = 1)
  Normal y;

  @Generator("y")
  Normal likelihood(Nn nn, Operand<TFloat32> w, Operand<TFloat32> x) {
    Ops tf = nn.tf();
    return Normal.meanScale(tf.reduceSum(tf.math.mul(x, w), tf.constant(-1), ReduceSum.keepDims(true)),
        tf.constant(SIGMA));
  }
}
