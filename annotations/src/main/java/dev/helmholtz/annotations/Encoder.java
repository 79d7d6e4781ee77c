package dev.helmholtz.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An inference network: the method returns q(latent | its parameters). Parameters are bound by
 * name to nodes (each an {@code Operand<TFloat32>} of shape {@code [n, event...]}), plus
 * optionally one {@code dev.helmholtz.nn.Nn} layer helper whose variables are scoped by the
 * method's name. The return type is the latent's distribution family.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Encoder {
  /** The name of the latent node this network infers. */
  String value();
}
