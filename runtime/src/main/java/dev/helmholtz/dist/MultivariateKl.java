package dev.helmholtz.dist;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The analytic KL divergences of {@link MultivariateNormal}, registered by {@link KlDivergence}:
 * against itself in any covariance form, and against a diagonal {@link Normal} either way (a
 * diagonal Normal is a multivariate one of diagonal covariance).
 */
final class MultivariateKl {

  private MultivariateKl() {}

  static void registerAll() {
    KlDivergence.register(MultivariateNormal.class, MultivariateNormal.class, MultivariateKl::gaussian);
    KlDivergence.register(MultivariateNormal.class, Normal.class,
        (q, p) -> gaussian(q, MultivariateNormal.of(p)));
    KlDivergence.register(Normal.class, MultivariateNormal.class,
        (q, p) -> gaussian(MultivariateNormal.of(q), p));
  }

  /**
   * {@code 0.5 (tr(Sp^-1 Sq) + (mp - mq)^T Sp^-1 (mp - mq) - d + log|Sp| - log|Sq|)}, with the
   * trace as p's inverse quadratic form of a square root of Sq: {@code |Lp^-1 Lq|^2} for two
   * scales, {@code |Lq|^2} against the standard Normal (no solve).
   */
  static Operand<TFloat32> gaussian(MultivariateNormal q, MultivariateNormal p) {
    Ops tf = q.tf();
    Covariance pCovariance = p.covarianceForm();
    Operand<TFloat32> trace = pCovariance.inverseQuadratic(q.covarianceForm().root());
    Operand<TFloat32> centred = tf.expandDims(tf.math.sub(q.loc(), p.loc()), tf.constant(-1));
    Operand<TFloat32> quadratic = pCovariance.inverseQuadratic(centred);
    Operand<TFloat32> logRatio = tf.math.sub(pCovariance.logDeterminant(), q.logDeterminant());
    Operand<TFloat32> sum = tf.math.add(tf.math.sub(tf.math.add(trace, quadratic), q.eventSize()), logRatio);
    return tf.math.mul(tf.constant(0.5f), sum);
  }
}
