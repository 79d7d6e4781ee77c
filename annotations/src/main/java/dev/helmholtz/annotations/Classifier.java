package dev.helmholtz.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes the {@link Encoder} it sits on a classifier player in an adversarial game: Triple-GAN
 * (Li et al. 2017). The encoder's node y is an observed one-hot label (a {@code Categorical}
 * node), the encoder returns p_c(y | x) of the observed node x a {@link Discriminator} of (x, y)
 * pairs judges, and x's {@link Generator} takes noise and y. The discriminator tells labelled
 * data pairs from the generator's (G(z, y), y) and the classifier's (x, y ~ p_c(y | x)) on
 * unlabelled x; the classifier minimizes {@code alpha} times its pairs' adversarial loss (its
 * expectation over y taken exactly), {@code supervisedWeight} times the cross-entropy on labelled
 * pairs, and {@code pseudoWeight} times the pseudo-discriminative loss, its cross-entropy on the
 * generator's pairs. Data rows with a one-hot y are labelled, rows of zeros unlabelled (as the
 * semi-supervised VAE reads them).
 *
 * <pre>{@code
 * @Encoder("y")
 * @Classifier(alpha = 0.5, pseudoWeight = 0.1)
 * Categorical classify(Nn nn, Operand<TFloat32> x) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Classifier {
  /** The weight of the classifier's pairs against the generator's, in [0, 1] (Triple-GAN uses 1/2). */
  double alpha() default 0.5;

  /** The weight of the cross-entropy on labelled pairs: finite and at least 0. */
  double supervisedWeight() default 1.0;

  /** The weight of the pseudo-discriminative loss on generated pairs: finite and at least 0. */
  double pseudoWeight() default 0.1;
}
