package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.objective.ScoreFunction;
import dev.helmholtz.objective.Vimco;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import dev.helmholtz.variational.Estimates.MeanError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The score-function estimators are unbiased and reduce variance: on the tiny sigmoid belief net,
 * the mean of many NVIL (VIMCO) gradient estimates for the encoder matches the exact gradient of
 * the ELBO (the expected k-sample bound), computed by enumeration, and their variance is below
 * that of plain REINFORCE built on the same samples.
 *
 * <p>Each session run feeds a batch of {@link #COPIES} copies of one example and draws fresh
 * noise, so one run's gradient is the mean of {@link #COPIES} independent estimates; the mean
 * over {@link #RUNS} runs is compared with the exact gradient within 4 standard errors (for a
 * near-Gaussian mean of 400 runs, a false alarm below 1e-4 per entry) plus 1e-4 absolute for the
 * float32 rounding of the graph's sums. The kernel rows of the example's zero pixels have
 * gradient exactly 0 in every run and in the enumeration.
 */
class ScoreFunctionGradientTest {
  private static final float[] EXAMPLE = {1, 0, 1, 1};
  private static final int COPIES = 500;
  private static final int RUNS = 400;
  private static final double ABSOLUTE = 1e-4;

  /** Gradients of two losses at the same noise, per run: [RUNS][encoder parameters]. */
  private record PairedRuns(double[][] estimator, double[][] reference) {}

  @Test
  void nvilGradientIsUnbiasedAndBeatsReinforce() {
    try (TinySigmoidBeliefNet model = new TinySigmoidBeliefNet(Seed.of(41), ObjectiveKind.NVIL, 1)) {
      // A short fit on the example itself, so the moving average c and the baseline b(x) have
      // learned the mean learning signal there.
      float[][] rows = new float[100][];
      java.util.Arrays.fill(rows, EXAMPLE);
      model.fit(Dataset.of("x", rows), Training.epochs(30).batchSize(100).adam(1e-2)
          .progress(ProgressListener.silent()));
      // NVIL divides the centred signal by max(1, sqrt(v)), an adaptive step size for the
      // encoder, not part of its estimate of the ELBO's gradient: v = 1 makes that factor
      // exactly 1, so the loss's gradient is the estimator itself.
      Ops tf = Ops.create(model.graph());
      Variable<TFloat32> variance = variable(model, "nvil/signal_variance");
      model.session().runner().addTarget(tf.assign(variance, tf.constant(1f))).run().close();

      InferencePass pass = model.trainingStep().trainingPass();
      Squeeze.Options sampleAxis = Squeeze.axis(List.of(0L));
      Operand<TFloat32> reinforce = ScoreFunction.reinforce(tf,
          tf.squeeze(pass.logWeights(), sampleAxis), tf.squeeze(pass.scoreFunctionLogQ(), sampleAxis));
      // The training loss also holds the baseline's least-squares loss, which sees the learning
      // signal only through stopGradient: the encoder's gradient is the surrogate's alone.
      PairedRuns runs = gradients(model, tf, model.trainingStep().trainingLoss(), negatedMean(tf, reinforce));

      double[] exact = TinySigmoidBeliefNet.encoderGradient(
          p -> TinySigmoidBeliefNet.exactElbo(p, EXAMPLE), model.parameters());
      double ratio = checkAndCompare("NVIL", runs, exact);
      // Total variance NVIL / REINFORCE measured 0.0025 here. Before NVIL cancelled the
      // zero-mean -grad log q its log weights carry (an effective signal l - b - c - 1) it
      // measured 0.094 on this test, and 0.28 against 0.0019 at the same parameters after a
      // longer fit: this bound tells the two apart with room for the variance estimates' noise
      // (about 7% relative with 400 runs).
      assertTrue(ratio < 0.02, "NVIL / REINFORCE variance " + ratio);
    }
  }

  @ParameterizedTest(name = "k={0}")
  @ValueSource(ints = {2, 3})
  void vimcoGradientIsUnbiasedAndBeatsReinforce(int k) {
    // No learned baseline: any parameters do, so the freshly initialized ones.
    try (TinySigmoidBeliefNet model = new TinySigmoidBeliefNet(Seed.of(43), ObjectiveKind.VIMCO, k)) {
      Ops tf = Ops.create(model.graph());
      InferencePass pass = model.trainingStep().trainingPass();
      Operand<TFloat32> reinforce = Vimco.reinforce(tf, pass.logWeights(), pass.scoreFunctionLogQ());
      PairedRuns runs = gradients(model, tf, model.trainingStep().trainingLoss(), negatedMean(tf, reinforce));

      double[] exact = TinySigmoidBeliefNet.encoderGradient(
          p -> TinySigmoidBeliefNet.exactBound(p, EXAMPLE, k), model.parameters());
      double ratio = checkAndCompare("VIMCO k=" + k, runs, exact);
      // Total variance VIMCO / multi-sample REINFORCE measured 0.022 at k = 2, 0.0105 at k = 3.
      assertTrue(ratio < 0.1, "VIMCO / REINFORCE variance " + ratio);
    }
  }

  private static Operand<TFloat32> negatedMean(Ops tf, Operand<TFloat32> perExample) {
    return tf.math.neg(tf.math.mean(perExample, tf.constant(0)));
  }

  private static Variable<TFloat32> variable(VariationalModel model, String name) {
    GraphOperation op = model.graph().operation(name);
    assertTrue(op != null && op.type().startsWith("Variable"), "no variable " + name);
    return new Variable<>(op);
  }

  /** Runs both losses' encoder gradients together RUNS times: the same draws feed both. */
  private static PairedRuns gradients(TinySigmoidBeliefNet model, Ops tf, Operand<TFloat32> loss,
      Operand<TFloat32> referenceLoss) {
    List<Operand<TFloat32>> encoder = List.of(
        variable(model, TinySigmoidBeliefNet.ENCODER_KERNEL), variable(model, TinySigmoidBeliefNet.ENCODER_BIAS));
    var estimator = tf.gradients(loss, encoder);
    var reference = tf.gradients(referenceLoss, encoder);
    List<Operand<TFloat32>> fetches = new ArrayList<>();
    for (int i = 0; i < encoder.size(); i++) {
      fetches.add(estimator.dy(i));
    }
    for (int i = 0; i < encoder.size(); i++) {
      fetches.add(reference.dy(i));
    }
    float[] flat = new float[COPIES * TinySigmoidBeliefNet.OBSERVED];
    for (int i = 0; i < COPIES; i++) {
      System.arraycopy(EXAMPLE, 0, flat, i * EXAMPLE.length, EXAMPLE.length);
    }
    double[][] a = new double[RUNS][];
    double[][] b = new double[RUNS][];
    try (TFloat32 x = Estimates.matrix(flat, TinySigmoidBeliefNet.OBSERVED)) {
      for (int r = 0; r < RUNS; r++) {
        float[][] fetched = Estimates.run(model, x, fetches);
        // The losses are minus the objectives: negate to get estimates of the objective's gradient.
        a[r] = negatedConcat(fetched[0], fetched[1]);
        b[r] = negatedConcat(fetched[2], fetched[3]);
      }
    }
    return new PairedRuns(a, b);
  }

  private static double[] negatedConcat(float[] kernel, float[] bias) {
    double[] out = new double[kernel.length + bias.length];
    for (int i = 0; i < kernel.length; i++) {
      out[i] = -kernel[i];
    }
    for (int i = 0; i < bias.length; i++) {
      out[kernel.length + i] = -bias[i];
    }
    return out;
  }

  /**
   * Asserts both estimators' means match {@code exact} entry by entry, and returns the ratio of
   * their total variances (sums over the entries), estimator over reference.
   */
  private static double checkAndCompare(String name, PairedRuns runs, double[] exact) {
    double estimatorVariance = 0;
    double referenceVariance = 0;
    MeanError[] estimates = new MeanError[exact.length];
    MeanError[] references = new MeanError[exact.length];
    StringBuilder figures = new StringBuilder(name);
    for (int j = 0; j < exact.length; j++) {
      estimates[j] = Estimates.of(column(runs.estimator(), j));
      references[j] = Estimates.of(column(runs.reference(), j));
      figures.append(String.format("%n  [%d] exact %.5f, estimator %s, REINFORCE %s", j, exact[j],
          estimates[j], references[j]));
      estimatorVariance += Estimates.variance(runs.estimator(), j);
      referenceVariance += Estimates.variance(runs.reference(), j);
    }
    double ratio = estimatorVariance / referenceVariance;
    figures.append(String.format("%n  variance ratio %.4f", ratio));
    for (int j = 0; j < exact.length; j++) {
      assertEquals(exact[j], estimates[j].mean(), 4 * estimates[j].error() + ABSOLUTE, "entry " + j + ": " + figures);
      // REINFORCE is unbiased too: its mean checks the enumerated gradient independently.
      assertEquals(exact[j], references[j].mean(), 4 * references[j].error() + ABSOLUTE,
          "REINFORCE entry " + j + ": " + figures);
    }
    return ratio;
  }

  private static double[] column(double[][] runs, int j) {
    double[] out = new double[runs.length];
    for (int i = 0; i < runs.length; i++) {
      out[i] = runs[i][j];
    }
    return out;
  }
}
