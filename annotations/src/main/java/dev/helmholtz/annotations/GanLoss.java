package dev.helmholtz.annotations;

/**
 * The two-player losses an adversarial model can be trained with, in {@link Discriminator#loss()}.
 * The discriminator's output is read as a logit (minimax, non-saturating) or as a raw score
 * (least-squares, hinge, Wasserstein).
 */
public enum GanLoss {
  /**
   * The minimax game of Goodfellow et al. (2014): the discriminator maximizes
   * {@code E log D(x) + E log(1 - D(G(z)))} and the generator minimizes it. Its generator
   * gradient vanishes while the discriminator rejects the samples confidently, early in training.
   */
  MINIMAX,
  /**
   * The minimax discriminator with the generator maximizing {@code E log D(G(z))} instead
   * (Goodfellow et al. 2014, section 3): same fixed point, strong gradients early. The default.
   */
  NON_SATURATING,
  /**
   * Least-squares GAN (Mao et al. 2017): the discriminator regresses real samples to 1 and
   * generated ones to 0; the generator pulls its samples' scores to 1.
   */
  LEAST_SQUARES,
  /**
   * Hinge loss (Lim &amp; Ye 2017; Miyato et al. 2018): the discriminator minimizes
   * {@code E max(0, 1 - D(x)) + E max(0, 1 + D(G(z)))}; the generator maximizes {@code E D(G(z))}.
   */
  HINGE,
  /**
   * Wasserstein GAN with gradient penalty (Gulrajani et al. 2017): the critic minimizes
   * {@code E D(G(z)) - E D(x) + lambda E (|grad D(x^)| - 1)^2} at random interpolates x^ of real
   * and generated samples; the generator maximizes {@code E D(G(z))}.
   */
  WASSERSTEIN_GP
}
