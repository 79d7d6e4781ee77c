package dev.helmholtz.samples.bayes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.HmcResult;
import dev.helmholtz.infer.VariationalPosterior;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The processor's generated model of a conjugate regression against its closed-form posterior.
 * Each row of x has one non-zero column, so the columns are orthogonal and the posterior is
 * independent across coordinates: precision_d = 1 + sum_n x_nd^2 / sigma^2 and mean_d =
 * sum_n x_nd y_n / (sigma^2 precision_d), which mean-field VI can match exactly.
 */
class KnownNoiseRegressionTest {
  @Test
  void hmcAndViThroughTheVariationalModelFindTheClosedForm() {
    int n = 30;
    int dims = KnownNoiseRegression.D;
    double sigma2 = KnownNoiseRegression.SIGMA * KnownNoiseRegression.SIGMA;
    double[] truth = {0.8, -1.1};
    SplittableRandom random = new SplittableRandom(9);
    float[][] x = new float[n][dims];
    float[][] y = new float[n][1];
    double[] xx = new double[dims];
    double[] xy = new double[dims];
    for (int i = 0; i < n; i++) {
      int d = i % dims;
      x[i][d] = (float) (0.5 + random.nextDouble());
      y[i][0] = (float) (truth[d] * x[i][d] + KnownNoiseRegression.SIGMA * gaussian(random));
      xx[d] += x[i][d] * x[i][d];
      xy[d] += x[i][d] * y[i][0];
    }
    double[] mean = new double[dims];
    double[] sd = new double[dims];
    for (int d = 0; d < dims; d++) {
      double precision = 1 + xx[d] / sigma2;
      mean[d] = xy[d] / sigma2 / precision;
      sd[d] = 1 / Math.sqrt(precision);
    }
    KnownNoiseRegressionModel model = KnownNoiseRegressionModel.create();
    Dataset data = KnownNoiseRegressionModel.dataset(x, y);
    HmcResult hmc = model.hmc(data).chains(4).warmup(300).draws(300).leapfrogSteps(6).seed(Seed.of(3)).build().sample();
    VariationalPosterior q = model.variational(data).steps(1500).learningRate(0.02).seed(Seed.of(4)).build().fit();
    double[] hmcMean = hmc.mean();
    double[][] cov = hmc.covariance();
    double[] ess = hmc.effectiveSampleSize();
    String report = "exact " + Arrays.toString(mean) + " sd " + Arrays.toString(sd) + "; hmc " + Arrays.toString(hmcMean)
        + " cov " + Arrays.deepToString(cov) + " ess " + Arrays.toString(ess) + "; vi " + Arrays.toString(q.means())
        + " sd " + Arrays.toString(q.stds());
    for (int d = 0; d < dims; d++) {
      assertEquals(mean[d], hmcMean[d], 5 * sd[d] / Math.sqrt(ess[d]), report);
      assertEquals(sd[d], Math.sqrt(cov[d][d]), 0.15 * sd[d], report);
      assertEquals(mean[d], q.means()[d], 0.05 * sd[d], report);
      assertEquals(sd[d], q.stds()[d], 0.05 * sd[d], report);
      assertTrue(hmc.rhat()[d] < 1.02, report);
    }
  }

  private static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
