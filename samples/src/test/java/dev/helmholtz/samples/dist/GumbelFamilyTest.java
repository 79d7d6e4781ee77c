package dev.helmholtz.samples.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.KlDivergence;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A family of the user's own ({@link Gumbel}, marked {@code @Family}) is a node type end to end:
 * its logProb is the objective's likelihood term (checked against the Gumbel density computed by
 * hand), its learned parameters move to the data's, and as a latent (with its standard prior and
 * its own analytic KL, {@code @Family(kl)}) it trains a VAE. The KL is checked against Monte Carlo,
 * on its own and inside the ELBO.
 */
class GumbelFamilyTest {

  /** Gumbel(loc, scale) draws by inversion: loc - scale log(-log u). */
  private static float[][] gumbelRows(int rows, double[] loc, double[] scale, long seed) {
    Random r = new Random(seed);
    float[][] x = new float[rows][loc.length];
    for (float[] row : x) {
      for (int j = 0; j < loc.length; j++) {
        row[j] = (float) (loc[j] - scale[j] * Math.log(-Math.log(r.nextDouble())));
      }
    }
    return x;
  }

  /** The mean over rows of sum_j log Gumbel(x_j; 0, 1) = -(x_j + exp(-x_j)). */
  private static double standardGumbelLogLikelihood(float[][] x) {
    double total = 0;
    for (float[] row : x) {
      for (float v : row) {
        total += -(v + Math.exp(-v));
      }
    }
    return total / x.length;
  }

  @Test
  void theUserFamilysLogProbIsTheObjectiveAndItsParametersLearnTheData() {
    double[] loc = {2.0, -1.0, 0.5};
    double[] scale = {0.5, 2.0, 1.0};
    float[][] train = gumbelRows(2048, loc, scale, 1);
    float[][] test = gumbelRows(512, loc, scale, 2);
    try (GumbelLikelihoodFit model = GumbelLikelihoodFit.create(Seed.of(3))) {
      // Before training the parameters are zeros: Gumbel(0, 1), and no latent, so the ELBO is
      // exactly the mean log-likelihood under it.
      double before = model.elbo(Dataset.of("x", test));
      double byHand = standardGumbelLogLikelihood(test);
      assertEquals(byHand, before, 1e-4 * Math.abs(byHand), "ELBO " + before + ", by hand " + byHand);

      model.fit(Dataset.of("x", train),
          Training.epochs(30).batchSize(256).adam(5e-2).progress(ProgressListener.silent()));
      double after = model.elbo(Dataset.of("x", test));
      // The true parameters' log-likelihood on the test rows: the fit should come close to it.
      double truth = 0;
      for (float[] row : test) {
        for (int j = 0; j < 3; j++) {
          double z = (row[j] - loc[j]) / scale[j];
          truth += -(z + Math.exp(-z)) - Math.log(scale[j]);
        }
      }
      truth /= test.length;
      assertTrue(after > before + 1, "ELBO before " + before + ", after " + after);
      assertEquals(truth, after, 0.05, "fitted log-likelihood " + after + ", at the true parameters " + truth);
      // Every generated row is the fitted family's mean, loc + scale * gamma per column: n rows of it.
      float[][] means = model.sample(8);
      assertEquals(8, means.length);
      for (float[] row : means) {
        for (int j = 0; j < 3; j++) {
          double expected = loc[j] + scale[j] * 0.5772156649;
          assertEquals(expected, row[j], 0.15, "mean of column " + j);
        }
      }
    }
  }

  @Test
  void aUserFamilyLatentTrainsAVae() {
    Random r = new Random(4);
    float[][] x = new float[1024][6];
    for (float[] row : x) {
      double z1 = r.nextGaussian();
      double z2 = r.nextGaussian();
      for (int j = 0; j < 6; j++) {
        row[j] = (float) ((j - 2.5) * z1 + (j % 3 - 1) * z2 + 0.1 * r.nextGaussian());
      }
    }
    Dataset data = Dataset.of("x", x);
    try (GumbelModels_GumbelLatentVaeModel model = GumbelModels_GumbelLatentVaeModel.create(Seed.of(5))) {
      double before = model.elbo(data);
      model.fit(data, Training.epochs(5).batchSize(64).adam(1e-2).progress(ProgressListener.silent()));
      double after = model.elbo(data);
      assertTrue(Double.isFinite(after) && after > before + 5, "ELBO before " + before + ", after " + after);
      Map<String, float[][]> generated = model.generate(4);
      assertEquals(4, generated.get("z").length);
      assertEquals(2, generated.get("z")[0].length);
    }
  }

  @Test
  void theFamilysAnalyticKlMatchesMonteCarlo() {
    int n = 40_000;
    try (Graph g = new Graph(); Session session = new Session(g)) {
      Ops tf = Ops.create(g);
      Gumbel q = Gumbel.locScale(tf.constant(new float[] {0.5f, -1f, 2f}), tf.constant(new float[] {1f, 0.5f, 2f}));
      Gumbel p = Gumbel.locScale(tf.constant(new float[] {0f, 0.5f, 1f}), tf.constant(new float[] {1.5f, 1f, 0.7f}));
      Gumbel rows = q.mapParameters(x -> tf.broadcastTo(x, tf.constant(new long[] {n, 3})));
      Operand<TFloat32> draws = rows.sample(new RandomSource(tf, Seed.of(7)));
      Operand<TFloat32> estimates = KlDivergence.monteCarlo(rows, p, draws);
      try (Result r = session.runner().fetch(Gumbel.kl(q, p)).fetch(estimates).run()) {
        double analytic = ((TFloat32) r.get(0)).getFloat();
        TFloat32 e = (TFloat32) r.get(1);
        assertEquals(Shape.of(n), e.shape());
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
          double v = e.getFloat(i);
          sum += v;
          sumSq += v * v;
        }
        double mean = sum / n;
        double se = Math.sqrt((sumSq / n - mean * mean) / n);
        assertTrue(analytic > 0.5, "the pair is far apart: KL " + analytic);
        assertEquals(mean, analytic, 5 * se, "Monte Carlo " + mean + " ± " + se);
      }
    }
  }

  /**
   * The ELBO with the family's analytic KL against the single-sample importance estimate (k = 1),
   * log p(x, z) − log q(z | x) at one draw, whose mean is the same ELBO with a Monte Carlo KL: a
   * wrong closed form would move one and not the other.
   */
  @Test
  void theElboTakesTheAnalyticKlAndAgreesWithMonteCarlo() {
    // One row repeated: the estimates then differ only by their draws of z, not by the data.
    float[][] x = new float[4000][];
    java.util.Arrays.fill(x, new float[] {-1f, -0.5f, 0f, 0.5f, 1f, 1.5f});
    Dataset data = Dataset.of("x", x);
    try (GumbelModels_GumbelLatentVaeModel model = GumbelModels_GumbelLatentVaeModel.create(Seed.of(8))) {
      // Trained a little, q(z | x) moves away from the prior: every term of the KL matters.
      model.fit(data, Training.epochs(2).batchSize(200).adam(1e-2).progress(ProgressListener.silent()));
      double elbo = model.elbo(data);
      List<Double> single = model.logLikelihoods(data, 1);
      double mean = single.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      double var = single.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / (single.size() - 1);
      double se = Math.sqrt(var / single.size());
      assertEquals(mean, elbo, 5 * Math.sqrt(2) * se, "ELBO " + elbo + ", Monte Carlo " + mean + " ± " + se);
    }
  }
}
