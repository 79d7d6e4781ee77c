package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.EarlyStopping;
import dev.helmholtz.train.EpochRecord;
import dev.helmholtz.train.LearningRateSchedule;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.StopReason;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Validation each epoch, early stopping, learning-rate schedules and gradient clipping in {@code fit}. */
class TrainingControlsTest {
  private static final Dataset DATA = data(60, 1);
  /** Far from the training data (every coordinate shifted by 3): its ELBO is many nats lower. */
  private static final Dataset VALIDATION = data(30, 2, 3);

  private static Dataset data(int n, long seed) {
    return data(n, seed, 0);
  }

  private static Dataset data(int n, long seed, double shift) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[n][3];
    for (float[] row : rows) {
      for (int j = 0; j < 3; j++) {
        row[j] = (float) (random.nextDouble() * 4 - 2 + shift);
      }
    }
    return Dataset.of("x", rows);
  }

  private static Training base(int epochs) {
    return Training.epochs(epochs).batchSize(10).adam(3e-2).progress(ProgressListener.silent());
  }

  private static float[] kernelAfter(Training training) {
    try (LinearGaussian model = new LinearGaussian(Seed.of(4), ObjectiveKind.ELBO, 1, true)) {
      model.fit(DATA, training);
      return model.parameter("decode/dense_0/kernel");
    }
  }

  private static double distance(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(s);
  }

  @Test
  void validationRunsAfterEveryEpochAndIsReported() {
    List<String> events = new ArrayList<>();
    ProgressListener listener = new ProgressListener() {
      @Override
      public void validated(int epoch, double objective) {
        events.add("validated " + epoch);
      }
    };
    try (LinearGaussian model = new LinearGaussian(Seed.of(4), ObjectiveKind.ELBO, 1, true)) {
      TrainingSummary s = model.fit(DATA, base(3).validation(VALIDATION).progress(listener));
      assertEquals(List.of("validated 1", "validated 2", "validated 3"), events);
      for (EpochRecord r : s.history()) {
        assertTrue(r.validated() && Double.isFinite(r.validationObjective()), r.toString());
        assertEquals(6L * r.epoch(), r.step());
      }
      // The last epoch's validation is the model's objective on the validation data (ELBO,
      // analytic KL), not on the training data, whose ELBO is far higher.
      double last = s.history().get(2).validationObjective();
      double onValidation = model.elbo(VALIDATION);
      double onTraining = model.elbo(DATA);
      String figures = "reported " + last + ", ELBO on the validation data " + onValidation + ", on the training data "
          + onTraining;
      assertEquals(onValidation, last, 0.5, figures);
      assertTrue(onTraining - onValidation > 5, figures);
    }
  }

  @Test
  void earlyStoppingStopsAfterPatienceEpochsWithoutImprovement() {
    try (LinearGaussian model = new LinearGaussian(Seed.of(4), ObjectiveKind.ELBO, 1, true)) {
      // No gain counts unless it exceeds 1e9 nats: only the first epoch "improves".
      TrainingSummary s = model.fit(DATA, base(10).validation(VALIDATION)
          .earlyStopping(new EarlyStopping(2, 1e9)));
      assertEquals(StopReason.EARLY_STOPPED, s.stopReason());
      assertEquals(3, s.history().size());
      assertEquals(18, s.steps());
    }
    try (LinearGaussian model = new LinearGaussian(Seed.of(4), ObjectiveKind.ELBO, 1, true)) {
      TrainingSummary s = model.fit(DATA, base(4).validation(VALIDATION)
          .earlyStopping(EarlyStopping.patience(10)));
      assertEquals(StopReason.COMPLETED, s.stopReason(), "patience not exhausted in 4 epochs");
      assertEquals(4, s.history().size());
    }
  }

  @Test
  void theLearningRateFollowsTheSchedule() {
    try (LinearGaussian model = new LinearGaussian(Seed.of(4), ObjectiveKind.ELBO, 1, true)) {
      TrainingSummary s = model.fit(DATA, base(3).learningRateSchedule(LearningRateSchedule.stepDecay(1, 0.5)));
      assertEquals(List.of(3e-2, 1.5e-2, 7.5e-3), s.history().stream().map(EpochRecord::learningRate).toList());
    }
    // The rate is really fed: with a schedule that all but stops training after epoch 1, epoch 2
    // barely moves the weights, while a constant rate moves them.
    float[] afterOne = kernelAfter(base(1));
    float[] frozen = kernelAfter(base(2).learningRateSchedule(LearningRateSchedule.stepDecay(1, 1e-6)));
    float[] moving = kernelAfter(base(2));
    assertTrue(distance(afterOne, frozen) < 1e-4, "frozen moved " + distance(afterOne, frozen));
    assertTrue(distance(afterOne, moving) > 1e-2, "constant moved " + distance(afterOne, moving));
  }

  @Test
  void clippingChangesTheUpdatesOnlyWhenTheBoundIsReached() {
    float[] plain = kernelAfter(base(2));
    float[] loose = kernelAfter(base(2).clipGradientNorm(1e6));
    float[] tight = kernelAfter(base(2).clipGradientNorm(1e-3));
    assertTrue(Arrays.equals(plain, loose), "a bound never reached changes nothing, bit for bit");
    assertFalse(Arrays.equals(plain, tight), "a tight bound changes the trajectory");
    for (float v : tight) {
      assertTrue(Float.isFinite(v));
    }
  }

  /**
   * The clipped step's gradients have the bound's global norm. Adam's first update is
   * lr g / (|g| + eps / sqrt(1 - beta2)) per element (bias-corrected moments m = g, v = g^2), so
   * with a bound near that epsilon (3.2e-7) each update gives back its clipped gradient:
   * |g| = eps' |u| / (lr - |u|). Their global norm must be the bound; unclipped, the same step's
   * gradients are a thousand times larger.
   */
  @Test
  void theFirstClippedUpdateHasTheBoundsGlobalNorm() {
    double unclipped = recoveredGradientNorm(0);
    for (double bound : new double[] {1e-6, 3e-6}) {
      double clipped = recoveredGradientNorm(bound);
      assertEquals(bound, clipped, 1e-3 * bound, "bound " + bound + ": recovered global norm " + clipped);
    }
    assertTrue(unclipped > 1e3 * 3e-6, "the bounds are reached: the gradient's norm is " + unclipped);
  }

  /** One Adam step on one batch of 10 (bound 0: no clipping); the global norm of the gradients it applied. */
  private static double recoveredGradientNorm(double bound) {
    double rate = 1e-2;
    double epsilonHat = dev.helmholtz.train.Adam.DEFAULT_EPSILON / Math.sqrt(1 - dev.helmholtz.train.Adam.DEFAULT_BETA2);
    Training oneStep = Training.epochs(1).batchSize(10).adam(rate).progress(ProgressListener.silent());
    try (LinearGaussian model = new LinearGaussian(Seed.of(4), ObjectiveKind.ELBO, 1, true)) {
      List<float[]> before = model.parameterNames().stream().map(model::parameter).toList();
      assertEquals(1, model.fit(DATA.take(10), bound > 0 ? oneStep.clipGradientNorm(bound) : oneStep).steps());
      double squares = 0;
      for (int v = 0; v < before.size(); v++) {
        float[] after = model.parameter(model.parameterNames().get(v));
        for (int i = 0; i < after.length; i++) {
          double update = Math.abs((double) after[i] - before.get(v)[i]);
          double g = epsilonHat * update / (rate - update); // infinite where |g| >> eps' saturates the update
          squares += g * g;
        }
      }
      return Math.sqrt(squares);
    }
  }
}
