package dev.helmholtz.samples.bayes;

import dev.helmholtz.infer.HmcResult;
import java.util.Arrays;

/** Helpers for using and summarizing posterior draws in the samples. */
public final class PosteriorDraws {
  private PosteriorDraws() {}

  /**
   * At most {@code max} draws of all chains, as [draw][param] in double precision, evenly
   * thinned over the kept iterations (every chain contributes the same iterations).
   */
  public static double[][] flatten(HmcResult result, int max) {
    int chains = result.chainCount();
    int perChain = Math.max(1, Math.min(result.drawCount(), max / chains));
    double[][] out = new double[perChain * chains][];
    int i = 0;
    for (int t = 0; t < perChain; t++) {
      int iteration = (int) ((long) t * result.drawCount() / perChain);
      for (int c = 0; c < chains; c++) {
        float[] draw = result.draws()[iteration][c];
        double[] copy = new double[draw.length];
        for (int d = 0; d < draw.length; d++) {
          copy[d] = draw[d];
        }
        out[i++] = copy;
      }
    }
    return out;
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
