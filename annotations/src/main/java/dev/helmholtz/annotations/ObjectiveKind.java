package dev.helmholtz.annotations;

/**
 * The training objectives a model can declare in {@link Objective#kind()}.
 *
 * <p>Each latent gets a gradient estimator from its family and the objective: under ELBO and
 * IWAE every latent must be reparameterized (Normal, or a Concrete relaxation such as
 * RelaxedBernoulli); under NVIL and VIMCO reparameterized latents still get pathwise gradients
 * and the others (Bernoulli, Categorical) score-function gradients; wake-sleep objectives
 * differentiate through no sample at all. The generated class's Javadoc says which one each
 * latent gets.
 */
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
  IWAE,
  /**
   * Neural variational inference and learning (Mnih &amp; Gregor 2014): the single-sample ELBO,
   * with score-function (REINFORCE) gradients for latents that cannot be reparameterized,
   * variance-reduced by a moving-average baseline, an input-dependent baseline network and
   * variance normalization. One sample per example.
   */
  NVIL,
  /**
   * Variational inference for Monte Carlo objectives (Mnih &amp; Rezende 2016): the
   * importance-weighted bound with {@link Objective#samples()} &ge; 2 samples, with
   * score-function gradients whose baselines leave one sample out at a time.
   */
  VIMCO,
  /**
   * The wake-sleep algorithm (Hinton et al. 1995): the wake phase fits the generative networks
   * to samples of q, the sleep phase fits the encoders to (latent, observed) pairs dreamed from p.
   * No gradient passes through a sample, so any latent family works. One sample per example.
   */
  WAKE_SLEEP,
  /**
   * Reweighted wake-sleep (Bornschein &amp; Bengio 2015) with {@link Objective#samples()} samples:
   * the wake phase fits p and q to samples of q weighted by their normalized importance weights,
   * and a sleep phase also fits q to dreams from p.
   */
  REWEIGHTED_WAKE_SLEEP,
  /**
   * Adaptive importance sampling (ZhuSuan's {@code klpq}; reweighted wake-sleep's wake phases
   * without the sleep phase, Bornschein &amp; Bengio 2015) with {@link Objective#samples()} &ge; 2
   * samples: p is fitted to samples of q weighted by their self-normalized importance weights (the
   * gradient of the importance-weighted log-likelihood), and q, the proposal, to the same weighted
   * samples, which descends the inclusive KL(p(z | x) || q(z | x)). No gradient passes through a
   * sample, so any latent family works.
   */
  ADAPTIVE_IMPORTANCE_SAMPLING
}
