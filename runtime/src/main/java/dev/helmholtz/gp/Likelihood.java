package dev.helmholtz.gp;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat64;

/**
 * p(y | f) of a sparse variational GP, as its ELBO and predictions need it: each operand is
 * {@code [n]}, one per data point, with q(f_n) = N(mean_n, variance_n).
 */
public interface Likelihood {

  /** Its own trainable hyperparameters (the Gaussian's noise variance; none for the Bernoulli). */
  List<Hyperparameter> hyperparameters();

  /** E_q(f)[log p(y | f)] per point. */
  Operand<TFloat64> variationalExpectation(ParameterValues values, Operand<TFloat64> mean,
      Operand<TFloat64> variance, Operand<TFloat64> y);

  /** log integral p(y | f) q(f) df per point: the predictive log density of held-out y. */
  Operand<TFloat64> logPredictiveDensity(ParameterValues values, Operand<TFloat64> mean,
      Operand<TFloat64> variance, Operand<TFloat64> y);

  /** E[y] under the predictive distribution per point (for the Bernoulli, p(y = 1)). */
  Operand<TFloat64> predictiveMean(ParameterValues values, Operand<TFloat64> mean, Operand<TFloat64> variance);

  /** Var[y] under the predictive distribution per point. */
  Operand<TFloat64> predictiveVariance(ParameterValues values, Operand<TFloat64> mean, Operand<TFloat64> variance);
}
