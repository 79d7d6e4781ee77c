package dev.helmholtz.samples.gumbel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ScalarSchedule;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Gumbel-softmax VAE's temperature is a hyperparameter: a training run anneals it through
 * {@link Training#schedule}, and without a schedule it keeps its default, 0.5.
 */
class TemperatureScheduleTest {
  private static final Dataset DATA = data();
  private static final Training SHORT = Training.epochs(1).batchSize(64).adam(1e-3).seed(3)
      .progress(ProgressListener.silent());

  private static Dataset data() {
    try {
      return Mnist.loadDefault().train().take(256).dataset("x").binarized("x", 1);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The ELBO on the data after 4 steps with {@code training}. */
  private static double trainedElbo(Training training) {
    try (GumbelSoftmaxVaeModel model = GumbelSoftmaxVaeModel.create(new GumbelSoftmaxVae(), Seed.of(7),
        ThreadSettings.defaults())) {
      model.fit(DATA, training);
      return model.elbo(DATA);
    }
  }

  @Test
  void aScheduleFeedsTheTemperatureAndItsDefaultIsKeptWithoutOne() {
    try (GumbelSoftmaxVaeModel model = GumbelSoftmaxVaeModel.create(new GumbelSoftmaxVae(), Seed.of(7),
        ThreadSettings.defaults())) {
      assertEquals(Map.of("temperature", 0.5f, "kl_weight", 1f), model.hyperparameters());
    }
    double unscheduled = trainedElbo(SHORT);
    assertEquals(unscheduled, trainedElbo(SHORT.schedule("temperature", ScalarSchedule.constant(0.5))),
        "scheduling the default changes nothing, bit for bit");
    // Jang et al.'s schedule, max(0.5, exp(-1e-4 t)) with t updated every 500 steps, is 1 at
    // each of these 4 steps (t = 0): it trains as the constant 1 does, bit for bit.
    double annealed = trainedElbo(SHORT.schedule("temperature", ScalarSchedule.exponentialDecay(1, 1e-4, 500, 0.5)));
    double atOne = trainedElbo(SHORT.schedule("temperature", ScalarSchedule.constant(1)));
    assertEquals(atOne, annealed, "the schedule's closed form at steps 0-3 is 1");
    assertTrue(atOne != unscheduled, "the temperature fed reaches the model: " + atOne + " at 1, " + unscheduled + " at 0.5");
  }

  @Test
  void badSchedulesAreRefusedWithTheirNameAndValue() {
    try (GumbelSoftmaxVaeModel model = GumbelSoftmaxVaeModel.create(new GumbelSoftmaxVae(), Seed.of(7),
        ThreadSettings.defaults())) {
      IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
          () -> model.fit(DATA, SHORT.schedule("temprature", ScalarSchedule.constant(1))));
      assertTrue(unknown.getMessage().contains("'temprature'") && unknown.getMessage().contains("declares only temperature"),
          unknown.getMessage());
      IllegalArgumentException overflow = assertThrows(IllegalArgumentException.class,
          () -> model.fit(DATA, SHORT.schedule("temperature", ScalarSchedule.constant(1e39))));
      assertTrue(overflow.getMessage().contains("gives 1.0E39 at step 0"), overflow.getMessage());
      assertEquals(0, model.stepsTaken(), "no step ran");
      // 1, 0.5, then 0 at the third step: TensorFlow's assertion, said with the step and the value
      IllegalStateException zero = assertThrows(IllegalStateException.class,
          () -> model.fit(DATA, SHORT.schedule("temperature", ScalarSchedule.linear(1, 0, 2))));
      assertTrue(zero.getMessage().contains("failed at step 3 (epoch 1, batch 3)")
          && zero.getMessage().contains("RelaxedOneHotCategorical: temperature must be finite and > 0")
          && zero.getMessage().contains("{temperature=0.0}"), zero.getMessage());
    }
  }
}
