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
   * Importance samples per example during training, {@code k}. Must be at least 1 (at least 2
   * for VIMCO, exactly 1 for NVIL and WAKE_SLEEP). The ELBO averages over them; IWAE, VIMCO and
   * REWEIGHTED_WAKE_SLEEP weight them by their importance weights.
   */
  int samples() default 1;
}
