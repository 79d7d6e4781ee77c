package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import dev.helmholtz.variational.Estimates.MeanError;
import dev.helmholtz.variational.TinySigmoidBeliefNet.Parameters;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.types.TFloat32;

/**
 * Wake-sleep and reweighted wake-sleep train the tiny sigmoid belief net: the exact
 * log-likelihood of the training data (by enumeration) rises, and the objective training
 * reports (the ELBO, or the k-sample bound) stays below it.
 */
class WakeSleepTrainingTest {
  private static final int SIZE = 200;
  private static final int SEGMENTS = 5;

  @ParameterizedTest(name = "{0} k={1}")
  @CsvSource({"WAKE_SLEEP, 1", "REWEIGHTED_WAKE_SLEEP, 3"})
  void trainingRaisesTheExactLogLikelihood(ObjectiveKind kind, int k) {
    Dataset data = Dataset.of("x", TinySigmoidBeliefNet.sample(SIZE, 71));
    float[] flat = data.flat("x");
    try (TinySigmoidBeliefNet model = new TinySigmoidBeliefNet(Seed.of(61), kind, k)) {
      double before = model.meanExactLogLikelihood(flat);
      StringBuilder figures = new StringBuilder(kind + ": exact log p " + before);
      double exact = before;
      for (int segment = 1; segment <= SEGMENTS; segment++) {
        TrainingSummary summary = model.fit(data, Training.epochs(10).batchSize(50).adam(2e-2)
            .seed(segment).progress(ProgressListener.silent()));
        exact = model.meanExactLogLikelihood(flat);
        // The last epoch's reported objective: one draw per example of a bound, at parameters a
        // little behind the final ones. Its noise is that of a mean of 200 single estimates,
        // whose standard error is measured at the segment's final parameters.
        double noise = perExampleError(model, data, k);
        figures.append(String.format("; reported %.4f +- %.4f, exact %.4f", summary.finalObjective(), noise, exact));
        assertTrue(summary.finalObjective() <= exact + 4 * noise, figures.toString());
      }
      assertTrue(exact > before + 0.3, figures.toString());

      // At the final parameters, the reported objective averaged over fresh draws is the bound it
      // claims, by enumeration, and that bound is below log p(x).
      Parameters p = model.parameters();
      double bound = 0;
      for (int i = 0; i < SIZE; i++) {
        bound += TinySigmoidBeliefNet.exactBound(p, TinySigmoidBeliefNet.row(flat, i), k) / SIZE;
      }
      int runs = 50;
      double[] reported = new double[runs];
      try (TFloat32 x = Estimates.matrix(flat, TinySigmoidBeliefNet.OBSERVED)) {
        for (int r = 0; r < runs; r++) {
          reported[r] = Estimates.run(model, x, List.of(model.trainingStep().objectiveMean()))[0][0];
        }
      }
      MeanError value = Estimates.of(reported);
      String outcome = figures + "; at the end: reported " + value + ", enumerated bound " + bound;
      // 4 standard errors of a mean of 50 runs, 1e-4 for float32 sums.
      assertEquals(bound, value.mean(), 4 * value.error() + 1e-4, outcome);
      assertTrue(bound <= exact, outcome);
    }
  }

  /**
   * The standard error of a mean over the data of one draw per example of the k-sample bound:
   * the model's k-sample importance estimates are those draws (at k = 1, the ELBO's).
   */
  private static double perExampleError(TinySigmoidBeliefNet model, Dataset data, int k) {
    double[] estimates = model.logLikelihoods(data, k).stream().mapToDouble(Double::doubleValue).toArray();
    Parameters p = model.parameters();
    double[] expected = new double[estimates.length];
    float[] flat = data.flat("x");
    for (int i = 0; i < expected.length; i++) {
      expected[i] = TinySigmoidBeliefNet.exactBound(p, TinySigmoidBeliefNet.row(flat, i), k);
    }
    return Estimates.paired(estimates, expected).error();
  }
}
