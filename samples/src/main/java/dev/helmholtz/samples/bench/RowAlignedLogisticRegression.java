package dev.helmholtz.samples.bench;

import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/**
 * {@code bayes-logreg}'s model with the likelihood written row-aligned, one row per (draw,
 * example), as {@code LogisticRegression} was before generators could see the draw axis: the
 * benchmark's baseline for the draw axis's gain ({@code helmholtz-bench bench-density}), with N(0,
 * 1) priors.
 */
@Model
public class RowAlignedLogisticRegression {
  @Latent(shape = 10, global = true)
  Normal weights;

  @Latent(shape = 1, global = true)
  Normal bias;

  @Observed(shape = 10, given = true)
  Normal features;

  @Observed(shape = 1)
  Bernoulli label;

  /** weights and features [n, 10], bias [n, 1]: a row per example and draw. */
  @Generator("label")
  Bernoulli likelihood(Nn nn, Operand<TFloat32> weights, Operand<TFloat32> bias, Operand<TFloat32> features) {
    Ops tf = nn.tf();
    return Bernoulli.logits(tf.math.add(
        tf.reduceSum(tf.math.mul(features, weights), tf.constant(-1), ReduceSum.keepDims(true)), bias));
  }
}
