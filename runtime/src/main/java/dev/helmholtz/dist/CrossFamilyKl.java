package dev.helmholtz.dist;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The analytic KL divergences between two different families, registered by {@link KlDivergence}:
 * each is E_q[log q] − E_q[log p] with both expectations in closed form. Where q's support leaves
 * p's (a uniform reaching below 0 against a positive family, a Beta against a uniform that does
 * not cover [0, 1]), the KL is +∞, as for {@code Uniform || Uniform}. Summed over the event axis
 * of q's and p's draws broadcast together.
 *
 * <ul>
 *   <li>Exponential || Gamma and Gamma || Exponential: an exponential is Gamma(1, rate);
 *   <li>HalfNormal || Exponential and Exponential || HalfNormal;
 *   <li>Laplace || Normal and Normal || Laplace;
 *   <li>Uniform || Normal, Laplace, Exponential and HalfNormal;
 *   <li>Beta || Uniform.
 * </ul>
 */
final class CrossFamilyKl {
  private static final double LOG_2PI = Math.log(2 * Math.PI);
  private static final double LOG_HALF_PI = Math.log(Math.PI / 2);

  private CrossFamilyKl() {}

  static void registerAll() {
    KlDivergence.register(Exponential.class, Gamma.class, CrossFamilyKl::exponentialGamma);
    KlDivergence.register(Gamma.class, Exponential.class, CrossFamilyKl::gammaExponential);
    KlDivergence.register(HalfNormal.class, Exponential.class, CrossFamilyKl::halfNormalExponential);
    KlDivergence.register(Exponential.class, HalfNormal.class, CrossFamilyKl::exponentialHalfNormal);
    KlDivergence.register(Laplace.class, Normal.class, CrossFamilyKl::laplaceNormal);
    KlDivergence.register(Normal.class, Laplace.class, CrossFamilyKl::normalLaplace);
    KlDivergence.register(Uniform.class, Normal.class, CrossFamilyKl::uniformNormal);
    KlDivergence.register(Uniform.class, Laplace.class, CrossFamilyKl::uniformLaplace);
    KlDivergence.register(Uniform.class, Exponential.class, CrossFamilyKl::uniformExponential);
    KlDivergence.register(Uniform.class, HalfNormal.class, CrossFamilyKl::uniformHalfNormal);
    KlDivergence.register(Beta.class, Uniform.class, CrossFamilyKl::betaUniform);
  }

  /** The Gamma KL with q's concentration 1. */
  static Operand<TFloat32> exponentialGamma(Exponential q, Gamma p) {
    Ops tf = q.tf();
    return sum(q, p, GammaFamilyKl.gammaTerms(tf, tf.constant(1f), q.rate(), p.concentration(), p.rate()));
  }

  /** The Gamma KL with p's concentration 1. */
  static Operand<TFloat32> gammaExponential(Gamma q, Exponential p) {
    Ops tf = q.tf();
    return sum(q, p, GammaFamilyKl.gammaTerms(tf, q.concentration(), q.rate(), tf.constant(1f), p.rate()));
  }

  /** −log σ − log(π/2) / 2 − 1/2 − log λ + λ σ √(2/π) (E_q[x] = σ √(2/π)). */
  static Operand<TFloat32> halfNormalExponential(HalfNormal q, Exponential p) {
    Ops tf = q.tf();
    Operand<TFloat32> crossMean = tf.math.mul(tf.math.mul(p.rate(), q.scale()), c(tf, Math.sqrt(2 / Math.PI)));
    Operand<TFloat32> kl = tf.math.add(
        tf.math.neg(tf.math.add(tf.math.log(q.scale()), tf.math.log(p.rate()))),
        tf.math.sub(crossMean, c(tf, 0.5 * LOG_HALF_PI + 0.5)));
    return sum(q, p, kl);
  }

  /** log λ − 1 + log(π/2) / 2 + log σ + 1 / (λ σ)² (E_q[x²] = 2 / λ²). */
  static Operand<TFloat32> exponentialHalfNormal(Exponential q, HalfNormal p) {
    Ops tf = q.tf();
    Operand<TFloat32> lambdaSigma = tf.math.mul(q.rate(), p.scale());
    Operand<TFloat32> kl = tf.math.add(
        tf.math.add(tf.math.log(lambdaSigma), tf.math.reciprocal(tf.math.square(lambdaSigma))),
        c(tf, 0.5 * LOG_HALF_PI - 1));
    return sum(q, p, kl);
  }

