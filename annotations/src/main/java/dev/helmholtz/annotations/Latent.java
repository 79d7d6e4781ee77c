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

  /** The node's name; empty means the field's name. */
  String name() default "";
}
