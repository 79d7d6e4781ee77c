package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Adaptive importance sampling of the semi-supervised VAE (ZhuSuan's {@code vae_ssl_adaptive_is})
 * on {@link TinySemiSupervised}, whose posterior is exact: p(y | x) from p(x | y) (free of z) and
 * p(z | x, y) = p(z). With k = 4000 self-normalized samples per example the loss's gradients must
 * match, for the classifier q(y | x), -(1/B) sum over unlabelled rows of E_p(y | x)[grad log q(y |
 * x)] (the inclusive KL) minus alpha grad log q(label | x) over labelled rows, and for p(x | y),
 * minus the gradient of log p(x) on unlabelled rows and of log p(x, label) on labelled ones. A
 * labelled row left unclamped would take p(y | x) in its label's place: the test checks that
 * alternative is far from the estimate.
 */
class SemiSupervisedAdaptiveIsTest {
  private static final int K = 4000;
  private static final double ALPHA = 0.7;
  private static final double[][] X = {{1, 0}, {0, 1}, {1, 1}, {0, 0}, {1, 0}};
  /** Per row: the label, or -1 for unlabelled. */
  private static final int[] LABELS = {-1, 2, -1, 0, 1};
  private static final int C = TinySemiSupervised.CLASSES;
  private static final int D = TinySemiSupervised.OBSERVED;

  @Test
  void proposalAndModelGradientsMatchEnumerationWithLabelledRowsClamped() {
    try (TinySemiSupervised model = new TinySemiSupervised(Seed.of(21), ALPHA,
        ObjectiveKind.ADAPTIVE_IMPORTANCE_SAMPLING, K)) {
      Ops tf = Ops.create(model.graph());
      List<String> names = List.of(TinySemiSupervised.CLASSIFIER_KERNEL, TinySemiSupervised.CLASSIFIER_BIAS,
          "decode/dense_0/kernel", "decode/dense_0/bias");
      List<Variable<TFloat32>> variables = new ArrayList<>();
      for (String name : names) {
        variables.add(model.variableStore().trainableVariables().stream().filter(v -> v.op().name().equals(name))
            .findFirst().orElseThrow());
      }
      List<Operand<TFloat32>> gradients = new ArrayList<>();
      tf.gradients(model.trainingStep().trainingLoss(), variables).dy().forEach(g -> gradients.add(cast(g)));
      float[][] estimated = fetch(model, gradients);

      Function<String, float[]> parameters = model::parameter;
      double[][] clamped = expected(model, parameters, true);
      double[][] unclamped = expected(model, parameters, false);
      double farthest = 0;
      for (int v = 0; v < names.size(); v++) {
        for (int i = 0; i < clamped[v].length; i++) {
          double tolerance = 0.01 + 0.05 * Math.abs(clamped[v][i]);
          assertEquals(clamped[v][i], estimated[v][i], tolerance, names.get(v) + "[" + i + "]");
          farthest = Math.max(farthest, Math.abs(unclamped[v][i] - estimated[v][i]) / tolerance);
        }
      }
      assertTrue(farthest > 5, "the gradient of unclamped labelled rows differs from the estimate: " + farthest);
    }
  }

  /**
   * The exact expected gradients of the loss for the classifier's kernel and bias and the
   * decoder's: labelled rows with their label clamped, or (for comparison) treated as unlabelled
   * in the importance-weighted terms.
   */
  private static double[][] expected(TinySemiSupervised model, Function<String, float[]> parameters,
      boolean clampLabels) {
    float[] decoderKernel = parameters.apply("decode/dense_0/kernel");
    float[] decoderBias = parameters.apply("decode/dense_0/bias");
    double[] classifierKernel = new double[D * C];
    double[] classifierBias = new double[C];
    double[] kernel = new double[C * D];
    double[] bias = new double[D];
    for (int row = 0; row < X.length; row++) {
      double[] x = X[row];
      double[] q = model.classProbabilities(x, parameters);
      int label = LABELS[row];
      // The distribution of y the importance weights estimate: the label, or p(y | x).
      double[] target = label >= 0 && clampLabels ? oneHot(label) : model.labelPosterior(x, parameters);
      // grad of the surrogate; the loss is minus its mean over rows.
      for (int j = 0; j < C; j++) {
        double classifierSignal = 0;
        if (label < 0) {
          classifierSignal = target[j] - q[j]; // E_p(y | x)[grad log q(y | x)] by the logit j
        } else {
          if (!clampLabels) {
            classifierSignal += target[j] - q[j];
          }
          classifierSignal += ALPHA * ((j == label ? 1 : 0) - q[j]); // alpha grad log q(label | x)
        }
        classifierBias[j] -= classifierSignal / X.length;
        for (int i = 0; i < D; i++) {
          classifierKernel[i * C + j] -= x[i] * classifierSignal / X.length;
        }
        for (int i = 0; i < D; i++) {
          double mean = 1 / (1 + Math.exp(-(decoderKernel[j * D + i] + decoderBias[i])));
          double signal = target[j] * (x[i] - mean); // E[grad log p(x | y)] by the logit of pixel i given y = j
          kernel[j * D + i] -= signal / X.length;
          bias[i] -= signal / X.length;
        }
      }
    }
    return new double[][] {classifierKernel, classifierBias, kernel, bias};
  }

  private static double[] oneHot(int j) {
    double[] y = new double[C];
    y[j] = 1;
    return y;
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> cast(Operand<?> gradient) {
    return (Operand<TFloat32>) gradient;
  }

  private static float[][] fetch(TinySemiSupervised model, List<Operand<TFloat32>> fetches) {
    float[][] x = new float[X.length][];
    float[][] y = new float[X.length][C];
    for (int row = 0; row < X.length; row++) {
      x[row] = new float[] {(float) X[row][0], (float) X[row][1]};
      if (LABELS[row] >= 0) {
        y[row][LABELS[row]] = 1;
      }
    }
    Dataset data = Dataset.of("x", x).with("y", y);
    try (TFloat32 xs = TFloat32.tensorOf(Shape.of(X.length, D), DataBuffers.of(data.flat("x")));
        TFloat32 ys = TFloat32.tensorOf(Shape.of(X.length, C), DataBuffers.of(data.flat("y")))) {
      Session.Runner runner = model.feedWholeBatch(model.feedWholeBatch(model.session().runner(), "x", xs), "y", ys);
      fetches.forEach(runner::fetch);
      try (Result result = runner.run()) {
        float[][] out = new float[fetches.size()][];
        for (int i = 0; i < fetches.size(); i++) {
          TFloat32 t = (TFloat32) result.get(i);
          out[i] = new float[(int) t.shape().size()];
          t.copyTo(DataBuffers.of(out[i], false, false));
        }
        return out;
      }
    }
  }
}
