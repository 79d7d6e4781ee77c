package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A flow posterior and a flow prior in a model whose log-likelihood is known exactly
 * ({@link LinearGaussianFlow}): the passes' log densities (log q0(z0) - Σ log|det| for q, the
 * inverse's for p) make a lower bound that the importance-sampled estimate climbs with k towards
 * the exact log p(x). A log q left out of the weights, or counted twice, puts the estimates above
 * exact or far below it. (The flows' log-determinants themselves are checked against numerical
 * Jacobians in BijectorTest.)
 */
class FlowBoundsTest {

  private static Dataset sample(int n, long seed) {
    double[][] w = {{1.0, -0.5, 0.8}, {0.5, 1.0, 0.0}};
    double[] b = {0.5, -1.0, 0.2};
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[n][3];
    for (int i = 0; i < n; i++) {
      double z0 = 0.7 + 1.5 * gaussian(random);
      double z1 = gaussian(random);
      for (int j = 0; j < 3; j++) {
        rows[i][j] = (float) (z0 * w[0][j] + z1 * w[1][j] + b[j] + LinearGaussian.NOISE_STD * gaussian(random));
      }
    }
    return Dataset.of("x", rows);
  }

  private static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  private static double mean(java.util.List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  @ParameterizedTest
  @EnumSource(value = ObjectiveKind.class, names = {"ELBO", "IWAE"})
  void boundsWithFlowsClimbTowardsTheExactLogLikelihood(ObjectiveKind objective) {
    try (LinearGaussianFlow model = new LinearGaussianFlow(Seed.of(5), objective, objective == ObjectiveKind.ELBO ? 1 : 4)) {
      model.fit(sample(4000, 11), Training.epochs(10).batchSize(100).adam(1e-2).progress(ProgressListener.silent()));
      Dataset test = sample(50, 12);
      float[] flat = test.flat("x");
      double exact = 0;
      for (int i = 0; i < test.size(); i++) {
        exact += model.exactLogLikelihood(Arrays.copyOfRange(flat, 3 * i, 3 * i + 3)) / test.size();
      }
      double elbo = model.elbo(test);
      double few = mean(model.logLikelihoods(test, 10));
      double many = mean(model.logLikelihoods(test, 1000));
      String figures = objective + ": exact " + exact + ", ELBO " + elbo + ", k=10 " + few + ", k=1000 " + many;
      // Measured (2026-12-06): ELBO about 3.5 nats below exact after these 400 steps, k=3000 0.5 to 0.9 below on 100 examples
      // (a plain Normal posterior and prior reach 0.13 below); the band is wide for the short training.
      assertTrue(elbo <= exact + 0.02, figures);
      assertTrue(few > elbo && many > few - 0.05, "the estimate rises with k: " + figures);
      assertTrue(many <= exact + 0.05, "a lower bound: " + figures);
      assertEquals(exact, many, 1.5, figures);
      float[][] z = model.generate(6).get("z");
      assertEquals(6, z.length);
      assertTrue(!Arrays.equals(z[0], z[1]), "every row its own draw from the flow prior");
    }
  }
}
