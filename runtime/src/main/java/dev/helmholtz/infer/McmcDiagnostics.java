package dev.helmholtz.infer;

import java.util.Arrays;
import java.util.Objects;

/**
 * Convergence diagnostics of Markov chains for one scalar parameter, given as {@code
 * chains[chain][draw]} (every chain the same length): split R-hat (Gelman et al., BDA3, 11.4),
 * its rank-normalized version (Vehtari, Gelman, Simpson, Carpenter &amp; Bürkner 2021) and the
 * effective sample size from Geyer's initial monotone sequence, combined over chains as Stan
 * and ArviZ do.
 *
 * <p>Pure Java, in double precision. Autocovariances are computed by FFT, so a diagnostic of
 * {@code M} chains of {@code N} draws costs O(M N log N).
 */
public final class McmcDiagnostics {
  private McmcDiagnostics() {}

  /**
   * Split R-hat (BDA3): every chain is cut into its first and second half (the middle draw of an
   * odd-length chain is dropped), then R-hat = sqrt(var+ / W) over the 2M half-chains, with W
   * the mean within-chain variance and var+ = (n - 1) / n W + B / n. Close to 1 when the chains
   * agree; above 1.01 is the usual warning sign.
   *
   * @return NaN if every half-chain is constant
   * @throws IllegalArgumentException for fewer than 4 draws per chain, ragged chains, or
   *     non-finite values
   */
  public static double splitRhat(double[][] chains) {
    return rhat(split(check(chains)));
  }

  /**
   * Rank-normalized split R-hat (Vehtari et al. 2021): the maximum of the split R-hat of the
   * rank-normalized draws (the bulk) and of the rank-normalized distances to the median (the
   * tails). Unlike {@link #splitRhat}, it also detects chains that differ in scale only, and it
   * is defined for heavy-tailed posteriors.
   */
  public static double rankNormalizedSplitRhat(double[][] chains) {
    double[][] halves = split(check(chains));
    double bulk = rhat(rankNormalize(halves));
    double median = median(halves);
    double[][] folded = new double[halves.length][];
    for (int c = 0; c < halves.length; c++) {
      folded[c] = new double[halves[c].length];
      for (int i = 0; i < halves[c].length; i++) {
        folded[c][i] = Math.abs(halves[c][i] - median);
      }
    }
    double tail = rhat(rankNormalize(folded));
    return Math.max(bulk, tail);
  }

  /**
   * Effective sample size of the mean (Stan's {@code compute_effective_sample_size}, as in
   * BDA3 11.5 with Geyer's initial monotone sequence): from the chains' autocorrelations averaged
   * over chains and corrected by the between-chain variance, summed in pairs while the pair sums
   * stay positive, made monotone, and capped at {@code M N log10(M N)}. The chains are used as
   * given (not split); see {@link #splitEffectiveSampleSize} for Stan's default.
   *
   * @return NaN if every chain is constant
   */
  public static double effectiveSampleSize(double[][] chains) {
    return ess(check(chains));
  }

  /**
   * {@link #effectiveSampleSize} of the chains split in halves (Stan's {@code
   * compute_split_effective_sample_size}): a chain that drifts counts as two that disagree.
   */
  public static double splitEffectiveSampleSize(double[][] chains) {
    return ess(split(check(chains)));
  }

  /**
   * Bulk effective sample size (Vehtari et al. 2021): {@link #splitEffectiveSampleSize} of the
   * rank-normalized draws; defined for heavy-tailed posteriors too.
   */
  public static double bulkEffectiveSampleSize(double[][] chains) {
    return ess(rankNormalize(split(check(chains))));
  }

  /**
   * The chains of parameter {@code param} from draws laid out as {@code [draw][chain][param]}
   * (how {@link HmcResult} keeps them), as {@code [chain][draw]}.
   */
  public static double[][] chainsOf(float[][][] draws, int param) {
    Objects.requireNonNull(draws, "draws");
    if (draws.length == 0) {
      throw new IllegalArgumentException("no draws");
    }
    int chains = draws[0].length;
    double[][] out = new double[chains][draws.length];
    for (int d = 0; d < draws.length; d++) {
      for (int c = 0; c < chains; c++) {
        out[c][d] = draws[d][c][param];
      }
    }
    return out;
  }

  private static double[][] check(double[][] chains) {
    Objects.requireNonNull(chains, "chains");
    if (chains.length == 0) {
      throw new IllegalArgumentException("no chains");
    }
    int n = -1;
    for (int c = 0; c < chains.length; c++) {
      double[] chain = chains[c];
      if (chain == null) {
        throw new IllegalArgumentException("chain " + c + " is null");
      }
      if (n < 0) {
        n = chain.length;
      } else if (chain.length != n) {
        throw new IllegalArgumentException("chains must have the same length: chain 0 has " + n
            + " draws, chain " + c + " has " + chain.length);
      }
      for (int i = 0; i < chain.length; i++) {
        if (!Double.isFinite(chain[i])) {
          throw new IllegalArgumentException("draw " + i + " of chain " + c + " is " + chain[i]);
        }
      }
    }
    if (n < 4) {
      throw new IllegalArgumentException("diagnostics need at least 4 draws per chain, got " + n);
    }
    return chains;
  }

