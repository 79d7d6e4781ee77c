package dev.helmholtz.gp;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;

/**
 * Binary classification with the logistic link, p(y = 1 | f) = sigmoid(f), labels y in {0, 1}.
 * The expectations over q(f) = N(mean, variance) have no closed form: they are taken by
 * Gauss-Hermite quadrature ({@link GaussHermite}, 20 points by default), deterministic, so the
 * ELBO's gradient carries no Monte Carlo noise from this term (Hensman et al. 2015 use the same
 * one-dimensional quadrature).
 */
public final class BernoulliLikelihood implements Likelihood {
  private final double[] nodes;
  private final double[] logWeights;

  /** The likelihood with 20 quadrature points. */
  public BernoulliLikelihood() {
    this(20);
  }

  /** The likelihood with {@code points} quadrature points. */
  public BernoulliLikelihood(int points) {
    GaussHermite rule = GaussHermite.of(points);
    this.nodes = rule.nodes();
    double[] w = rule.weights();
    this.logWeights = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      logWeights[i] = Math.log(w[i] / Math.sqrt(Math.PI));
    }
  }

  @Override
  public List<Hyperparameter> hyperparameters() {
    return List.of();
  }

  /** log p(y | f) at each quadrature point: {@code [n, points]}. */
  private Operand<TFloat64> logLikelihoodAtNodes(Ops tf, Operand<TFloat64> mean, Operand<TFloat64> variance,
      Operand<TFloat64> y) {
    Operand<TFloat64> f = nodeValues(tf, mean, variance);
    // log sigmoid(s f) = -softplus(-s f) with s = 2y - 1.
    Operand<TFloat64> sign = GpMath.column(tf, tf.math.sub(tf.math.mul(y, tf.constant(2.0)), tf.constant(1.0)));
    return tf.math.neg(tf.math.softplus(tf.math.neg(tf.math.mul(sign, f))));
  }

  /** f = mean + sqrt(2 variance) t_i: {@code [n, points]}. */
  private Operand<TFloat64> nodeValues(Ops tf, Operand<TFloat64> mean, Operand<TFloat64> variance) {
    Operand<TFloat64> scale = GpMath.column(tf, tf.math.sqrt(tf.math.mul(variance, tf.constant(2.0))));
    Operand<TFloat64> t = tf.reshape(tf.constant(nodes), tf.constant(new long[] {1, nodes.length}));
    return tf.math.add(GpMath.column(tf, mean), tf.math.mul(scale, t));
  }

  private Operand<TFloat64> logWeightRow(Ops tf) {
    return tf.reshape(tf.constant(logWeights), tf.constant(new long[] {1, logWeights.length}));
  }

  @Override
  public Operand<TFloat64> variationalExpectation(ParameterValues v, Operand<TFloat64> mean,
      Operand<TFloat64> variance, Operand<TFloat64> y) {
    Ops tf = v.tf();
    Operand<TFloat64> weights = tf.math.exp(logWeightRow(tf));
    return tf.reduceSum(tf.math.mul(weights, logLikelihoodAtNodes(tf, mean, variance, y)), tf.constant(-1));
  }

  @Override
  public Operand<TFloat64> logPredictiveDensity(ParameterValues v, Operand<TFloat64> mean,
      Operand<TFloat64> variance, Operand<TFloat64> y) {
    Ops tf = v.tf();
    Operand<TFloat64> terms = tf.math.add(logWeightRow(tf), logLikelihoodAtNodes(tf, mean, variance, y));
    Operand<TFloat64> max = tf.stopGradient(tf.reduceMax(terms, tf.constant(-1), org.tensorflow.op.core.ReduceMax.keepDims(true)));
    Operand<TFloat64> sum = tf.reduceSum(tf.math.exp(tf.math.sub(terms, max)), tf.constant(-1));
    return tf.math.add(tf.math.log(sum), tf.reshape(max, tf.constant(new long[] {-1})));
  }

  @Override
  public Operand<TFloat64> predictiveMean(ParameterValues v, Operand<TFloat64> mean, Operand<TFloat64> variance) {
    Ops tf = v.tf();
    Operand<TFloat64> weights = tf.math.exp(logWeightRow(tf));
    return tf.reduceSum(tf.math.mul(weights, tf.math.sigmoid(nodeValues(tf, mean, variance))), tf.constant(-1));
  }

  @Override
  public Operand<TFloat64> predictiveVariance(ParameterValues v, Operand<TFloat64> mean, Operand<TFloat64> variance) {
    Ops tf = v.tf();
    Operand<TFloat64> p = predictiveMean(v, mean, variance);
    return tf.math.mul(p, tf.math.sub(tf.constant(1.0), p));
  }
}
