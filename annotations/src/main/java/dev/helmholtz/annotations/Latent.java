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
 * needs an {@link Encoder}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Latent {
  /** The event shape of one draw, for example {@code 50} or {@code {28, 28}}. */
  int[] shape();

  /**
   * For categorical families (Categorical, RelaxedOneHotCategorical): the number of classes of
   * each categorical variable. The event axis of width {@code shape} holds {@code shape / classes}
   * one-hot groups of {@code classes} entries. 0, the default, means one categorical variable
   * over the whole event. Other families must leave it 0.
   */
  int classes() default 0;

  /** The node's name; empty means the field's name. */
  String name() default "";
}
