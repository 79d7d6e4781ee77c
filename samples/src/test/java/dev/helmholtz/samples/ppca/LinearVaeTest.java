package dev.helmholtz.samples.ppca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.linear.LinearGaussianModel;
import dev.helmholtz.linear.Subspaces;
import dev.helmholtz.train.LearningRateSchedule;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import org.junit.jupiter.api.Test;

/**
 * The linear VAE trained by the ELBO reaches PPCA's closed-form maximum likelihood (Tipping and
 * Bishop 1999): its bound, computed in closed form from its parameters, ends within the optimizer's
 * tolerance (0.1 nats of about 32; 1200 Adam steps leave 0.02-0.07 depending on the seed, from a
 * start more than 10 nats away) of the closed-form log-likelihood, its decoder's exact likelihood no higher than that
 * maximum, and its W spans the top principal components.
 */
class LinearVaeTest {
  @Test
  void theElboOptimumIsTheClosedFormLikelihoodAndItsSubspaceThePrincipalOne() {
    PpcaData source = new PpcaData(7);
    float[][] rows = source.sample(2000, 8);
    LinearGaussianModel.Moments data = LinearGaussianModel.Moments.of(rows);
    double best = LinearGaussianModel.probabilisticPca(data, PpcaData.COMPONENTS).logLikelihood(data);
    double[][] principal = Subspaces.topPrincipalComponents(data, PpcaData.COMPONENTS);
    try (LinearVaeModel model = LinearVaeModel.create(new LinearVae(), Seed.of(3), ThreadSettings.of(1, 1))) {
      LinearVaeFit untrained = LinearVaeFit.of(model);
      assertTrue(untrained.elbo(data) < best - 10, "the start is far from the optimum: " + untrained.elbo(data));
      model.fit(Dataset.of("x", rows), Training.epochs(60).batchSize(100).adam(0.2).seed(3)
          .learningRateSchedule(LearningRateSchedule.exponentialDecay(0.01, 1200)).progress(ProgressListener.silent()));
      LinearVaeFit fit = LinearVaeFit.of(model);
      double elbo = fit.elbo(data);
      double logLikelihood = fit.logLikelihood(data);
      assertTrue(elbo <= logLikelihood + 1e-9, "a bound: " + elbo + " vs " + logLikelihood);
      assertTrue(logLikelihood <= best + 1e-6, "the closed form is the maximum: " + logLikelihood + " vs " + best);
      double[] angles = Subspaces.principalAngles(fit.decoder().weights(), principal);
      assertEquals(best, elbo, 0.1, "the ELBO's optimum is the maximum likelihood; its own log-likelihood "
          + logLikelihood + ", largest principal angle " + Math.toDegrees(angles[angles.length - 1]));
      assertTrue(Math.toDegrees(angles[angles.length - 1]) < 2, "largest principal angle "
          + Math.toDegrees(angles[angles.length - 1]) + " degrees");
      // The model's own Monte Carlo ELBO agrees with the closed form read off its parameters.
      assertEquals(elbo, model.elbo(Dataset.of("x", rows)), 0.3);
    }
  }
}
