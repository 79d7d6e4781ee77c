package dev.helmholtz.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Trains the {@link Generator} it sits on by moment matching, with no discriminator: the
 * generator is deterministic (returns {@code Operand<TFloat32>}, pushed forward from a noise
 * {@link Latent}) and minimizes the squared maximum mean discrepancy between its samples and the
 * data of the node it generates, under a mixture of Gaussian kernels
 * {@code k(a, b) = sum_s exp(-|a - b|^2 / (2 s^2))} (generative moment matching networks, Li et
 * al. 2015; Dziugaite et al. 2015). The model then has no {@link Discriminator} and no
 * {@link Encoder}, and its other observed nodes would be unmodelled: it has none.
 *
 * <pre>{@code
 * @Generator("x")
 * @MomentMatching(bandwidths = {2, 5, 10, 20, 40, 80})
 * Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface MomentMatching {
  /**
   * The kernels' bandwidths s, in the data's units, each finite and positive: a mixture covers
   * the scales one bandwidth would miss (Li et al. use 2 to 80 on MNIST's pixels in [0, 1]).
   */
  double[] bandwidths();
}
