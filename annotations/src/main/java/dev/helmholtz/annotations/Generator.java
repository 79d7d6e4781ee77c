package dev.helmholtz.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A generative network: the method returns p(node | its parameters). Parameters are bound by
 * name to the node's parents (each an {@code Operand<TFloat32>} of shape {@code [n, event...]}),
 * plus optionally one {@code dev.helmholtz.nn.Nn} layer helper whose variables are scoped by
 * the method's name. The return type is the node's distribution family.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Generator {
  /** The name of the node this network generates. */
  String value();

  /**
   * Whether the network sees the draw axis of the global latents it takes. By default (false) a
   * global latent arrives row-aligned with the data, one row per (draw, example), {@code [n,
   * width]}, so the body is written for one example per row. With {@code drawAxis = true} each
   * global latent arrives as {@code [R, width]} (R draws: HMC chains, VI or posterior draws; one
   * draw in a training step of a model with per-example latents), every other argument as {@code
   * [n, event...]}, the same for every draw, and the network returns a distribution of {@code [R,
   * n, event...]}: a likelihood linear in a global is then one matrix product, theta times the
   * design matrix, instead of an elementwise product over R * n repeated rows.
   */
  boolean drawAxis() default false;
}
