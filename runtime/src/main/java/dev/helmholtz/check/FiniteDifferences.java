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
 * <pre>  8 ε max(|f|, 1) / (h/2)  +  2 |D(h) - D(h/2)|  +  max(0.01 max(|R|, |g|), 0.05 ‖g‖₂)</pre>
 *
 * <p>(‖g‖₂ over the entries a random direction moves; 0 for a single entry)
 *
 * <p>(g the autodiff derivative), and the figure is |g - R|. A kink (a ReLU's) between the points
 * spoils the central differences, not the slope at θ that autodiff gives: when the central figure
 * fails, a one-sided Richardson estimate 2 D±(h/2) - D±(h) on either side that agrees with g within
 * its own tolerance (twice the rounding floor, twice its two steps' disagreement, 1%) passes, so a
 * kink on one side is not a failure. A detached variable (g = 0 where f moves), a gradient of the
 * wrong sign or scale, fails both sides by orders of magnitude. Kinks on both sides (a bias that
 * shifts every pixel of a channel) get up to two retries at a tenth of the step, while the rounding
 * floor stays below a quarter of the derivative.
 */
public final class FiniteDifferences {
  /** float32's machine epsilon, 2^-23. */
  public static final double FLOAT32_EPSILON = Math.ulp(1f);

  private FiniteDifferences() {}

  /**
   * The step along a direction for an objective of value {@code value} whose autodiff derivative
   * there is {@code autodiff}: as small as keeps the rounding floor at 1% of the derivative, so
   * that as few kinks as possible lie between the points, within [1e-4, 1e-2]. A derivative of
   * 0 (a detached variable) gets the largest step.
   */
  public static double step(double value, double autodiff) {
    double h = 16 * FLOAT32_EPSILON * Math.max(Math.abs(value), 1) / (0.01 * Math.abs(autodiff));
    return Double.isFinite(h) ? Math.min(1e-2, Math.max(1e-4, h)) : 1e-2;
  }

  /**
   * Compares {@code autodiff}, the derivative of f along a direction at t = 0, with central
   * differences of {@code along} (f(θ + t d) as a function of t) at step {@code h} and h/2.
   *
   * @param value f(θ), for the rounding floor
   */
  public static SelfCheckReport.Row compare(String check, String subject, double autodiff, double value,
      DoubleUnaryOperator along, double h) {
    return compare(check, subject, autodiff, 0, value, along, h);
  }

  /**
   * As {@link #compare(String, String, double, double, DoubleUnaryOperator, double)}, for a
   * derivative along a random ±1 direction over many entries: {@code terms} is the gradient's
   * norm ‖g‖₂ over them, the typical size of such a derivative, and 5% of it is slack, since the
   * signed terms can cancel to a net derivative far below the kinks' share of the differences (a
   * transposed convolution's bias moves every pixel of its channel). A gradient off by a factor
   * misses by about ‖g‖₂.
   */
  public static SelfCheckReport.Row compare(String check, String subject, double autodiff, double terms,
      double value, DoubleUnaryOperator along, double h) {
    SelfCheckReport.Row row = compareAt(check, subject, autodiff, terms, value, along, h);
    // Kinks on both sides: a tenth of the step, while float32 still resolves the derivative there
    // (its rounding floor a quarter of it); a wrong gradient fails at every step.
    for (int refinement = 0; refinement < 2 && row.status() == SelfCheckReport.Status.FAIL; refinement++) {
      h /= 10;
      double floor = 16 * FLOAT32_EPSILON * Math.max(Math.abs(value), 1) / h;
      if (floor > 0.25 * Math.max(Math.abs(autodiff), Math.abs(row.figure() + autodiff))) {
        break;
      }
      SelfCheckReport.Row finer = compareAt(check, subject, autodiff, terms, value, along, h);
      if (finer.status() == SelfCheckReport.Status.PASS) {
        return finer;
      }
    }
    return row;
  }

  private static SelfCheckReport.Row compareAt(String check, String subject, double autodiff, double terms,
      double value, DoubleUnaryOperator along, double h) {
    double plus = along.applyAsDouble(h);
    double minus = along.applyAsDouble(-h);
    double halfPlus = along.applyAsDouble(h / 2);
    double halfMinus = along.applyAsDouble(-h / 2);
    double wide = (plus - minus) / (2 * h);
    double narrow = (halfPlus - halfMinus) / h;
    double richardson = (4 * narrow - wide) / 3;
    double floor = 8 * FLOAT32_EPSILON * Math.max(Math.abs(value), 1) / (h / 2);
    double slack = Math.max(0.01 * Math.max(Math.abs(richardson), Math.abs(autodiff)), 0.05 * terms);
    double tolerance = floor + 2 * Math.abs(wide - narrow) + slack;
    double figure = Math.abs(autodiff - richardson);
    String detail = String.format(Locale.ROOT, "autodiff %s, finite difference %s (h %s: %s)",
        SelfCheckReport.format(autodiff), SelfCheckReport.format(richardson), SelfCheckReport.format(h),
        SelfCheckReport.format(wide));
    if (!Double.isFinite(autodiff) || !Double.isFinite(richardson)) {
      return new SelfCheckReport.Row(check, subject, Double.NaN, tolerance, SelfCheckReport.Status.FAIL,
          detail + "; not finite");
    }
    if (figure > tolerance) {
      // A kink (a ReLU's, a max's) between the points spoils the differences on its side only;
      // autodiff gives the slope at θ, which the side without the kink estimates. One-sided
      // differences at h and h/2, Richardson-combined (O(h²)), on each side.
      double center = along.applyAsDouble(0);
      for (int side : new int[] {1, -1}) {
        double far = (side > 0 ? plus : minus);
        double near = (side > 0 ? halfPlus : halfMinus);
        double dFar = side * (far - center) / h;
        double dNear = side * (near - center) / (h / 2);
        double oneSided = 2 * dNear - dFar;
        double sideTolerance = 2 * floor + 2 * Math.abs(dFar - dNear)
            + Math.max(slack, 0.01 * Math.abs(oneSided));
        double sideFigure = Math.abs(autodiff - oneSided);
        if (sideFigure <= sideTolerance && Double.isFinite(oneSided)) {
          return SelfCheckReport.Row.measured(check, subject, sideFigure, sideTolerance, String.format(Locale.ROOT,
              "autodiff %s, one-sided finite difference %s on the %s side (a kink on the other: central %s)",
              SelfCheckReport.format(autodiff), SelfCheckReport.format(oneSided), side > 0 ? "+" : "-",
              SelfCheckReport.format(richardson)));
        }
      }
    }
    return SelfCheckReport.Row.measured(check, subject, figure, tolerance, detail);
  }
}
