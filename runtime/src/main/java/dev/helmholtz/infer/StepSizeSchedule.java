package dev.helmholtz.infer;

/**
 * The step size of a stochastic-gradient sampler at update t = 0, 1, 2, ...: constant, or the
 * polynomial decay a (b + t)^-gamma of Welling &amp; Teh (2011), whose sum diverges and the sum of
 * whose squares converges for gamma in (0.5, 1], the Robbins-Monro conditions under which SGLD's
 * bias vanishes. A constant step leaves a bias of the order of the step (see {@link
 * StochasticGradientMcmc}) but mixes faster.
 */
public final class StepSizeSchedule {
  private final double a;
  private final double b;
  private final double gamma;

  private StepSizeSchedule(double a, double b, double gamma) {
    this.a = a;
    this.b = b;
    this.gamma = gamma;
  }

  /** epsilon_t = {@code stepSize} for every t. */
  public static StepSizeSchedule constant(double stepSize) {
    positive("stepSize", stepSize);
    return new StepSizeSchedule(stepSize, 1, 0);
  }

  /**
   * epsilon_t = a (b + t)^-gamma.
   *
   * @param a scale, > 0
   * @param b offset, > 0 (epsilon_0 = a b^-gamma)
   * @param gamma decay exponent, in [0, 1] (in (0.5, 1] for the Robbins-Monro conditions)
   */
  public static StepSizeSchedule polynomial(double a, double b, double gamma) {
    positive("a", a);
    positive("b", b);
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new IllegalArgumentException("gamma must be in [0, 1], was " + gamma);
    }
    return new StepSizeSchedule(a, b, gamma);
  }

  /** The step size at update {@code t} (0-based, counted over burn-in and sampling). */
  public double at(long t) {
    if (t < 0) {
      throw new IllegalArgumentException("t must be >= 0, was " + t);
    }
    return gamma == 0 ? a : a * Math.pow(b + t, -gamma);
  }

  private static void positive(String name, double value) {
    if (!(value > 0 && Double.isFinite(value))) {
      throw new IllegalArgumentException(name + " must be finite and > 0, was " + value);
    }
  }

  @Override
  public String toString() {
    return gamma == 0 ? "constant(" + a + ")" : a + " * (" + b + " + t)^-" + gamma;
  }
}
