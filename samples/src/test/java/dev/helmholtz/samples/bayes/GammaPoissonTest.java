package dev.helmholtz.samples.bayes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.HmcResult;
import dev.helmholtz.train.ThreadSettings;
import org.junit.jupiter.api.Test;

/**
 * The hierarchical Gamma-Poisson model against its conjugate posterior, Gamma(a + sum y, b + n)
 * per group: HMC's posterior means and standard deviations of the rates within five Monte Carlo
 * standard errors (sd / sqrt(ESS), and sd / sqrt(2 ESS) for the sd), and the Gamma variational
 * posterior (implicit reparameterization, analytic Gamma KL) at the exact one's mean and standard
 * deviation within 3%.
 */
class GammaPoissonTest {

  private static final GammaPoisson MODEL = GammaPoisson.simulate(6, 3, 30, 2, 0.5, 3);

  @Test
  void hmcMatchesTheConjugatePosterior() {
    HmcResult result = MODEL.hmc().chains(4).warmup(300).draws(500).leapfrogSteps(8)
        .seed(Seed.of(1)).build().sample();
    double[][] draws = GammaPoisson.rateDraws(result);
    double[] ess = result.effectiveSampleSize();
    double[][] exact = MODEL.conjugatePosterior();
    for (int j = 0; j < MODEL.groups(); j++) {
      double mean = 0;
      for (double[] d : draws) {
        mean += d[j];
      }
      mean /= draws.length;
      double ss = 0;
      for (double[] d : draws) {
        ss += (d[j] - mean) * (d[j] - mean);
      }
      double sd = Math.sqrt(ss / (draws.length - 1));
      double exactMean = exact[j][0] / exact[j][1];
      double exactSd = Math.sqrt(exact[j][0]) / exact[j][1];
      assertTrue(ess[j] > 200, "ESS of group " + j + ": " + ess[j]);
      assertEquals(exactMean, mean, 5 * exactSd / Math.sqrt(ess[j]), "posterior mean of group " + j);
      assertEquals(exactSd, sd, 5 * exactSd / Math.sqrt(2 * ess[j]), "posterior sd of group " + j);
    }
  }

  @Test
  void gammaVariationalPosteriorIsTheConjugateOne() {
    GammaPoisson.VariationalFit fit = MODEL.variational(3000, 32, 0.05, Seed.of(2), ThreadSettings.defaults());
    double[][] exact = MODEL.conjugatePosterior();
    for (int j = 0; j < MODEL.groups(); j++) {
      double[] q = fit.parameters()[j];
      assertEquals(exact[j][0] / exact[j][1], q[0] / q[1], 0.03 * exact[j][0] / exact[j][1], "mean of group " + j);
      assertEquals(Math.sqrt(exact[j][0]) / exact[j][1], Math.sqrt(q[0]) / q[1],
          0.03 * Math.sqrt(exact[j][0]) / exact[j][1], "sd of group " + j);
    }
  }
}
