package dev.helmholtz.gp;

/**
 * The predictive distribution of the latent function at test inputs: its mean and variance per
 * point (marginals; for regression the observations' variance adds the noise variance, {@link
 * #observationVariance}).
 *
 * @param mean the predictive mean of f per test point
 * @param variance the predictive variance of f per test point
 * @param observationVariance the predictive variance of y per test point (f's plus the noise's;
 *     for a non-Gaussian likelihood f's)
 */
public record GpPrediction(double[] mean, double[] variance, double[] observationVariance) {}
