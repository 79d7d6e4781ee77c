package dev.helmholtz.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * CycleGAN's auxiliary losses (Zhu et al. 2017) on the translating {@link Generator} it sits on:
 * a generator of an observed node y that takes another observed node x, both judged by a
 * {@link Discriminator}, is a translation G: X -&gt; Y from x's data; with the generator of x that
 * takes y (F: Y -&gt; X) the model is a CycleGAN. The generators add to their loss
 * {@code weight * E|F(G(x)) - x|} (the cycle starting from this generator's input domain) and
 * {@code identityWeight * E|G(y) - y|} (this generator on its own target domain's data), each
 * |.| the mean absolute difference over every element. The weights sit on the generator whose
 * round trip they weigh, so the two directions may differ (CycleGAN's code has lambda_A and
 * lambda_B).
 *
 * <pre>{@code
 * @Generator("y")
 * @CycleConsistency(weight = 10, identityWeight = 5)
 * Operand<TFloat32> toY(Nn nn, Operand<TFloat32> x) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface CycleConsistency {
  /** The cycle loss's weight lambda: finite and at least 0 (CycleGAN uses 10). */
  double weight() default 10.0;

  /**
   * The identity loss's weight: finite and at least 0; 0 leaves it out (CycleGAN uses 0.5 lambda
   * where colours must be kept).
   */
  double identityWeight() default 0.0;
}
