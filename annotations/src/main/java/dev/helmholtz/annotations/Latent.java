package dev.helmholtz.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a latent random variable. The field's type is its distribution family (for example
 * {@code dev.helmholtz.dist.Normal}); the field itself is never read. Its prior is the family's
 * standard distribution unless a {@link Generator} targets it; under an ELBO or IWAE objective it
 * needs an {@link Encoder}, unless it is {@link #global()}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Latent {
  /**
   * The event shape of one draw, for example {@code 50}. This version supports vector events
   * only (one size): a 28 x 28 image is {@code shape = 784}, reshaped inside the networks.
   */
  int[] shape();

  /**
   * For categorical families (Categorical, RelaxedOneHotCategorical): the number of classes of
   * each categorical variable. The event axis of width {@code shape} holds {@code shape / classes}
   * one-hot groups of {@code classes} entries. 0, the default, means one categorical variable
   * over the whole event. Other families must leave it 0.
   */
  int classes() default 0;

  /**
   * Sums a Categorical latent out by exact enumeration of its classes instead of sampling it:
   * the semi-supervised VAE's label (Kingma et al. 2014, M2). The data may observe it: a data
   * column named like the node holds one-hot rows for labelled examples and all-zero rows for
   * unlabelled ones; with no such column every example is unlabelled. A labelled example's ELBO
   * term is L(x, y); an unlabelled one's is the sum over classes of q(y | x) L(x, y) plus the
   * entropy of q(y | x). Needs the ELBO objective with 1 sample, an {@link Encoder} for q(y | x)
   * that takes observed nodes only, and one categorical variable over the whole event.
   */
  boolean enumerate() default false;

  /**
   * For an {@link #enumerate() enumerated} latent: alpha of Kingma et al. (2014, eq. 9), the
   * weight of the classification term alpha log q(y | x) that training adds for each labelled
   * example, so that q(y | x) also learns from the labels directly. 0, the default, trains by
   * the bound alone. Must be finite and at least 0.
   */
  double classificationWeight() default 0;

  /**
   * A model parameter with a prior: one value for the whole data set, not one per example, such
   * as the weights of a Bayesian logistic regression or of a Bayesian neural network. A global
   * latent is {@code Normal} and has no {@link Encoder}: its posterior, given all the data, is
   * sampled by Hamiltonian Monte Carlo or fitted by mean-field variational inference, through
   * the generated class ({@code hmc(data)}, {@code variational(data)}, {@code logPosterior(data)}).
   * Its prior is N(0, 1) on every coordinate unless a {@link Generator} targets it; that
   * generator may take only other global latents (a hierarchical prior, such as a global
   * log-scale) or no node. In this version every latent of a model with a global latent must be
   * global.
   *
   * <p>Networks still see {@code [n, event...]}: in the generator of an observed node a global
   * latent arrives row-aligned with the data, one row per (posterior draw, example), so one
   * generator body serves every chain at once, for example
   *
   * <pre>{@code
   * @Latent(shape = 10, global = true) Normal weights;
   * @Latent(shape = 1, global = true) Normal bias;
   * @Observed(shape = 10, given = true) Normal features;
   * @Observed(shape = 1) Bernoulli label;
   *
   * @Generator("label")                       // weights, features [n, 10]; bias [n, 1]
   * Bernoulli likelihood(Nn nn, Operand<TFloat32> weights, Operand<TFloat32> bias,
   *     Operand<TFloat32> features) {
   *   Ops tf = nn.tf();
   *   return Bernoulli.logits(tf.math.add(
   *       tf.reduceSum(tf.math.mul(features, weights), tf.constant(-1), ReduceSum.keepDims(true)), bias));
   * }
   * }</pre>
   *
   * (one latent per part rather than slices of one: slicing a tensor of a row per (draw, example)
   * copies it, forward and backward), and a layer of a Bayesian neural network reshapes its row of weights to a matrix per row and
   * multiplies by batch: {@code tf.linalg.batchMatMul(reshape(x, [n, 1, in]), reshape(w, [n, in,
   * units]))}. The generator of a global latent sees one row per draw instead. The layer helper's
   * {@code dense} layers make point-estimated variables, which a model of global latents does not
   * train: use {@code nn.tf()} only (the generated class rejects a network that makes variables).
   */
  boolean global() default false;

  /** The node's name; empty means the field's name. */
  String name() default "";
}
