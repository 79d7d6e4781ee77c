package dev.helmholtz.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class as a generative model. The Helmholtz processor reads its {@link Latent} and
 * {@link Observed} fields and its {@link Encoder}, {@link Generator} and {@link Discriminator}
 * methods, those it declares and those it inherits from its superclasses (so models that differ
 * only in their objective can share an abstract base class), checks that they form a
 * well-formed model, and generates {@code <ClassName>Model}: the TensorFlow graph and a typed API
 * to train, sample, reconstruct and evaluate it. An override of an inherited network method
 * stays that network; generated code, in this class's package, calls it, so an inherited
 * network declared in another package must be public.
 *
 * <p>The class must be concrete, not private, and have a constructor without parameters that
 * generated code can call (or be passed as an instance to the generated {@code create}).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Model {
  /** The training objective and its settings. Defaults to the single-sample ELBO. */
  Objective objective() default @Objective;

  /**
   * The simple name of the generated class; empty means the model's binary name with nesting
   * dots replaced by {@code _}, plus {@code Model} ({@code Outer.Vae} gives {@code Outer_VaeModel}).
   */
  String name() default "";
}