  /** Each chain's first and second halves; the middle draw of an odd-length chain is dropped. */
  static double[][] split(double[][] chains) {
    int n = chains[0].length;
    int half = n / 2;
    double[][] out = new double[2 * chains.length][];
    for (int c = 0; c < chains.length; c++) {
      out[2 * c] = Arrays.copyOfRange(chains[c], 0, half);
      out[2 * c + 1] = Arrays.copyOfRange(chains[c], n - half, n);
    }
    return out;
  }

  private static double rhat(double[][] chains) {
    int m = chains.length;
    int n = chains[0].length;
    double[] means = new double[m];
    double within = 0;
    for (int c = 0; c < m; c++) {
      means[c] = mean(chains[c]);
      within += variance(chains[c], means[c]) / m;
    }
    double between = variance(means, mean(means)); // B / n
    if (within == 0) {
      return Double.NaN;
    }
    double varPlus = (n - 1.0) / n * within + between;
    return Math.sqrt(varPlus / within);
  }

  private static double ess(double[][] chains) {
    int m = chains.length;
    int n = chains[0].length;
    double[][] acov = new double[m][];
    double[] chainMean = new double[m];
    double meanVar = 0;
    for (int c = 0; c < m; c++) {
      chainMean[c] = mean(chains[c]);
      acov[c] = autocovariance(chains[c], chainMean[c]);
      meanVar += acov[c][0] * n / (n - 1.0) / m;
    }
    if (meanVar == 0) {
      return Double.NaN;
    }
    double varPlus = meanVar * (n - 1.0) / n;
    if (m > 1) {
      varPlus += variance(chainMean, mean(chainMean));
    }
    double[] rho = new double[n];
    rho[0] = 1;
    double rhoEven = 1;
    double rhoOdd = 1 - (meanVar - meanAt(acov, 1)) / varPlus;
    rho[1] = rhoOdd;
    // Geyer's initial positive sequence; the last pairs are left out, as in Stan, so that an
    // antithetic chain's estimate stays stable.
    int s = 1;
    while (s < n - 4 && rhoEven + rhoOdd > 0) {
      rhoEven = 1 - (meanVar - meanAt(acov, s + 1)) / varPlus;
      rhoOdd = 1 - (meanVar - meanAt(acov, s + 2)) / varPlus;
      if (rhoEven + rhoOdd >= 0) {
        rho[s + 1] = rhoEven;
        rho[s + 2] = rhoOdd;
      }
      s += 2;
    }
    int maxS = s;
    if (rhoEven > 0 && maxS + 1 < n) {
      rho[maxS + 1] = rhoEven;
    }
    // Initial monotone sequence.
    for (int t = 1; t <= maxS - 3; t += 2) {
      if (rho[t + 1] + rho[t + 2] > rho[t - 1] + rho[t]) {
        rho[t + 1] = (rho[t - 1] + rho[t]) / 2;
        rho[t + 2] = rho[t + 1];
      }
    }
    double sum = 0;
    for (int t = 0; t < maxS; t++) {
      sum += rho[t];
    }
    double tau = -1 + 2 * sum + (maxS + 1 < n ? rho[maxS + 1] : 0);
    double total = (double) m * n;
    return total / Math.max(tau, 1 / Math.log10(total));
  }

  private static double meanAt(double[][] acov, int lag) {
    double s = 0;
    for (double[] a : acov) {
      s += a[lag];
    }
    return s / acov.length;
  }

