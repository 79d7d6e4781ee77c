package dev.helmholtz.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes the {@link Encoder} it sits on, in an adversarial model, InfoGAN's Q head (Chen et al.
 * 2016): the encoder's latent is a code c that the generator takes, the encoder returns Q(c | x)
 * of the generated node x, and both the generator and the discriminator's side add
 * {@code weight} times the variational lower bound on the mutual information,
 * {@code E log Q(c | G(z, c)) + H(c)}, to what they maximize. The Q head trains with the
 * discriminator (one optimizer); to share the discriminator's body, both networks call one method
 * with {@code nn.shared("body")}, whose variables every caller shares.
 *
 * <pre>{@code
 * @Encoder("c")
 * @MutualInformation(weight = 1)
 * Categorical code(Nn nn, Operand<TFloat32> x) {
 *   return Categorical.logits(nn.dense(body(nn.shared("body"), x), 10));
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface MutualInformation {
  /** lambda, the bound's weight in both players' objectives: finite and positive (InfoGAN uses 1). */
  double weight() default 1.0;
}
