package dev.helmholtz.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The objective a model is trained with, as a member of {@link Model#objective()}. */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({})
public @interface Objective {
  /** Which bound or estimator is maximized. */
  ObjectiveKind kind() default ObjectiveKind.ELBO;

  /**
   * Importance samples per example during training, {@code k}. Must be at least 1. The ELBO
   * averages over them; IWAE takes the log of their mean weight.
   */
  int samples() default 1;
}
