package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.check.SelfCheckException;
import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckPlan;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.objective.BoundEstimators;
import dev.helmholtz.objective.NeuralVariationalInference;
import dev.helmholtz.objective.ObjectiveInputs;
import dev.helmholtz.objective.TrainingObjective;
import dev.helmholtz.objective.TrainingTarget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The self-check's score-function row: NVIL on the tiny sigmoid belief net (2 binary latents, so
 * 4 configurations to sum over) passes; the same estimator with a baseline that reads the sample
 * it centres fails, naming the variable, the check and the figure.
 */
class ScoreFunctionSelfCheckTest {
  private static final SelfCheckPlan PLAN = SelfCheckPlan.builder().scoreFunction("z").enumerable("z").build();
  private static final SelfCheckOptions OPTIONS = SelfCheckOptions.quick().withExamples(4);

  private static Dataset data() {
    return Dataset.of("x", new float[][] {{1, 0, 1, 1}, {0, 0, 1, 0}, {1, 1, 1, 1}, {0, 1, 0, 0}});
  }

  @Test
  void nvilPasses() {
    try (TinySigmoidBeliefNet model = new TinySigmoidBeliefNet(Seed.of(5), ObjectiveKind.NVIL, 1)) {
      SelfCheckReport report = VariationalSelfCheck.run(model, data(), PLAN, OPTIONS);
      report.assertPassed();
      assertTrue(report.rows().stream().anyMatch(r -> r.check().equals("score-function")
          && r.status() == SelfCheckReport.Status.PASS), report.toString());
    }
  }

  @Test
  void baselineThatReadsTheSampleFails() {
    try (TinySigmoidBeliefNet model = new TinySigmoidBeliefNet(Seed.of(5), ObjectiveKind.NVIL, 1)) {
      SelfCheckException e = assertThrows(SelfCheckException.class,
          () -> VariationalSelfCheck.run(model, data(), PLAN, OPTIONS, new LeakyNvil()).assertPassed());
      assertTrue(e.getMessage().contains("score-function encode/dense_0/"), e.getMessage());
    }
  }

  /** NVIL whose baseline network sees the latent sample beside the data: b(x, z), no longer independent of z. */
  private static final class LeakyNvil implements TrainingObjective {
    @Override
    public int trainingSamples() {
      return 1;
    }

    @Override
    public boolean differentiatesSamples() {
      return true;
    }

    @Override
    public boolean splitsIntoTowers() {
      return false;
    }

    @Override
    public TrainingTarget target(ObjectiveInputs in) {
      Ops tf = in.tf();
      InferencePass pass = (InferencePass) in.pass();
      Operand<TFloat32> x = in.data().get("x");
      Operand<TFloat32> z = pass.latentValues().get("z");
      NeuralVariationalInference nvil = NeuralVariationalInference.build(tf, new Nn(in.variables(), "nvil_baseline"),
          tf.squeeze(pass.logWeights(), org.tensorflow.op.core.Squeeze.axis(List.of(0L))),
          tf.squeeze(pass.scoreFunctionLogQ(), org.tensorflow.op.core.Squeeze.axis(List.of(0L))),
          tf.concat(List.of(x, tf.math.mul(z, tf.constant(4f))), tf.constant(-1)),
          NeuralVariationalInference.DEFAULT_DECAY);
      Operand<TFloat32> loss = tf.math.add(tf.math.neg(tf.math.mean(nvil.surrogate(), tf.constant(0))),
          nvil.baselineLoss());
      return new TrainingTarget(nvil.surrogate(), nvil.surrogate(), loss, nvil::updates, nvil.initializers(), Map.of());
    }

    @Override
    public double validation(BoundEstimators model, Dataset data) {
      return model.elbo(data);
    }
  }
}