  /**
   * −1 − log 2b + log(2π) / 2 + log σ + (2b² + (m − μ)²) / (2σ²), for q = Laplace(m, b), p = N(μ,
   * σ) (E_q[(x − μ)²] = 2b² + (m − μ)²).
   */
  static Operand<TFloat32> laplaceNormal(Laplace q, Normal p) {
    Ops tf = q.tf();
    Operand<TFloat32> secondMoment = tf.math.add(tf.math.mul(c(tf, 2), tf.math.square(q.scale())),
        tf.math.square(tf.math.sub(q.loc(), p.loc())));
    Operand<TFloat32> kl = tf.math.add(
        tf.math.sub(p.logScale(), tf.math.log(q.scale())),
        tf.math.add(tf.math.div(secondMoment, tf.math.mul(c(tf, 2), tf.math.square(p.scale()))),
            c(tf, 0.5 * LOG_2PI - 1 - Math.log(2))));
    return sum(q, p, kl);
  }

  /**
   * −log σ − (log 2π + 1) / 2 + log 2b + E|x − m| / b, for q = N(μ, σ), p = Laplace(m, b), with
   * the folded normal's mean E|x − m| = σ √(2/π) exp(−δ² / 2σ²) + δ erf(δ / σ√2), δ = μ − m.
   */
  static Operand<TFloat32> normalLaplace(Normal q, Laplace p) {
    Ops tf = q.tf();
    Operand<TFloat32> delta = tf.math.sub(q.loc(), p.loc());
    Operand<TFloat32> standardized = tf.math.div(delta, tf.math.mul(q.scale(), c(tf, Math.sqrt(2))));
    Operand<TFloat32> folded = tf.math.add(
        tf.math.mul(tf.math.mul(q.scale(), c(tf, Math.sqrt(2 / Math.PI))),
            tf.math.exp(tf.math.neg(tf.math.square(standardized)))),
        tf.math.mul(delta, tf.math.erf(standardized)));
    Operand<TFloat32> kl = tf.math.add(
        tf.math.sub(tf.math.log(p.scale()), q.logScale()),
        tf.math.add(tf.math.div(folded, p.scale()), c(tf, Math.log(2) - 0.5 * (LOG_2PI + 1))));
    return sum(q, p, kl);
  }

  /**
   * −log w + log(2π) / 2 + log σ + (u² + uv + v²) / (6σ²), for q = U(a, b) of width w and p =
   * N(μ, σ), with u = b − μ and v = a − μ (E_q[(x − μ)²] = (u³ − v³) / 3w).
   */
  static Operand<TFloat32> uniformNormal(Uniform q, Normal p) {
    Ops tf = q.tf();
    Operand<TFloat32> u = tf.math.sub(q.high(), p.loc());
    Operand<TFloat32> v = tf.math.sub(q.low(), p.loc());
    Operand<TFloat32> secondMoment = tf.math.div(
        tf.math.add(tf.math.add(tf.math.square(u), tf.math.mul(u, v)), tf.math.square(v)), c(tf, 3));
    Operand<TFloat32> kl = tf.math.add(
        tf.math.sub(p.logScale(), tf.math.log(q.width())),
        tf.math.add(tf.math.div(secondMoment, tf.math.mul(c(tf, 2), tf.math.square(p.scale()))),
            c(tf, 0.5 * LOG_2PI)));
    return sum(q, p, kl);
  }

  /**
   * −log w + log 2s + E|x − m| / s, for q = U(a, b), p = Laplace(m, s), with E|x − m| = (u|u| −
   * v|v|) / 2w, u = b − m, v = a − m.
   */
  static Operand<TFloat32> uniformLaplace(Uniform q, Laplace p) {
    Ops tf = q.tf();
    Operand<TFloat32> u = tf.math.sub(q.high(), p.loc());
    Operand<TFloat32> v = tf.math.sub(q.low(), p.loc());
    Operand<TFloat32> meanDistance = tf.math.div(
        tf.math.sub(tf.math.mul(u, tf.math.abs(u)), tf.math.mul(v, tf.math.abs(v))),
        tf.math.mul(c(tf, 2), q.width()));
    Operand<TFloat32> kl = tf.math.add(
        tf.math.sub(tf.math.log(p.scale()), tf.math.log(q.width())),
        tf.math.add(tf.math.div(meanDistance, p.scale()), c(tf, Math.log(2))));
    return sum(q, p, kl);
  }

