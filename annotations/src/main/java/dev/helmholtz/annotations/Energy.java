package dev.helmholtz.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The energy of an undirected model: the method returns {@code E(x)}, one value per
 * configuration, an {@code Operand<TFloat32>} of shape {@code [n]} or {@code [n, 1]}, and the
 * model is {@code p(x) = exp(-E(x)) / Z}. Its presence makes the model energy-based (a restricted
 * Boltzmann machine and its relatives) instead of a directed graph of {@link Generator}s and
 * {@link Encoder}s: the model has no other networks and no {@link Objective}; it is trained by
 * contrastive divergence with the settings given here.
 *
 * <p>Parameters are bound by name to every node of the model (each an {@code Operand<TFloat32>}
 * of shape {@code [n, width]}), plus optionally one {@code dev.helmholtz.nn.Nn} layer helper whose
 * variables are scoped by the method's name. Each node's field type says its units, and so its
 * block-Gibbs conditional: {@code Bernoulli} (binary units; the energy must be affine in the
 * node) or, for an observed node, {@code Normal} (real units; the energy must be quadratic in the
 * node with a positive diagonal curvature). Units of one node must not interact with each other,
 * nor latent nodes with latent nodes: then the latents sum out of the free energy. For example
 * a Bernoulli RBM:
 *
 * <pre>{@code
 * @Observed(shape = 784) Bernoulli pixels;
 * @Latent(shape = 500) Bernoulli features;
 *
 * @Energy(gibbsSteps = 1)
 * Operand<TFloat32> energy(Nn nn, Operand<TFloat32> pixels, Operand<TFloat32> features) {
 *   Ops tf = nn.tf();
 *   var visibleField = nn.dense(features, 784);               // W h + b
 *   var hiddenBias = nn.variable("hidden_bias", 500);          // c
 *   return tf.math.neg(tf.math.add(
 *       tf.reduceSum(tf.math.mul(pixels, visibleField), tf.constant(1)),
 *       tf.reduceSum(tf.math.mul(features, hiddenBias), tf.constant(1))));
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Energy {
  /** Block-Gibbs sweeps of each update's negative phase, the k of CD-k (at least 1). */
  int gibbsSteps() default 1;

  /**
   * Persistent chains (Tieleman 2008): 0, the default, starts each update's chains at the data
   * (CD-k); a positive count keeps that many chains from update to update (persistent CD).
   */
  int persistentChains() default 0;

  /**
   * Whether each update's negative statistics take the last sweep's Bernoulli observed units at
   * their conditional means (probabilities) instead of their draws, as Hinton's practical guide to
   * training RBMs (2010, section 3) recommends and his and Salakhutdinov's MNIST code does: less
   * sampling noise in the gradient, at the price of a different estimate (not CD-k's expectation).
   * The chains themselves run on draws (persistent chains keep the drawn states); Gaussian observed
   * nodes are drawn either way. False, the default, uses the draws.
   */
  boolean meanReconstruction() default false;
}
