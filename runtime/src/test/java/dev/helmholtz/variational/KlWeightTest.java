package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ScalarSchedule;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.types.TFloat32;

/**
 * An ELBO model's {@code kl_weight}: the training loss weighs the latents' KL terms by it (KL
 * warm-up, beta-VAE), while the reported objective stays the ELBO; at its default 1 training is
 * what it was.
 */
class KlWeightTest {
  private static Dataset data(int n) {
    Random r = new Random(3);
    float[] x = new float[n * LinearGaussian.OBSERVED];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return Dataset.of("x", x, LinearGaussian.OBSERVED);
  }

  /** In one run (one draw of the noise): the loss, the reported objective and the term means. */
  private static float[] lossObjectiveAndTerms(LinearGaussian model, float klWeight) {
    List<Tensor> fed = new ArrayList<>();
    try (TFloat32 weight = TFloat32.scalarOf(klWeight)) {
      Session.Runner runner = model.session().runner()
          .feed(model.hyperparameterInputs().get(VariationalModel.KL_WEIGHT), weight)
          .fetch(model.trainingStep().trainingLoss()).fetch(model.trainingStep().objectiveMean());
      model.trainingStep().termMeanOperands().forEach(runner::fetch);
      String[] names = {"x"};
      model.trainingStep().towers().feedRows(runner, data(6).batches(6, false, 0, names).next(), names, fed);
      try (Result r = runner.run()) {
        float[] out = new float[2 + model.termNames().size()];
        for (int i = 0; i < out.length; i++) {
          out[i] = ((TFloat32) r.get(i)).getFloat();
        }
        return out;
      }
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  @Test
  void theLossWeighsTheKlAndTheObjectiveStaysTheElbo() {
    for (int towers : new int[] {1, 2}) {
      try (LinearGaussian model = new LinearGaussian(Seed.of(2), ObjectiveKind.ELBO, 1, true,
          ThreadSettings.of(1, 2, towers))) {
        assertEquals(Map.of(VariationalModel.KL_WEIGHT, 1f), model.hyperparameters());
        int kl = 2 + model.termNames().indexOf("kl/z");
        int logLikelihood = 2 + model.termNames().indexOf("log_likelihood/x");
        for (float beta : new float[] {0f, 0.3f, 1f}) {
          float[] v = lossObjectiveAndTerms(model, beta);
          assertEquals(-(v[logLikelihood] - beta * v[kl]), v[0], 1e-4, "loss at beta " + beta + ", " + towers + " tower(s)");
          assertEquals(v[logLikelihood] - v[kl], v[1], 1e-4, "the reported objective is the ELBO at beta " + beta);
        }
      }
    }
  }

  @Test
  void aWarmUpTrainsDifferentlyAndTheDefaultAsBefore() {
    Training base = Training.epochs(2).batchSize(20).adam(1e-2).seed(1).progress(ProgressListener.silent());
    float[] unscheduled = trained(base);
    assertEquals(List.of(toList(unscheduled)), List.of(toList(trained(base.schedule(VariationalModel.KL_WEIGHT,
        ScalarSchedule.constant(1))))), "scheduling the default changes nothing, bit for bit");
  }

  /**
   * A linear warm-up feeds its closed form, from + (to - from) min(t, n) / n at step t (from 0):
   * on one example (one batch an epoch, nothing to shuffle), four epochs under linear(0, 1, 4)
   * train bit for bit as four one-epoch fits of the same model, each with the constant weight the
   * formula gives its step (0, 0.25, 0.5, 0.75); a schedule read at the wrong step, or not fed,
   * fails.
   */
  @Test
  void aLinearWarmUpFeedsItsClosedFormAtEachStep() {
    Dataset one = data(1);
    Training epoch = Training.epochs(1).batchSize(1).adam(1e-2).seed(1).progress(ProgressListener.silent());
    float[] scheduled;
    try (LinearGaussian model = new LinearGaussian(Seed.of(2), ObjectiveKind.ELBO, 1, true)) {
      model.fit(one, epoch.withEpochs(4).schedule(VariationalModel.KL_WEIGHT, ScalarSchedule.linear(0, 1, 4)));
      scheduled = model.parameter("encode/dense_0/kernel");
    }
    float[] stepByStep;
    try (LinearGaussian model = new LinearGaussian(Seed.of(2), ObjectiveKind.ELBO, 1, true)) {
      for (int t = 0; t < 4; t++) {
        double closedForm = 0 + (1 - 0) * Math.min(t, 4) / 4.0;
        model.fit(one, epoch.schedule(VariationalModel.KL_WEIGHT, ScalarSchedule.constant(closedForm)));
      }
      stepByStep = model.parameter("encode/dense_0/kernel");
    }
    assertEquals(toList(stepByStep), toList(scheduled));
    float[] unweighted;
    try (LinearGaussian model = new LinearGaussian(Seed.of(2), ObjectiveKind.ELBO, 1, true)) {
      model.fit(one, epoch.withEpochs(4));
      unweighted = model.parameter("encode/dense_0/kernel");
    }
    assertTrue(!toList(unweighted).equals(toList(stepByStep)), "the weights fed reach the loss");
  }

  private static float[] trained(Training training) {
    try (LinearGaussian model = new LinearGaussian(Seed.of(2), ObjectiveKind.ELBO, 1, true)) {
      model.fit(data(200), training);
      return model.parameter("encode/dense_0/kernel");
    }
  }

  private static List<Float> toList(float[] a) {
    List<Float> l = new ArrayList<>();
    for (float f : a) {
      l.add(f);
    }
    assertTrue(!l.isEmpty());
    return l;
  }
}
