package dev.helmholtz.samples.bayes;

import dev.helmholtz.infer.HmcResult;
import java.util.Arrays;

/** Helpers for using and summarizing posterior draws in the samples. */
public final class PosteriorDraws {
  private PosteriorDraws() {}

  /** {@link HmcResult#pooledDraws}: at most {@code max} draws of all chains, evenly thinned. */
  public static double[][] flatten(HmcResult result, int max) {
    return result.pooledDraws(max);
  }

  public static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** The {@code q} quantile of sorted values, interpolating linearly between order statistics. */
  public static double quantile(double[] sorted, double q) {
    double position = q * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(sorted.length - 1, below + 1);
    return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
  }

  public static double min(double[] values) {
    return Arrays.stream(values).min().orElse(Double.NaN);
  }

  public static double max(double[] values) {
    return Arrays.stream(values).max().orElse(Double.NaN);
  }
}
