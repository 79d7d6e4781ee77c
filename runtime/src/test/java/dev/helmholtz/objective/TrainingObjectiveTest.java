package dev.helmholtz.objective;

import static dev.helmholtz.graph.TfTesting.fetch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting.Fetched;
import dev.helmholtz.nn.VariableStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

class TrainingObjectiveTest {
  /** [k = 3, B = 2]: log p(x, z) and log q(z | x) of a training pass. */
  private static final float[][] LOG_JOINT = {{-2f, -5f}, {-4f, -3f}, {-3f, -6f}};
  private static final float[][] LOG_Q = {{-0.5f, -1f}, {-1.5f, -2f}, {-1f, -0.5f}};
  /** [k = 3, B = 2]: log q of the sleep pass's dreamed latents. */
  private static final float[][] DREAM_LOG_Q = {{-1f, -2f}, {-3f, -1f}, {-2f, -2f}};

  /** Which class the factory picks for each kind, and what that objective says of itself. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "ELBO, ElboObjective, true, true, elbo",
      "IWAE, IwaeObjective, true, true, logLikelihood k=5",
      "VIMCO, VimcoObjective, true, true, logLikelihood k=5",
      "NVIL, NvilObjective, false, true, elbo",
      "WAKE_SLEEP, WakeSleepObjective, false, false, elbo",
      "REWEIGHTED_WAKE_SLEEP, ReweightedWakeSleepObjective, false, false, logLikelihood k=5",
  })
  void factoryPicksOneObjectivePerKind(ObjectiveKind kind, String className, boolean splits,
      boolean differentiates, String validation) {
    TrainingObjective objective = TrainingObjective.of(kind, 5, OptionalInt.empty(), 0);
    assertEquals(className, objective.getClass().getSimpleName());
    assertEquals(5, objective.trainingSamples());
    assertEquals(splits, objective.splitsIntoTowers(), "splits into towers");
    assertEquals(differentiates, objective.differentiatesSamples(), "differentiates samples");
    assertEquals(validation, validationCall(objective));
  }

  @Test
  void anEnumeratedLatentTrainsTheEnumeratedBoundOnOneSamplePerClass() {
    TrainingObjective objective = TrainingObjective.of(ObjectiveKind.ELBO, 1, OptionalInt.of(10), 0.5);
    assertInstanceOf(EnumeratedBoundObjective.class, objective);
    assertEquals(10, objective.trainingSamples());
    assertTrue(objective.splitsIntoTowers());
    assertTrue(objective.differentiatesSamples());
    assertEquals("elbo", validationCall(objective));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainingObjective.of(ObjectiveKind.IWAE, 5, OptionalInt.of(10), 0.5));
    assertTrue(e.getMessage().contains("supports the ELBO with samples = 1, not IWAE with samples = 5"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TrainingObjective.of(ObjectiveKind.ELBO, 2, OptionalInt.of(10), 0));
  }

  @Test
  void anEnumeratedLatentUnderAdaptiveImportanceSamplingIsClampedNotSummedOut() {
    TrainingObjective objective = TrainingObjective.of(ObjectiveKind.ADAPTIVE_IMPORTANCE_SAMPLING, 5,
        OptionalInt.of(10), 0.5);
    assertInstanceOf(AdaptiveImportanceSamplingObjective.class, objective);
    assertFalse(objective.enumeratesLabels());
    assertEquals(5, objective.trainingSamples());
    assertTrue(TrainingObjective.of(ObjectiveKind.ELBO, 1, OptionalInt.of(10), 0.5).enumeratesLabels());
  }

  /**
   * Each objective's target from the same pass: its reported value per example, its loss, its
   * terms, and whether it asked for a sleep pass (only the wake-sleep objectives do, once).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"ELBO", "IWAE", "VIMCO", "NVIL", "WAKE_SLEEP", "REWEIGHTED_WAKE_SLEEP"})
  void targetsFromOnePass(ObjectiveKind kind) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      VariableStore variables = new VariableStore(tf, new RandomSource(tf, Seed.of(1)));
      AtomicInteger sleepPasses = new AtomicInteger();
      Supplier<ObjectivePass> sleep = () -> {
        sleepPasses.incrementAndGet();
        return new ConstantPass(tf, DREAM_LOG_Q, DREAM_LOG_Q, new float[2], new float[2]);
      };
      // NVIL trains on one sample per example: its pass is the first sample of the others'.
      boolean nvil = kind == ObjectiveKind.NVIL;
      ConstantPass pass = nvil ? new ConstantPass(tf, new float[][] {LOG_JOINT[0]}, new float[][] {LOG_Q[0]},
          new float[2], new float[2]) : new ConstantPass(tf, LOG_JOINT, LOG_Q, new float[2], new float[2]);
      TrainingObjective objective = TrainingObjective.of(kind, nvil ? 1 : 3, OptionalInt.empty(), 0);
      TrainingTarget target = objective.target(new ObjectiveInputs(tf, pass, variables,
          Map.of("x", tf.constant(new float[][] {{1f}, {0f}})), sleep));
      boolean sleeps = kind == ObjectiveKind.WAKE_SLEEP || kind == ObjectiveKind.REWEIGHTED_WAKE_SLEEP;
      assertEquals(sleeps ? 1 : 0, sleepPasses.get(), "sleep passes built");
      if (nvil) {
        // Its baseline and moving averages are variables of its own, initialized and updated by the model.
        assertEquals(List.of("nvil/baseline_loss", "nvil/signal_scale"), List.copyOf(target.terms().keySet()));
        assertFalse(target.initializers().isEmpty());
        assertFalse(target.afterStep().apply(tf).isEmpty());
        return;
      }
      List<Fetched> out = fetch(s, target.perExample(), target.loss());
      double[] expected = new double[2];
      for (int b = 0; b < 2; b++) {
        expected[b] = switch (kind) {
          case ELBO, WAKE_SLEEP -> meanOverSamples(b, LOG_JOINT, LOG_Q);
          default -> logMeanExp(b);
        };
        assertEquals(expected[b], out.get(0).get(b), 1e-5, "per example " + b);
      }
      if (sleeps) {
        assertNull(target.surrogate());
        assertEquals(List.of("wake/objective", "sleep/log_q"), List.copyOf(target.terms().keySet()));
        Fetched dreams = fetch(s, target.terms().get("sleep/log_q")).get(0);
        double dreamMean = (meanOverSamples(0, DREAM_LOG_Q, new float[3][2])
            + meanOverSamples(1, DREAM_LOG_Q, new float[3][2])) / 2;
        assertEquals(dreamMean, dreams.get(0), 1e-5);
      } else {
        assertEquals(-(expected[0] + expected[1]) / 2, out.get(1).get(0), 1e-5, "loss");
        assertTrue(target.terms().isEmpty());
      }
      if (kind == ObjectiveKind.ELBO) {
        assertEquals(Map.of(ElboObjective.KL_WEIGHT, 1f), variables.hyperparameterDefaults());
      }
    }
  }

  /** M2's towers: the label term is over the labelled examples of every tower, the bounds side by side. */
  @Test
  void theEnumeratedBoundCombinesItsTowersLabelTerms() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      VariableStore variables = new VariableStore(tf, new RandomSource(tf, Seed.of(1)));
      TrainingObjective objective = TrainingObjective.of(ObjectiveKind.ELBO, 1, OptionalInt.of(3), 2);
      List<ConstantPass> passes = List.of(
          new ConstantPass(tf, LOG_JOINT, LOG_Q, new float[] {-1.5f, 0f}, new float[] {1f, 0f}),
          new ConstantPass(tf, LOG_JOINT, LOG_Q, new float[] {-0.5f, -2f}, new float[] {1f, 1f}));
      List<TrainingTarget> towers = new ArrayList<>();
      for (ConstantPass pass : passes) {
        towers.add(objective.target(new ObjectiveInputs(tf, pass, variables, Map.of(), () -> {
          throw new AssertionError("the enumerated bound has no sleep phase");
        })));
      }
      TrainingTarget whole = objective.acrossTowers(tf, passes, towers);
      List<Fetched> out = fetch(s, whole.perExample(), whole.surrogate(),
          whole.terms().get(EnumeratedBoundObjective.LABEL_TERM), towers.get(0).terms().get(EnumeratedBoundObjective.LABEL_TERM));
      assertEquals(4, out.get(0).size());
      double elbo = meanOverSamples(1, LOG_JOINT, LOG_Q);
      assertEquals(elbo, out.get(0).get(3), 1e-5);
      // surrogate: the bound plus alpha = 2 times log q(label | x)
      assertEquals(elbo + 2 * -2.0, out.get(1).get(3), 1e-5);
      assertEquals((-1.5 - 0.5 - 2) / 3, out.get(2).get(0), 1e-6, "over the 3 labelled examples of both towers");
      assertEquals(-1.5, out.get(3).get(0), 1e-6, "over the first tower's one labelled example");
    }
  }

  private static String validationCall(TrainingObjective objective) {
    List<String> calls = new ArrayList<>();
    double value = objective.validation(new BoundEstimators() {
      @Override
      public double elbo(Dataset data) {
        calls.add("elbo");
        return 1;
      }

      @Override
      public double logLikelihood(Dataset data, int k) {
        calls.add("logLikelihood k=" + k);
        return 2;
      }
    }, Dataset.of("x", new float[1][1]));
    assertEquals(1, calls.size());
    assertEquals(calls.get(0).equals("elbo") ? 1 : 2, value);
    return calls.get(0);
  }

  private static double meanOverSamples(int b, float[][] logJoint, float[][] logQ) {
    double sum = 0;
    for (int j = 0; j < logJoint.length; j++) {
      sum += (double) logJoint[j][b] - logQ[j][b];
    }
    return sum / logJoint.length;
  }

  private static double logMeanExp(int b) {
    double sum = 0;
    for (int j = 0; j < LOG_JOINT.length; j++) {
      sum += Math.exp((double) LOG_JOINT[j][b] - LOG_Q[j][b]);
    }
    return Math.log(sum / LOG_JOINT.length);
  }

  /**
   * A training pass over constants, [k = 3, B = 2]: its ELBO the mean log weight (times the KL
   * weight for the KL-weighted one), its score-function log q all of log q.
   */
  private record ConstantPass(Ops tf, float[][] logJointValues, float[][] logQValues, float[] labelLogQ,
      float[] labels) implements ObjectivePass {
    @Override
    public Operand<TFloat32> elboPerExample() {
      return tf.math.mean(logWeights(), tf.constant(0));
    }

    @Override
    public Operand<TFloat32> klWeightedElboPerExample(Operand<TFloat32> klWeight) {
      return tf.math.mul(klWeight, elboPerExample());
    }

    @Override
    public Operand<TFloat32> logWeights() {
      return tf.math.sub(logJoint(), logPosterior());
    }

    @Override
    public Operand<TFloat32> logJoint() {
      return tf.constant(logJointValues);
    }

    @Override
    public Operand<TFloat32> logPosterior() {
      return tf.constant(logQValues);
    }

    @Override
    public Operand<TFloat32> scoreFunctionLogQ() {
      return logPosterior();
    }

    @Override
    public Operand<TFloat32> labelLogPosterior() {
      return tf.constant(labelLogQ);
    }

    @Override
    public Operand<TFloat32> labelled() {
      return tf.constant(labels);
    }

    @Override
    public boolean enumerated() {
      return true;
    }

    @Override
    public Operand<TInt32> k() {
      return tf.constant(logJointValues.length);
    }

    @Override
    public Operand<TInt32> batchSize() {
      return tf.constant(logJointValues[0].length);
    }
  }
}
