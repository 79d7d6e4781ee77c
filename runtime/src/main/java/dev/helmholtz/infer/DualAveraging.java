package dev.helmholtz.infer;

/**
 * Dual-averaging step-size adaptation (Hoffman &amp; Gelman 2014, section 3.2.1, algorithm 5)
 * towards a target mean acceptance probability delta, for one step size:
 *
 * <pre>
 *   Hbar_m    = (1 - 1/(m + t0)) Hbar_{m-1} + (delta - alpha_m) / (m + t0)
 *   log eps_m = mu - sqrt(m) / gamma * Hbar_m
 *   log ebar_m = m^-kappa log eps_m + (1 - m^-kappa) log ebar_{m-1}
 * </pre>
 *
 * with mu = log(10 eps_0). During warm-up the sampler uses eps_m; afterwards the averaged ebar.
 * {@link #restart} starts over around the current step size, as Stan does after each update of
 * the mass matrix.
 */
final class DualAveraging {
  private final double targetAcceptance;
  private final double gamma;
  private final double t0;
  private final double kappa;
  private double mu;
  private double hBar;
  private double logStepSize;
  private double logAveragedStepSize;
  private long m;

  DualAveraging(double initialStepSize, double targetAcceptance, double gamma, double t0,
      double kappa) {
    this.targetAcceptance = targetAcceptance;
    this.gamma = gamma;
    this.t0 = t0;
    this.kappa = kappa;
    restart(initialStepSize);
  }

  /** Starts over: mu = log(10 eps), no history. */
  void restart(double stepSize) {
    mu = Math.log(10 * stepSize);
    hBar = 0;
    logStepSize = Math.log(stepSize);
    logAveragedStepSize = 0;
    m = 0;
  }

  /** Records one transition's acceptance probability and moves the step size. */
  void update(double acceptance) {
    double alpha = Double.isNaN(acceptance) ? 0 : Math.min(1, Math.max(0, acceptance));
    m++;
    double w = 1 / (m + t0);
    hBar = (1 - w) * hBar + w * (targetAcceptance - alpha);
    logStepSize = mu - Math.sqrt(m) / gamma * hBar;
    double eta = Math.pow(m, -kappa);
    logAveragedStepSize = eta * logStepSize + (1 - eta) * logAveragedStepSize;
  }

  /** The step size to use during adaptation. */
  double stepSize() {
    return Math.exp(logStepSize);
  }

  /** The averaged step size, used after warm-up; the current one before any update. */
  double averagedStepSize() {
    return m == 0 ? stepSize() : Math.exp(logAveragedStepSize);
  }
}
