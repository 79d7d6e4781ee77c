package dev.helmholtz.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A discriminator (or critic) on an observed node: the method returns one logit per example,
 * an {@code Operand<TFloat32>} of shape {@code [n, 1]} or {@code [n]}, that the example came from
 * the data rather than from the model. Its presence makes the model adversarial (Goodfellow et
 * al. 2014): the node's {@link Generator} must then be deterministic (return
 * {@code Operand<TFloat32>}, an implicit distribution pushed forward from a noise {@link Latent}),
 * and the model is trained as a two-player game instead of by its {@link Objective}.
 *
 * <p>Parameters are bound by name: the discriminated node, optionally observed label nodes (a
 * conditional GAN, whose generator takes them too), and optionally one {@code dev.helmholtz.nn.Nn}
 * layer helper whose variables are scoped by the method's name.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Discriminator {
  /** The name of the observed node this network discriminates. */
  String value();

  /** The two-player loss; the non-saturating one unless given. */
  GanLoss loss() default GanLoss.NON_SATURATING;

  /** Discriminator updates per generator update, k (at least 1; WGAN-GP usually takes 5). */
  int steps() default 1;

  /** The gradient penalty's weight lambda under {@link GanLoss#WASSERSTEIN_GP}; ignored otherwise. */
  double gradientPenalty() default 10.0;
}