  /** Biased (1/n) autocovariances at lags 0..n-1, by FFT of the zero-padded centred chain. */
  static double[] autocovariance(double[] x, double mean) {
    int n = x.length;
    int size = Integer.highestOneBit(Math.max(1, 2 * n - 1));
    if (size < 2 * n) {
      size <<= 1;
    }
    double[] re = new double[size];
    double[] im = new double[size];
    for (int i = 0; i < n; i++) {
      re[i] = x[i] - mean;
    }
    fft(re, im, false);
    for (int i = 0; i < size; i++) {
      re[i] = re[i] * re[i] + im[i] * im[i];
      im[i] = 0;
    }
    fft(re, im, true);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = re[i] / size / n;
    }
    return out;
  }

  /** In-place iterative radix-2 FFT (unnormalized both ways); the length is a power of two. */
  private static void fft(double[] re, double[] im, boolean inverse) {
    int n = re.length;
    for (int i = 1, j = 0; i < n; i++) {
      int bit = n >> 1;
      for (; (j & bit) != 0; bit >>= 1) {
        j ^= bit;
      }
      j ^= bit;
      if (i < j) {
        double t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
    for (int len = 2; len <= n; len <<= 1) {
      double angle = 2 * Math.PI / len * (inverse ? 1 : -1);
      double wRe = Math.cos(angle);
      double wIm = Math.sin(angle);
      for (int i = 0; i < n; i += len) {
        double curRe = 1;
        double curIm = 0;
        for (int k = 0; k < len / 2; k++) {
          int a = i + k;
          int b = a + len / 2;
          double tRe = re[b] * curRe - im[b] * curIm;
          double tIm = re[b] * curIm + im[b] * curRe;
          re[b] = re[a] - tRe;
          im[b] = im[a] - tIm;
          re[a] += tRe;
          im[a] += tIm;
          double next = curRe * wRe - curIm * wIm;
          curIm = curRe * wIm + curIm * wRe;
          curRe = next;
        }
      }
    }
  }

  /**
   * Rank normalization over all chains together: z = Phi^-1((r - 3/8) / (S + 1/4)) with r the
   * rank among all S draws (ties get their average rank).
   */
  static double[][] rankNormalize(double[][] chains) {
    int m = chains.length;
    int n = chains[0].length;
    int total = m * n;
    double[] values = new double[total];
    Integer[] order = new Integer[total];
    for (int c = 0; c < m; c++) {
      for (int i = 0; i < n; i++) {
        values[c * n + i] = chains[c][i];
        order[c * n + i] = c * n + i;
      }
    }
    Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
    double[] rank = new double[total];
    for (int i = 0; i < total; ) {
      int j = i;
      while (j + 1 < total && values[order[j + 1]] == values[order[i]]) {
        j++;
      }
      double average = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        rank[order[k]] = average;
      }
      i = j + 1;
    }
    double[][] out = new double[m][n];
    for (int c = 0; c < m; c++) {
      for (int i = 0; i < n; i++) {
        out[c][i] = inverseNormalCdf((rank[c * n + i] - 0.375) / (total + 0.25));
      }
    }
    return out;
  }

  private static double median(double[][] chains) {
    double[] all = Arrays.stream(chains).flatMapToDouble(Arrays::stream).sorted().toArray();
    int k = all.length / 2;
    return all.length % 2 == 1 ? all[k] : (all[k - 1] + all[k]) / 2;
  }

  /**
   * The standard normal quantile function, by Acklam's rational approximation (relative error
   * below 1.2e-9, far below what ranks of a few thousand draws resolve).
   */
  static double inverseNormalCdf(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("p must be in (0, 1), was " + p);
    }
    final double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
        1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    final double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
        6.680131188771972e+01, -1.328068155288572e+01};
    final double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
        -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    final double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
        3.754408661907416e+00};
    double low = 0.02425;
    double x;
    if (p < low) {
      double q = Math.sqrt(-2 * Math.log(p));
      x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p <= 1 - low) {
      double q = p - 0.5;
      double r = q * q;
      x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
          / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    } else {
      double q = Math.sqrt(-2 * Math.log1p(-p));
      x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    return x;
  }

  static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  /** Sample variance, n - 1 denominator. */
  static double variance(double[] x, double mean) {
    double s = 0;
    for (double v : x) {
      s += (v - mean) * (v - mean);
    }
    return s / (x.length - 1);
  }
  /**
   * At most {@code max} draws of all chains pooled, [draw][param] in double precision, evenly
   * thinned over the kept iterations of draws laid out as {@code [draw][chain][param]} (every
   * chain gives the same iterations, at least one).
   */
  static double[][] pooledDraws(float[][][] draws, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, was " + max);
    }
    int drawCount = draws.length;
    int chains = draws[0].length;
    int perChain = Math.max(1, Math.min(drawCount, max / chains));
    double[][] out = new double[perChain * chains][];
    int i = 0;
    for (int t = 0; t < perChain; t++) {
      int iteration = (int) ((long) t * drawCount / perChain);
      for (int c = 0; c < chains; c++) {
        float[] draw = draws[iteration][c];
        double[] copy = new double[draw.length];
        for (int d = 0; d < draw.length; d++) {
          copy[d] = draw[d];
        }
        out[i++] = copy;
      }
    }
    return out;
  }

  /** The mean of every parameter over all chains and draws of {@code [draw][chain][param]}. */
  static double[] mean(float[][][] draws) {
    double[] mean = new double[draws[0][0].length];
    for (float[][] draw : draws) {
      for (float[] chain : draw) {
        for (int d = 0; d < mean.length; d++) {
          mean[d] += chain[d];
        }
      }
    }
    double n = (double) draws.length * draws[0].length;
    for (int d = 0; d < mean.length; d++) {
      mean[d] /= n;
    }
    return mean;
  }

  /** The covariance over all chains and draws of {@code [draw][chain][param]}, n - 1 denominator. */
  static double[][] covariance(float[][][] draws) {
    double[] mean = mean(draws);
    int dims = mean.length;
    double[][] cov = new double[dims][dims];
    for (float[][] draw : draws) {
      for (float[] chain : draw) {
        for (int i = 0; i < dims; i++) {
          double di = chain[i] - mean[i];
          for (int j = 0; j <= i; j++) {
            cov[i][j] += di * (chain[j] - mean[j]);
          }
        }
      }
    }
    double n = (double) draws.length * draws[0].length - 1;
    for (int i = 0; i < dims; i++) {
      for (int j = 0; j <= i; j++) {
        cov[i][j] /= n;
        cov[j][i] = cov[i][j];
      }
    }
    return cov;
  }
}
