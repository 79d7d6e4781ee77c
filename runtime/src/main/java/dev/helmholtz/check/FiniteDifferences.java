package dev.helmholtz.check;

import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/**
 * A derivative of a float32 graph's scalar checked against central finite differences.
 *
 * <p>Along a direction d, D(h) = (f(θ + h d) - f(θ - h d)) / 2h is taken at h and h/2. Their
 * Richardson combination R = (4 D(h/2) - D(h)) / 3 cancels the h² truncation term, and |D(h) -
 * D(h/2)| estimates what is left of truncation and rounding (a kink of a ReLU between the points
 * shows up there too). float32 rounds f to about ε|f| (ε = 2^-23), so no central difference resolves
 * less than about ε|f| / h: the tolerance is
 *
 * <pre>  8 ε max(|f|, 1) / (h/2)  +  2 |D(h) - D(h/2)|  +  0.01 max(|R|, |g|)</pre>
 *
 * <p>(g the autodiff derivative), and the figure is |g - R|. A detached variable (g = 0 where f
 * moves), a gradient of the wrong sign or scale, fails it by orders of magnitude.
 */
public final class FiniteDifferences {
  /** float32's machine epsilon, 2^-23. */
  public static final double FLOAT32_EPSILON = Math.ulp(1f);

  private FiniteDifferences() {}

  /**
   * Compares {@code autodiff}, the derivative of f along a direction at t = 0, with central
   * differences of {@code along} (f(θ + t d) as a function of t) at step {@code h} and h/2.
   *
   * @param value f(θ), for the rounding floor
   */
  public static SelfCheckReport.Row compare(String check, String subject, double autodiff, double value,
      DoubleUnaryOperator along, double h) {
    double wide = (along.applyAsDouble(h) - along.applyAsDouble(-h)) / (2 * h);
    double narrow = (along.applyAsDouble(h / 2) - along.applyAsDouble(-h / 2)) / h;
    double richardson = (4 * narrow - wide) / 3;
    double floor = 8 * FLOAT32_EPSILON * Math.max(Math.abs(value), 1) / (h / 2);
    double tolerance = floor + 2 * Math.abs(wide - narrow) + 0.01 * Math.max(Math.abs(richardson), Math.abs(autodiff));
    double figure = Math.abs(autodiff - richardson);
    String detail = String.format(Locale.ROOT, "autodiff %s, finite difference %s (h %s: %s)",
        SelfCheckReport.format(autodiff), SelfCheckReport.format(richardson), SelfCheckReport.format(h),
        SelfCheckReport.format(wide));
    if (!Double.isFinite(autodiff) || !Double.isFinite(richardson)) {
      return new SelfCheckReport.Row(check, subject, Double.NaN, tolerance, SelfCheckReport.Status.FAIL,
          detail + "; not finite");
    }
    return SelfCheckReport.Row.measured(check, subject, figure, tolerance, detail);
  }
}
