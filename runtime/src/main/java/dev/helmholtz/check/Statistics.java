package dev.helmholtz.check;

/** Means with their standard errors, and the thresholds the self-checks compare them with. */
public final class Statistics {
  private Statistics() {}

  /** A sample mean and its standard error. */
  public record MeanError(double mean, double standardError) {}

  /** The mean of {@code xs} and its standard error (the sample standard deviation over √n). */
  public static MeanError meanError(double[] xs) {
    int n = xs.length;
    double mean = 0;
    for (double x : xs) {
      mean += x;
    }
    mean /= n;
    double ss = 0;
    for (double x : xs) {
      ss += (x - mean) * (x - mean);
    }
    return new MeanError(mean, n > 1 ? Math.sqrt(ss / (n - 1) / n) : Double.NaN);
  }

  /**
   * The two-sided normal quantile that m comparisons together exceed with probability at most
   * {@code alpha} (Bonferroni): z with 2 m (1 - Φ(z)) = alpha. A check of m entries at this
   * threshold has a false-alarm rate of at most alpha.
   */
  public static double bonferroniZ(int m, double alpha) {
    double tail = alpha / (2.0 * Math.max(m, 1));
    // Bisection on the normal tail, erfc-based; the thresholds needed lie in [1, 8].
    double lo = 0;
    double hi = 10;
    for (int i = 0; i < 100; i++) {
      double mid = (lo + hi) / 2;
      if (upperTail(mid) > tail) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return (lo + hi) / 2;
  }

  /** 1 - Φ(z) for z ≥ 0, from the complementary error function (Numerical Recipes' erfcc, 1.2e-7). */
  static double upperTail(double z) {
    double x = z / Math.sqrt(2);
    double t = 1 / (1 + 0.5 * x);
    double erfc = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
        + t * (-0.82215223 + t * 0.17087277)))))))));
    return erfc / 2;
  }
}
