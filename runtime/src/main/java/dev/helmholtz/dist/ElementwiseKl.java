package dev.helmholtz.dist;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * The analytic KL divergences of the elementwise continuous families, registered by {@link
 * KlDivergence}. Each is summed over the event axis of q's and p's draws broadcast together. Logistic, HalfCauchy and the mixed pairs
 * have no closed form: their KL is Monte Carlo.
 */
final class ElementwiseKl {

  private ElementwiseKl() {}

  static void registerAll() {
    KlDivergence.register(Laplace.class, Laplace.class, ElementwiseKl::laplaceLaplace);
    KlDivergence.register(Cauchy.class, Cauchy.class, ElementwiseKl::cauchyCauchy);
    KlDivergence.register(HalfNormal.class, HalfNormal.class, ElementwiseKl::halfNormalHalfNormal);
    KlDivergence.register(LogNormal.class, LogNormal.class, ElementwiseKl::logNormalLogNormal);
    KlDivergence.register(Exponential.class, Exponential.class, ElementwiseKl::exponentialExponential);
    KlDivergence.register(Uniform.class, Uniform.class, ElementwiseKl::uniformUniform);
  }

  /**
   * With d = |mq - mp|: log(bp / bq) + d / bp + (bq / bp) exp(-d / bq) - 1 (the expectation of
   * |x - mp| under q is d + bq exp(-d / bq)).
   */
  static Operand<TFloat32> laplaceLaplace(Laplace q, Laplace p) {
    Ops tf = q.tf();
    Operand<TFloat32> d = tf.math.abs(tf.math.sub(q.loc(), p.loc()));
    Operand<TFloat32> ratio = tf.math.div(q.scale(), p.scale());
    Operand<TFloat32> kl = tf.math.add(
        tf.math.sub(tf.math.div(d, p.scale()), tf.math.log(ratio)),
        tf.math.sub(tf.math.mul(ratio, tf.math.exp(tf.math.neg(tf.math.div(d, q.scale())))),
            tf.constant(1f)));
    return DistOps.sumEvent(tf, ElementwiseDistribution.broadcastToBoth(q, p, kl));
  }

  /** log(((bq + bp)^2 + (mq - mp)^2) / (4 bq bp)) (Chyzak and Nielsen 2019). */
  static Operand<TFloat32> cauchyCauchy(Cauchy q, Cauchy p) {
    Ops tf = q.tf();
    Operand<TFloat32> numerator = tf.math.add(tf.math.square(tf.math.add(q.scale(), p.scale())),
        tf.math.square(tf.math.sub(q.loc(), p.loc())));
    Operand<TFloat32> denominator =
        tf.math.mul(tf.constant(4f), tf.math.mul(q.scale(), p.scale()));
    return DistOps.sumEvent(tf, ElementwiseDistribution.broadcastToBoth(q, p, tf.math.log(tf.math.div(numerator, denominator))));
  }

  /** With r = sq / sp: 0.5 r^2 - 0.5 - log r (the Normal KL at zero means). */
  static Operand<TFloat32> halfNormalHalfNormal(HalfNormal q, HalfNormal p) {
    Ops tf = q.tf();
    Operand<TFloat32> ratio = tf.math.div(q.scale(), p.scale());
    Operand<TFloat32> kl = tf.math.sub(
        tf.math.mul(tf.constant(0.5f), tf.math.sub(tf.math.square(ratio), tf.constant(1f))),
        tf.math.log(ratio));
    return DistOps.sumEvent(tf, ElementwiseDistribution.broadcastToBoth(q, p, kl));
  }

  /** The KL of the logarithms' Normals: exp is a bijection, and KL is invariant under one. */
  static Operand<TFloat32> logNormalLogNormal(LogNormal q, LogNormal p) {
    Ops tf = q.tf();
    Operand<TFloat32> logRatio = tf.math.sub(q.logScale(), p.logScale());
    Operand<TFloat32> z = tf.math.div(tf.math.sub(q.loc(), p.loc()), p.scale());
    Operand<TFloat32> kl = tf.math.sub(tf.math.mul(tf.constant(0.5f), tf.math.sub(
        tf.math.add(tf.math.exp(tf.math.mul(tf.constant(2f), logRatio)), tf.math.square(z)),
        tf.constant(1f))), logRatio);
    return DistOps.sumEvent(tf, ElementwiseDistribution.broadcastToBoth(q, p, kl));
  }

  /** With r = rate_p / rate_q: r - 1 - log r. */
  static Operand<TFloat32> exponentialExponential(Exponential q, Exponential p) {
    Ops tf = q.tf();
    Operand<TFloat32> ratio = tf.math.div(p.rate(), q.rate());
    Operand<TFloat32> kl = tf.math.sub(tf.math.sub(ratio, tf.constant(1f)), tf.math.log(ratio));
    return DistOps.sumEvent(tf, ElementwiseDistribution.broadcastToBoth(q, p, kl));
  }

  /**
   * log((high_p - low_p) / (high_q - low_q)) where q's support lies inside p's, plus infinity
   * where it does not (q puts mass where p has none).
   */
  static Operand<TFloat32> uniformUniform(Uniform q, Uniform p) {
    Ops tf = q.tf();
    Operand<TFloat32> kl = tf.math.sub(tf.math.log(p.width()), tf.math.log(q.width()));
    Operand<TBool> contained = tf.math.logicalAnd(
        tf.math.lessEqual(p.low(), q.low()), tf.math.lessEqual(q.high(), p.high()));
    kl = tf.select(contained, kl, tf.constant(Float.POSITIVE_INFINITY));
    return DistOps.sumEvent(tf, ElementwiseDistribution.broadcastToBoth(q, p, kl));
  }
}
