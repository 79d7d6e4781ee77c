package dev.helmholtz.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.Seed;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** NUTS on targets whose moments are known. */
class NoUTurnSamplerTest {

  @Test
  void recoversTheMeanAndCovarianceOfACorrelatedGaussian() {
    NutsResult r = NoUTurnSampler.builder(HamiltonianMonteCarloTest::correlatedGaussian, 2)
        .chains(4).warmup(300).draws(500).seed(Seed.of(3)).build().sample();
    double[] mean = r.mean();
    double[][] cov = r.covariance();
    double[] ess = r.effectiveSampleSize();
    double[] rhat = r.rhat();
    String report = "mean " + Arrays.toString(mean) + ", cov " + Arrays.deepToString(cov) + ", ess "
        + Arrays.toString(ess) + ", rhat " + Arrays.toString(rhat) + ", acceptance " + r.samples().acceptanceRate()
        + ", step sizes " + Arrays.toString(r.samples().stepSizes()) + ", inverse mass "
        + Arrays.deepToString(r.inverseMass()) + ", depth " + r.meanTreeDepth() + ", steps " + r.meanLeapfrogSteps()
        + ", " + r.seconds() + " s";
    System.out.println(report);
    double[] mu = HamiltonianMonteCarloTest.MEAN;
    double[] sd = HamiltonianMonteCarloTest.SD;
    double rho = HamiltonianMonteCarloTest.RHO;
    for (int d = 0; d < 2; d++) {
      assertTrue(rhat[d] < 1.01, report);
      // NUTS's point: trajectories long enough to make the draws nearly independent (a U-turn
      // check that stops every tree after a step or two makes a random walk, ESS a few %).
      assertTrue(ess[d] > 0.15 * 4 * 500, report);
      assertEquals(mu[d], mean[d], 4 * sd[d] / Math.sqrt(ess[d]), report);
    }
    // The Monte Carlo error of a variance estimate from n effective draws of a Gaussian is
    // about var sqrt(2 / n); of the covariance about sd0 sd1 sqrt((1 + rho^2) / n).
    double n = Math.min(ess[0], ess[1]);
    assertEquals(sd[0] * sd[0], cov[0][0], 4 * sd[0] * sd[0] * Math.sqrt(2 / n), report);
    assertEquals(sd[1] * sd[1], cov[1][1], 4 * sd[1] * sd[1] * Math.sqrt(2 / n), report);
    assertEquals(rho * sd[0] * sd[1], cov[0][1], 4 * sd[0] * sd[1] * Math.sqrt((1 + rho * rho) / n), report);
    assertEquals(0, r.divergences(), report);
    assertEquals(0, r.maxTreeDepthHits(), report);
  }

  /** Neal's funnel in 10 dimensions, non-centred: v = 3 z0, x_i = exp(v / 2) z_i with z ~ N(0, I). */
  static Operand<TFloat32> nonCentredFunnel(Ops tf, Operand<TFloat32> z) {
    return tf.math.mul(tf.constant(-0.5f), tf.reduceSum(tf.math.square(z), tf.constant(-1)));
  }

  @Test
  void mixesOnNealsFunnelNonCentred() {
    NutsResult r = NoUTurnSampler.builder(NoUTurnSamplerTest::nonCentredFunnel, 10)
        .chains(4).warmup(200).draws(500).seed(Seed.of(7)).build().sample();
    double[] rhat = r.rhat();
    double[] ess = r.effectiveSampleSize();
    // v = 3 z0 and x1 = exp(v / 2) z1, the funnel's own coordinates, pooled over chains.
    double[][] v = r.samples().chains(0);
    double[][] x1 = new double[v.length][];
    double[][] z1 = r.samples().chains(1);
    for (int c = 0; c < v.length; c++) {
      x1[c] = new double[v[c].length];
      for (int t = 0; t < v[c].length; t++) {
        v[c][t] *= 3;
        x1[c][t] = Math.exp(v[c][t] / 2) * z1[c][t];
      }
    }
    double rhatV = McmcDiagnostics.rankNormalizedSplitRhat(v);
    double rhatX = McmcDiagnostics.rankNormalizedSplitRhat(x1);
    double essV = McmcDiagnostics.bulkEffectiveSampleSize(v);
    double meanV = Arrays.stream(v).flatMapToDouble(Arrays::stream).average().orElseThrow();
    String report = "rhat " + Arrays.toString(rhat) + ", ess " + Arrays.toString(ess) + ", v: rhat " + rhatV
        + " ess " + essV + " mean " + meanV + ", x1 rhat " + rhatX + ", divergences " + r.divergences()
        + ", depth " + r.meanTreeDepth() + ", " + r.seconds() + " s";
    System.out.println(report);
    for (double h : rhat) {
      assertTrue(h < 1.01, report);
    }
    assertTrue(rhatV < 1.01 && rhatX < 1.01, report);
    assertEquals(0, meanV, 4 * 3 / Math.sqrt(essV), report);
    assertEquals(0, r.divergences(), report);
  }

  /**
   * With a large fixed step size the leapfrog states' energies spread widely, and only the
   * multinomial weights exp(-H) make the chosen state a draw from the target: choosing states
   * uniformly along the trajectory samples the leapfrog's shadow energy instead, whose variance
   * for N(0, 1) and step 1.6 is 1 / (1 - 1.6^2 / 4) = 2.8.
   */
  @Test
  void theMultinomialWeightsKeepTheVarianceExactAtALargeStepSize() {
    NutsResult r = NoUTurnSampler.builder((tf, z) -> nonCentredFunnel(tf, z), 4)
        .chains(4).warmup(0).draws(500).initialStepSize(1.6).adaptMass(false).seed(Seed.of(11)).build().sample();
    double[][] cov = r.covariance();
    double[] ess = r.effectiveSampleSize();
    String report = "cov " + Arrays.deepToString(cov) + ", ess " + Arrays.toString(ess) + ", acceptance "
        + r.samples().acceptanceRate() + ", depth " + r.meanTreeDepth() + ", " + r.seconds() + " s";
    System.out.println(report);
    for (int d = 0; d < 4; d++) {
      assertEquals(1, cov[d][d], 4 * Math.sqrt(2 / ess[d]), report);
    }
  }
}
