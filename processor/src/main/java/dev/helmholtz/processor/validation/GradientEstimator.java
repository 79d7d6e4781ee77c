package dev.helmholtz.processor.validation;

/** How training differentiates through a latent's samples, decided per latent at compile time. */
public enum GradientEstimator {
  /** Pathwise: gradients flow through a reparameterized sample (Normal, Concrete relaxations). */
  REPARAMETERIZED("reparameterized"),
  /**
   * Pathwise, the draw's derivative by implicit differentiation of the CDF (Figurnov et al. 2018):
   * Gamma, InverseGamma, Beta, Dirichlet and Student's t (through a gamma draw), and users'
   * families marked so. For the objective, reparameterized.
   */
  IMPLICIT("implicit reparameterization"),
  /** Score function (REINFORCE) with the objective's baselines: discrete latents under NVIL, VIMCO. */
  SCORE_FUNCTION("score function"),
  /** None through samples: wake-sleep fits q to samples of p instead. */
  NONE("none through samples (wake-sleep)"),
  /** No samples: the latent is summed out over its classes, and q gets gradients through the weights. */
  ENUMERATED("exact, summed out by enumeration");

  private final String description;

  GradientEstimator(String description) {
    this.description = description;
  }

  /** For the model report: "reparameterized", "score function", ... */
  public String description() {
    return description;
  }
}
