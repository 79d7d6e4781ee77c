/**
 * Linear-Gaussian latent variable models, probabilistic PCA and factor analysis, in closed form
 * and by EM, with their exact marginal likelihood: the roots of the VAE and the check of what a
 * linear VAE's ELBO reaches.
 */
package dev.helmholtz.linear;
