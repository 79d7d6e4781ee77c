package dev.helmholtz.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares an observed random variable: one column of the training data. The field's type is its
 * distribution family (for example {@code dev.helmholtz.dist.Bernoulli}); the field itself is
 * never read. A {@link Generator} defines its likelihood, unless the node is {@link #given()}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Observed {
  /** The event shape of one example, for example {@code 784}. */
  int[] shape();

  /**
   * A node the model conditions on without modelling it, such as the class label of a
   * conditional VAE: it has no {@link Generator} and no likelihood term, networks take it as an
   * input, and sampling needs its values ({@code generate(Dataset)}).
   */
  boolean given() default false;

  /** The node's name, which is also the data column's name; empty means the field's name. */
  String name() default "";
}
