package dev.helmholtz.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class of the user's own as a distribution family, so that fields of its type may be
 * {@link Latent} and {@link Observed} nodes. The class extends the runtime's
 * {@code dev.helmholtz.dist.Distribution} (its {@code logProb}, {@code sample}, {@code rsample},
 * {@code entropy}, {@code mean}, {@code shape} and {@code mapParameters}), is public, concrete and
 * not generic, and this annotation says what the processor cannot infer from its code:
 *
 * <ul>
 *   <li>{@link #reparameterization()}: whether its draws carry gradients to its parameters, which
 *       decides each latent's estimator at compile time (pathwise, or score function);
 *   <li>{@link #factories()}: the static factories networks build it with from their outputs, whose
 *       arguments' widths the processor checks against the node's event shape;
 *   <li>{@link #standardPrior()}: the static method giving the prior of a latent without a
 *       {@link Generator}, if the family has a natural one;
 *   <li>{@link #kl()}: the static method giving KL(q || p) between two members in closed form, if
 *       the family has one.
 * </ul>
 *
 * <p>A latent of a user family gets that analytic KL when {@link #kl()} names one and its prior is
 * of the family, and the Monte Carlo KL estimate {@code log q(z) - log p(z)} otherwise.
 *
 * <pre>{@code
 * @Family(reparameterization = Family.Reparameterization.EXPLICIT,
 *     factories = "locScale", standardPrior = "standard")
 * public final class Gumbel extends Distribution {
 *   public static Gumbel locScale(Operand<TFloat32> loc, Operand<TFloat32> scale) { ... }
 *   public static Gumbel standard(Ops tf, Operand<TInt64> shape) { ... }
 *   ...
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Family {
  /** How the family's draws carry gradients to its parameters. */
  enum Reparameterization {
    /**
     * {@code rsample} is a differentiable function of the parameters and of noise that does not
     * depend on them (location-scale, inverse CDF): latents take the pathwise gradient.
     */
    EXPLICIT,
    /**
     * {@code rsample}'s gradient comes from implicit differentiation of the CDF (Figurnov et al.
     * 2018), as for Gamma and Beta: latents take the pathwise gradient, and the report says implicit.
     */
    IMPLICIT,
    /**
     * {@code rsample} throws: latents need a score-function objective (NVIL, VIMCO) or wake-sleep,
     * which the processor demands at compile time.
     */
    NONE
  }

  /** Whether and how the family's {@code rsample} differentiates; the runtime's must agree. */
  Reparameterization reparameterization();

  /**
   * The names of the family's static factories that networks build it with from their outputs:
   * public static methods returning the family whose parameters are all {@code Operand<TFloat32>}
   * tensors of the node's event shape (or broadcasting to it), such as {@code "locScale"}. At least
   * one; the processor checks the widths of the arguments networks pass them.
   */
  String[] factories();

  /**
   * The name of the public static method {@code (Ops tf, Operand<TInt64> shape)} returning the
   * family's standard member of that shape, which a latent without a {@link Generator} takes as its
   * prior; empty, the default, when the family has none (each latent of it then needs a generator).
   */
  String standardPrior() default "";

  /**
   * The name of the public static method {@code (F q, F p)}, F the family, returning an {@code
   * Operand<TFloat32>}: KL(q || p) in closed form, summed over the event (last) axis as {@code
   * logProb} is. A latent of the family whose prior is of the family then gets this analytic KL in
   * the ELBO; empty, the default, when the family has none (its latents get the Monte Carlo
   * estimate).
   */
  String kl() default "";
}
