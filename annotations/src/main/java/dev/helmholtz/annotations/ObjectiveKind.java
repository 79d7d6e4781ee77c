package dev.helmholtz.annotations;

/** The training objectives a model can declare in {@link Objective#kind()}. */
public enum ObjectiveKind {
  /**
   * The evidence lower bound with reparameterized gradients (SGVB, Kingma &amp; Welling 2014).
   * Uses the analytic KL divergence for a latent whose posterior and prior have one, a Monte
   * Carlo estimate otherwise. Every latent needs a reparameterized sampler.
   */
  ELBO,
  /**
   * The importance-weighted bound with {@link Objective#samples()} samples (Burda et al. 2016).
   * Every latent needs a reparameterized sampler.
   */
  IWAE
}
