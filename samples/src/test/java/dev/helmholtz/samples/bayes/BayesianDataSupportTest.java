package dev.helmholtz.samples.bayes;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import org.junit.jupiter.api.Test;

/**
 * A Bayesian model's data are checked as a variational model's are: each observed column once,
 * in Java, against its likelihood's fixed support, when the posterior is built, with an error
 * naming the node, the column and the first bad row (not an assertion inside the sampler).
 */
class BayesianDataSupportTest {
  @Test
  void dataOutsideTheLikelihoodsSupportAreAnErrorNamingTheColumnAndRow() {
    GammaObservationsModel model = GammaObservationsModel.create();
    model.logPosterior(Dataset.of("y", new float[][] {{1f}, {2.5f}}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> model.logPosterior(Dataset.of("y", new float[][] {{1f}, {0f}, {2f}, {-1f}})));
    String message = e.getMessage();
    assertTrue(message.contains("column 'y' holds 0.0 at row 1, position 0 (2 of its 4 values are outside the support)"),
        message);
    assertTrue(message.contains("observed node 'y' of") && message.contains("is Gamma, whose values are finite positive"),
        message);
  }
}
