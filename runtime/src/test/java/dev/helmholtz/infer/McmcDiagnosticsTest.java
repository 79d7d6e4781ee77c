package dev.helmholtz.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The diagnostics on chains whose answers are known. */
class McmcDiagnosticsTest {
  private static final int CHAINS = 4;
  private static final int DRAWS = 2000;

  private static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  /** AR(1) chains x_t = rho x_{t-1} + sqrt(1 - rho^2) e_t, started in the stationary law, shifted by offset * chain. */
  private static double[][] ar1(double rho, double offset, long seed) {
    return ar1(rho, offset, seed, DRAWS);
  }

  private static double[][] ar1(double rho, double offset, long seed, int draws) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][] chains = new double[CHAINS][draws];
    double innovation = Math.sqrt(1 - rho * rho);
    for (int c = 0; c < CHAINS; c++) {
      double x = gaussian(random);
      for (int t = 0; t < draws; t++) {
        x = rho * x + innovation * gaussian(random);
        chains[c][t] = x + offset * c;
      }
    }
    return chains;
  }

  @Test
  void independentDrawsHaveRhatNearOneAndEssNearTheirNumber() {
    for (long seed = 1; seed <= 5; seed++) {
      double[][] chains = ar1(0, 0, seed);
      double n = CHAINS * DRAWS;
      assertEquals(1, McmcDiagnostics.splitRhat(chains), 0.005, "seed " + seed);
      assertEquals(1, McmcDiagnostics.rankNormalizedSplitRhat(chains), 0.006, "seed " + seed);
      // The ESS estimate of iid draws has a relative sd of about 3% at 8000 draws.
      assertEquals(n, McmcDiagnostics.effectiveSampleSize(chains), 0.12 * n, "seed " + seed);
      assertEquals(n, McmcDiagnostics.splitEffectiveSampleSize(chains), 0.12 * n, "seed " + seed);
      assertEquals(n, McmcDiagnostics.bulkEffectiveSampleSize(chains), 0.12 * n, "seed " + seed);
    }
  }

  @Test
  void autocorrelatedChainsHaveTheAr1EffectiveSampleSize() {
    // ESS estimates of strongly correlated chains are noisy (at rho = 0.9 and 4 x 2000 draws
    // they ranged from 236 to 506 around 421 over ten seeds), so these chains are long: at
    // 4 x 20000 the same ten seeds gave 3978 to 4404 around 4211.
    int draws = 20_000;
    for (double rho : new double[] {0.5, 0.9}) {
      double expected = CHAINS * draws * (1 - rho) / (1 + rho);
      for (long seed = 1; seed <= 3; seed++) {
        double[][] chains = ar1(rho, 0, 100 + seed, draws);
        double ess = McmcDiagnostics.effectiveSampleSize(chains);
        assertEquals(expected, ess, 0.1 * expected, "rho " + rho + ", seed " + seed);
        assertEquals(expected, McmcDiagnostics.bulkEffectiveSampleSize(chains), 0.1 * expected,
            "rho " + rho + ", seed " + seed);
        double rhat = McmcDiagnostics.splitRhat(chains);
        assertTrue(rhat < 1.01, "rho " + rho + ": R-hat " + rhat);
      }
    }
  }

  @Test
  void chainsWithShiftedMeansHaveRhatClearlyAboveOne() {
    double[][] chains = ar1(0.5, 1.0, 7);
    assertTrue(McmcDiagnostics.splitRhat(chains) > 1.2, "split R-hat " + McmcDiagnostics.splitRhat(chains));
    assertTrue(McmcDiagnostics.rankNormalizedSplitRhat(chains) > 1.2);
    // Disagreeing chains are worth far fewer draws than they have.
    assertTrue(McmcDiagnostics.effectiveSampleSize(chains) < 0.05 * CHAINS * DRAWS);
  }

  @Test
  void aDriftingChainIsCaughtBySplitting() {
    double[][] chains = ar1(0, 0, 9);
    for (double[] chain : chains) {
      for (int t = 0; t < DRAWS; t++) {
        chain[t] += 3.0 * t / DRAWS; // every chain drifts the same way: no between-chain signal
      }
    }
    assertTrue(McmcDiagnostics.splitRhat(chains) > 1.1, "split R-hat " + McmcDiagnostics.splitRhat(chains));
  }

  @Test
  void chainsDifferingOnlyInScaleAreCaughtByTheRankNormalizedTail() {
    SplittableRandom random = new SplittableRandom(11);
    double[][] chains = new double[CHAINS][DRAWS];
    for (int c = 0; c < CHAINS; c++) {
      double scale = c == 0 ? 4 : 1;
      for (int t = 0; t < DRAWS; t++) {
        chains[c][t] = scale * gaussian(random);
      }
    }
    assertTrue(McmcDiagnostics.splitRhat(chains) < 1.01, "classic R-hat misses it");
    assertTrue(McmcDiagnostics.rankNormalizedSplitRhat(chains) > 1.05,
        "rank-normalized " + McmcDiagnostics.rankNormalizedSplitRhat(chains));
  }

  @Test
  void autocovarianceByFftMatchesTheDirectSum() {
    double[] x = ar1(0.7, 0, 3)[0];
    double mean = McmcDiagnostics.mean(x);
    double[] fft = McmcDiagnostics.autocovariance(x, mean);
    for (int lag : new int[] {0, 1, 5, 100, DRAWS - 1}) {
      double direct = 0;
      for (int t = 0; t + lag < x.length; t++) {
        direct += (x[t] - mean) * (x[t + lag] - mean);
      }
      assertEquals(direct / x.length, fft[lag], 1e-9, "lag " + lag);
    }
  }

  @Test
  void inverseNormalCdfMatchesKnownQuantiles() {
    assertEquals(0, McmcDiagnostics.inverseNormalCdf(0.5), 1e-12);
    assertEquals(1.959963984540054, McmcDiagnostics.inverseNormalCdf(0.975), 1e-8);
    assertEquals(-2.326347874040841, McmcDiagnostics.inverseNormalCdf(0.01), 1e-8);
    assertEquals(3.090232306167814, McmcDiagnostics.inverseNormalCdf(0.999), 1e-8);
  }

  @Test
  void badChainsAreRejectedWithTheirPosition() {
    IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
        () -> McmcDiagnostics.splitRhat(new double[][] {{1, 2, 3, 4}, {1, 2, 3}}));
    assertTrue(ragged.getMessage().contains("chain 1 has 3"), ragged.getMessage());
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> McmcDiagnostics.effectiveSampleSize(new double[][] {{1, 2, Double.NaN, 4}}));
    assertTrue(nan.getMessage().contains("draw 2 of chain 0"), nan.getMessage());
    assertTrue(Double.isNaN(McmcDiagnostics.splitRhat(new double[][] {{1, 1, 1, 1}, {1, 1, 1, 1}})));
  }
}
