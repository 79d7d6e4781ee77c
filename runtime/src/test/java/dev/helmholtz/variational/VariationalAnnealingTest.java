package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.AnnealedImportanceSampler;
import dev.helmholtz.infer.LogMarginalLikelihood;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * AIS through a variational model's generated passes, on {@link LinearGaussian} (untrained: AIS
 * needs no encoder), whose exact log p(x) under its current decoder is known.
 */
class VariationalAnnealingTest {

  @Test
  void annealedEstimateOfAVariationalModelIsItsExactLogLikelihood() {
    try (LinearGaussian model = new LinearGaussian(Seed.of(3), ObjectiveKind.ELBO, 1, true)) {
      SplittableRandom random = new SplittableRandom(4);
      float[][] rows = new float[5][3];
      for (float[] row : rows) {
        for (int j = 0; j < 3; j++) {
          row[j] = (float) (2 * random.nextDouble() - 1);
        }
      }
      Dataset data = Dataset.of("x", rows);
      AnnealedImportanceSampler.Estimate estimate = model.annealedLogLikelihood(data, 5,
          AnnealedImportanceSampler.Settings.of(8, 40, 9));
      LogMarginalLikelihood ll = estimate.logLikelihood();
      double exact = Arrays.stream(rows).mapToDouble(model::exactLogLikelihood).average().orElseThrow();
      assertEquals(exact, ll.mean(), 4 * ll.standardError() + 0.02, "AIS " + ll.mean() + " +- " + ll.standardError());
      assertEquals(8, ll.k());
    }
  }

  @Test
  void dynamicallyBinarizedDataIsRefused() {
    try (LinearGaussian model = new LinearGaussian(Seed.of(3), ObjectiveKind.ELBO, 1, true)) {
      Dataset data = Dataset.of("x", new float[][] {{0.2f, 0.5f, 0.9f}}).dynamicallyBinarized("x");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> model.annealedLogLikelihood(data, 5, AnnealedImportanceSampler.Settings.of(2, 10, 1)));
      assertEquals(true, e.getMessage().contains("dynamically binarized"), e.getMessage());
    }
  }
}