  /** −log w − log λ + λ (a + b) / 2 where a ≥ 0, else +∞. */
  static Operand<TFloat32> uniformExponential(Uniform q, Exponential p) {
    Ops tf = q.tf();
    Operand<TFloat32> kl = tf.math.add(
        tf.math.neg(tf.math.add(tf.math.log(q.width()), tf.math.log(p.rate()))),
        tf.math.mul(p.rate(), tf.math.mul(c(tf, 0.5), tf.math.add(q.low(), q.high()))));
    return sum(q, p, positiveOnly(tf, q, kl));
  }

  /** −log w + log σ − log(2/π) / 2 + (a² + ab + b²) / (6σ²) where a ≥ 0, else +∞. */
  static Operand<TFloat32> uniformHalfNormal(Uniform q, HalfNormal p) {
    Ops tf = q.tf();
    Operand<TFloat32> a = q.low();
    Operand<TFloat32> b = q.high();
    Operand<TFloat32> secondMoment = tf.math.div(
        tf.math.add(tf.math.add(tf.math.square(a), tf.math.mul(a, b)), tf.math.square(b)), c(tf, 3));
    Operand<TFloat32> kl = tf.math.add(
        tf.math.sub(tf.math.log(p.scale()), tf.math.log(q.width())),
        tf.math.add(tf.math.div(secondMoment, tf.math.mul(c(tf, 2), tf.math.square(p.scale()))),
            c(tf, 0.5 * LOG_HALF_PI)));
    return sum(q, p, positiveOnly(tf, q, kl));
  }

  /**
   * −H(Beta(α, β)) + log(b − a) where [0, 1] lies in [a, b], else +∞; H = log B(α, β) − (α − 1)
   * ψ(α) − (β − 1) ψ(β) + (α + β − 2) ψ(α + β).
   */
  static Operand<TFloat32> betaUniform(Beta q, Uniform p) {
    Ops tf = q.tf();
    Operand<TFloat32> a = q.concentration1();
    Operand<TFloat32> b = q.concentration0();
    Operand<TFloat32> one = tf.constant(1f);
    Operand<TFloat32> entropy = tf.math.add(
        tf.math.sub(SpecialFunctions.logBeta(tf, a, b),
            tf.math.add(tf.math.mul(tf.math.sub(a, one), SpecialFunctions.digamma(tf, a)),
                tf.math.mul(tf.math.sub(b, one), SpecialFunctions.digamma(tf, b)))),
        tf.math.mul(tf.math.sub(tf.math.add(a, b), c(tf, 2)), SpecialFunctions.digamma(tf, tf.math.add(a, b))));
    Operand<TFloat32> kl = tf.math.sub(tf.math.log(p.width()), entropy);
    Operand<TBool> covers = tf.math.logicalAnd(
        tf.math.lessEqual(p.low(), tf.constant(0f)), tf.math.greaterEqual(p.high(), one));
    return sum(q, p, infiniteUnless(tf, covers, kl));
  }

  /** +∞ where the uniform q reaches below 0, outside a positive family's support. */
  private static Operand<TFloat32> positiveOnly(Ops tf, Uniform q, Operand<TFloat32> kl) {
    return infiniteUnless(tf, tf.math.greaterEqual(q.low(), tf.constant(0f)), kl);
  }

  private static Operand<TFloat32> infiniteUnless(Ops tf, Operand<TBool> inside, Operand<TFloat32> kl) {
    Operand<TFloat32> infinite = tf.constant(Float.POSITIVE_INFINITY);
    Operand<TInt32> shape = tf.broadcastDynamicShape(tf.shape(inside), tf.shape(kl));
    return tf.select(tf.broadcastTo(inside, shape), tf.broadcastTo(kl, shape), tf.broadcastTo(infinite, shape));
  }

  private static Operand<TFloat32> c(Ops tf, double value) {
    return tf.constant((float) value);
  }

  /** The terms broadcast to both draws' shape (a term may lack a parameter's axes), summed over the event. */
  private static Operand<TFloat32> sum(Distribution q, Distribution p, Operand<TFloat32> terms) {
    Ops tf = q.tf();
    Operand<TInt32> shape = tf.dtypes.cast(tf.broadcastDynamicShape(q.shape(), p.shape()), TInt32.class);
    return DistOps.sumEvent(tf, tf.broadcastTo(terms, shape));
  }
}
