package dev.helmholtz.samples.mixture;

import java.util.ArrayList;
import java.util.List;

/**
 * A learned diagonal-Gaussian mixture prior read back from its variables: each latent's most
 * responsible component (argmax_k of log pi_k + log N(z; mu_k, sigma_k)), and how often each
 * component is chosen. The samples' command groups its prior draws by it and checks that every
 * component is used by the encoded test images.
 */
public final class MixtureComponents {
  private final double[] logWeights;
  private final float[][] means;
  private final float[][] logScales;

  /**
   * @param logits the mixing logits {@code [K]}
   * @param means the component means {@code [K][d]}
   * @param logScales the components' log standard deviations {@code [K * d]}, row-major
   */
  public MixtureComponents(float[] logits, float[][] means, float[] logScales) {
    int k = logits.length;
    int d = means[0].length;
    if (means.length != k || logScales.length != k * d) {
      throw new IllegalArgumentException("a mixture of " + k + " components of width " + d + " needs "
          + k + " means and " + k * d + " log scales, got " + means.length + " and " + logScales.length);
    }
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double sum = 0;
    for (float l : logits) {
      sum += Math.exp(l - max);
    }
    this.logWeights = new double[k];
    for (int i = 0; i < k; i++) {
      logWeights[i] = logits[i] - max - Math.log(sum);
    }
    this.means = means;
    this.logScales = new float[k][d];
    for (int i = 0; i < k; i++) {
      System.arraycopy(logScales, i * d, this.logScales[i], 0, d);
    }
  }

  /** K. */
  public int count() {
    return logWeights.length;
  }

  /** The mixing weight pi_k. */
  public double weight(int k) {
    return Math.exp(logWeights[k]);
  }

  /** The most responsible component of each row of {@code z}. */
  public int[] assign(float[][] z) {
    int[] chosen = new int[z.length];
    for (int r = 0; r < z.length; r++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < count(); k++) {
        double score = logWeights[k];
        for (int j = 0; j < z[r].length; j++) {
          double scaled = (z[r][j] - means[k][j]) * Math.exp(-logScales[k][j]);
          score -= 0.5 * scaled * scaled + logScales[k][j];
        }
        if (score > best) {
          best = score;
          chosen[r] = k;
        }
      }
    }
    return chosen;
  }

  /** The share of {@code assignments} that chose each component. */
  public double[] shares(int[] assignments) {
    double[] shares = new double[count()];
    for (int a : assignments) {
      shares[a] += 1.0 / assignments.length;
    }
    return shares;
  }

  /** The components whose share is below {@code threshold}: unused. */
  public static List<Integer> unused(double[] shares, double threshold) {
    List<Integer> unused = new ArrayList<>();
    for (int k = 0; k < shares.length; k++) {
      if (shares[k] < threshold) {
        unused.add(k);
      }
    }
    return unused;
  }

  /** The rows of {@code rows} assigned to component {@code k}, at most {@code limit}, in order. */
  public static float[][] rowsOf(float[][] rows, int[] assignments, int k, int limit) {
    List<float[]> chosen = new ArrayList<>();
    for (int r = 0; r < rows.length && chosen.size() < limit; r++) {
      if (assignments[r] == k) {
        chosen.add(rows[r]);
      }
    }
    return chosen.toArray(new float[0][]);
  }
}
