package dev.helmholtz.dist;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The analytic KL divergences of the gamma-based families, registered by {@link KlDivergence}:
 * Gamma, InverseGamma, Beta and Dirichlet, each with itself (Student's t has no closed form: its
 * KL is Monte Carlo). Their gradients in the shape parameters need the digamma function's
 * derivative, the trigamma function, which {@link SpecialFunctions#digamma} supplies.
 */
final class GammaFamilyKl {

  private GammaFamilyKl() {}

  static void registerAll() {
    KlDivergence.register(Gamma.class, Gamma.class, GammaFamilyKl::gammaGamma);
    KlDivergence.register(InverseGamma.class, InverseGamma.class, GammaFamilyKl::inverseGammaInverseGamma);
    KlDivergence.register(Beta.class, Beta.class, GammaFamilyKl::betaBeta);
    KlDivergence.register(Dirichlet.class, Dirichlet.class, GammaFamilyKl::dirichletDirichlet);
  }

  static Operand<TFloat32> gammaGamma(Gamma q, Gamma p) {
    Ops tf = q.tf();
    return DistOps.sumEvent(tf, ElementwiseDistribution.broadcastToBoth(q, p,
        gammaTerms(tf, q.concentration(), q.rate(), p.concentration(), p.rate())));
  }

  /** The KL of the reciprocals' gammas (rate = scale): 1 / x is a bijection, and KL is invariant under one. */
  static Operand<TFloat32> inverseGammaInverseGamma(InverseGamma q, InverseGamma p) {
    Ops tf = q.tf();
    return DistOps.sumEvent(tf, ElementwiseDistribution.broadcastToBoth(q, p,
        gammaTerms(tf, q.concentration(), q.scale(), p.concentration(), p.scale())));
  }

  /**
   * (aq - ap) digamma(aq) - lgamma(aq) + lgamma(ap) + ap (log bq - log bp) + aq (bp - bq) / bq,
   * for concentrations a and rates b.
   */
  static Operand<TFloat32> gammaTerms(Ops tf, Operand<TFloat32> aq, Operand<TFloat32> bq,
      Operand<TFloat32> ap, Operand<TFloat32> bp) {
    Operand<TFloat32> shape = tf.math.add(
        tf.math.mul(tf.math.sub(aq, ap), SpecialFunctions.digamma(tf, aq)),
        tf.math.sub(tf.math.lgamma(ap), tf.math.lgamma(aq)));
    Operand<TFloat32> rate = tf.math.add(
        tf.math.mul(ap, tf.math.sub(tf.math.log(bq), tf.math.log(bp))),
        tf.math.mul(aq, tf.math.div(tf.math.sub(bp, bq), bq)));
    return tf.math.add(shape, rate);
  }

  /**
   * log B(ap, bp) - log B(aq, bq) + (aq - ap) digamma(aq) + (bq - bp) digamma(bq) + (ap - aq + bp -
   * bq) digamma(aq + bq).
   */
  static Operand<TFloat32> betaBeta(Beta q, Beta p) {
    Ops tf = q.tf();
    Operand<TFloat32> aq = q.concentration1();
    Operand<TFloat32> bq = q.concentration0();
    Operand<TFloat32> ap = p.concentration1();
    Operand<TFloat32> bp = p.concentration0();
    Operand<TFloat32> kl = tf.math.add(
        tf.math.sub(SpecialFunctions.logBeta(tf, ap, bp), SpecialFunctions.logBeta(tf, aq, bq)),
        tf.math.add(
            tf.math.add(tf.math.mul(tf.math.sub(aq, ap), SpecialFunctions.digamma(tf, aq)),
                tf.math.mul(tf.math.sub(bq, bp), SpecialFunctions.digamma(tf, bq))),
            tf.math.mul(tf.math.sub(tf.math.add(ap, bp), tf.math.add(aq, bq)),
                SpecialFunctions.digamma(tf, tf.math.add(aq, bq)))));
    return DistOps.sumEvent(tf, ElementwiseDistribution.broadcastToBoth(q, p, kl));
  }

  /**
   * lgamma(a0) - sum lgamma(a) - lgamma(b0) + sum lgamma(b) + sum (a - b) (digamma(a) -
   * digamma(a0)), for q's concentrations a and p's b, with a0 and b0 their sums.
   */
  static Operand<TFloat32> dirichletDirichlet(Dirichlet q, Dirichlet p) {
    Ops tf = q.tf();
    Operand<TFloat32> a = q.concentration();
    Operand<TFloat32> b = p.concentration();
    Operand<TFloat32> a0 = DistOps.sumEvent(tf, a);
    Operand<TFloat32> b0 = DistOps.sumEvent(tf, b);
    Operand<TFloat32> normalizers = tf.math.add(
        tf.math.sub(tf.math.lgamma(a0), tf.math.lgamma(b0)),
        DistOps.sumEvent(tf, tf.math.sub(tf.math.lgamma(b), tf.math.lgamma(a))));
    Operand<TFloat32> a0Axis = tf.expandDims(a0, tf.constant(-1));
    Operand<TFloat32> cross = DistOps.sumEvent(tf, tf.math.mul(tf.math.sub(a, b),
        tf.math.sub(SpecialFunctions.digamma(tf, a), SpecialFunctions.digamma(tf, a0Axis))));
    return tf.math.add(normalizers, cross);
  }
}
