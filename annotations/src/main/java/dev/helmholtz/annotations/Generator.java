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
}
