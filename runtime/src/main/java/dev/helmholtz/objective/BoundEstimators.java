package dev.helmholtz.objective;

import dev.helmholtz.data.Dataset;

/** The estimates of log p(x) over a data set that a model computes, for an objective's validation figure. */
public interface BoundEstimators {
  /** The mean single-sample ELBO per example. */
  double elbo(Dataset data);

  /** The mean importance-sampled estimate of log p(x) per example with {@code k} samples (the k-sample bound). */
  double logLikelihood(Dataset data, int k);
}
