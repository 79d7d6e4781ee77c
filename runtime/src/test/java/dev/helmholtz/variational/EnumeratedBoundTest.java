package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import java.util.HashMap;
import java.util.Map;
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
 * The semi-supervised bound with its label summed out by enumeration, against the closed form
 * of {@link TinySemiSupervised}: the unlabelled bound is sum_y q(y | x) L(x, y) + H(q), a
 * labelled example takes L(x, y) at its label, training adds alpha log q(label | x), and the
 * gradient reaches q(y | x) through the weights.
 */
class EnumeratedBoundTest {
  private static final double[][] X = {{1, 0}, {0, 1}, {1, 1}, {0, 0}};
  /** Per row: the label, or -1 for unlabelled. */
  private static final int[] LABELS = {-1, 2, -1, 0};
  private static final double ALPHA = 0.7;

  @Test
  void elboSumsTheLabelOutWhereUnlabelledAndTakesTheLabelWhereLabelled() {
    try (TinySemiSupervised model = new TinySemiSupervised(Seed.of(5), ALPHA)) {
      Function<String, float[]> parameters = model::parameter;
      for (int row = 0; row < X.length; row++) {
        double expected = model.bound(X[row], LABELS[row], parameters);
        double actual = model.elbo(data(new double[][] {X[row]}, new int[] {LABELS[row]}));
        assertEquals(expected, actual, 1e-5, "row " + row + " (label " + LABELS[row] + ")");
      }
      // The labelled and unlabelled bounds differ: the labels are read.
      assertTrue(Math.abs(model.bound(X[1], 2, parameters) - model.bound(X[1], -1, parameters)) > 1e-3);
      // A data set without a label column is all unlabelled.
      Dataset unlabelled = Dataset.of("x", floats(X));
      double mean = 0;
      for (double[] x : X) {
        mean += model.bound(x, -1, parameters) / X.length;
      }
      assertEquals(mean, model.elbo(unlabelled), 1e-5);
    }
  }

  @Test
  void trainingLossAddsTheClassificationTermOnLabelledRows() {
    try (TinySemiSupervised model = new TinySemiSupervised(Seed.of(6), ALPHA)) {
      Function<String, float[]> parameters = model::parameter;
      double bound = 0;
      double surrogate = 0;
      for (int row = 0; row < X.length; row++) {
        double b = model.bound(X[row], LABELS[row], parameters);
        bound += b / X.length;
        surrogate += (LABELS[row] < 0 ? b
            : b + ALPHA * Math.log(model.classProbabilities(X[row], parameters)[LABELS[row]])) / X.length;
      }
      float[] fetched = run(model, model.trainingStep().objectiveMean(), model.trainingStep().trainingLoss());
      assertEquals(bound, fetched[0], 1e-5, "the reported objective is the bound");
      assertEquals(-surrogate, fetched[1], 1e-5, "the loss is minus the bound plus alpha log q(label | x)");
    }
  }

  /**
   * A run that repeats its labelled rows feeds alpha per copy (the ssvae command does): the loss
   * must take the fed value, not the declared one, or oversampled labels outweigh the unlabelled
   * bound by the repeat count.
   */
  @Test
  void trainingLossTakesAFedClassificationWeight() {
    double fedAlpha = 2.5;
    try (TinySemiSupervised model = new TinySemiSupervised(Seed.of(6), ALPHA)) {
      Function<String, float[]> parameters = model::parameter;
      double surrogate = 0;
      for (int row = 0; row < X.length; row++) {
        double b = model.bound(X[row], LABELS[row], parameters);
        surrogate += (LABELS[row] < 0 ? b
            : b + fedAlpha * Math.log(model.classProbabilities(X[row], parameters)[LABELS[row]])) / X.length;
      }
      Operand<TFloat32> loss = model.trainingStep().trainingLoss();
      Operand<TFloat32> alpha = model.variableStore().hyperparameters().get(VariationalModel.CLASSIFICATION_WEIGHT);
      java.util.List<TFloat32> fed = new java.util.ArrayList<>();
      try (TFloat32 alphaValue = TFloat32.scalarOf((float) fedAlpha);
          Result result = feed(model, LABELS, fed).feed(alpha, alphaValue).fetch(loss).run()) {
        assertEquals(-surrogate, ((TFloat32) result.get(0)).getFloat(), 1e-5, "alpha is the fed value");
      } finally {
        fed.forEach(TFloat32::close);
      }
    }
  }

  @Test
  void gradientReachesTheClassifierThroughTheWeights() {
    // Unlabelled rows only and alpha = 0: the classifier is trained by the weights q(y | x) alone.
    int[] unlabelled = {-1, -1, -1, -1};
    try (TinySemiSupervised model = new TinySemiSupervised(Seed.of(7), 0)) {
      Ops tf = Ops.create(model.graph());
      Variable<TFloat32> kernel = model.variableStore().trainableVariables().stream()
          .filter(v -> v.op().name().equals(TinySemiSupervised.CLASSIFIER_KERNEL)).findFirst().orElseThrow();
      Operand<TFloat32> gradient = tf.gradients(model.trainingStep().trainingLoss(), java.util.List.of(kernel)).dy(0);
      float[] symbolic = fetchAll(model, gradient, unlabelled);
      float[] value = model.parameter(TinySemiSupervised.CLASSIFIER_KERNEL);
      double h = 1e-4;
      double largest = 0;
      for (int i = 0; i < value.length; i++) {
        double numeric = (loss(model, value, i, h) - loss(model, value, i, -h)) / (2 * h);
        assertEquals(numeric, symbolic[i], 1e-3 + 1e-2 * Math.abs(numeric), "kernel[" + i + "]");
        largest = Math.max(largest, Math.abs(numeric));
      }
      assertTrue(largest > 1e-3, "the bound depends on q(y | x): largest gradient " + largest);
    }
  }

  @Test
  void classifiesByQAndGeneratesARequestedClass() {
    try (TinySemiSupervised model = new TinySemiSupervised(Seed.of(8), ALPHA)) {
      Dataset data = Dataset.of("x", floats(X));
      float[][] probabilities = model.classProbabilities(data);
      int[] classes = model.classify(data);
      for (int row = 0; row < X.length; row++) {
        double[] q = model.classProbabilities(X[row], model::parameter);
        int best = 0;
        for (int j = 0; j < q.length; j++) {
          assertEquals(q[j], probabilities[row][j], 1e-6);
          best = q[j] > q[best] ? j : best;
        }
        assertEquals(best, classes[row]);
      }
      float[][] requested = {{0, 0, 1}, {1, 0, 0}};
      Map<String, float[][]> drawn = model.generate(Dataset.of("y", requested));
      assertArrayEquals(requested[0], drawn.get("y")[0]);
      assertArrayEquals(requested[1], drawn.get("y")[1]);
      float[] bias = model.parameter("decode/dense_0/bias");
      float[] kernel = model.parameter("decode/dense_0/kernel");
      for (int i = 0; i < TinySemiSupervised.OBSERVED; i++) {
        double logit = kernel[2 * TinySemiSupervised.OBSERVED + i] + bias[i];
        assertEquals(1 / (1 + Math.exp(-logit)), drawn.get("x")[0][i], 1e-6, "mean of p(x | y = 2)");
      }
    }
  }

  @Test
  void rejectsALabelRowThatIsNeitherOneHotNorZeros() {
    try (TinySemiSupervised model = new TinySemiSupervised(Seed.of(9), ALPHA)) {
      Dataset bad = Dataset.of("x", floats(X)).with("y", new float[][] {{0, 0, 0}, {0.5f, 0.5f, 0}, {1, 0, 0}, {0, 0, 0}});
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.elbo(bad));
      assertEquals("row 1 of column 'y' is [0.5, 0.5, 0.0]: labels of the enumerated latent 'y' of"
          + " TinySemiSupervised are one-hot rows (labelled) or all zeros (unlabelled)", e.getMessage());
    }
  }

  /** Importance sampling draws y from q(y | x): with many samples it approaches the exact log p(x). */
  @Test
  void logLikelihoodDrawsTheLabelFromQAndApproachesTheExactValue() {
    try (TinySemiSupervised model = new TinySemiSupervised(Seed.of(10), ALPHA)) {
      java.util.List<Double> estimates = model.logLikelihoods(Dataset.of("x", floats(X)), 20_000);
      for (int row = 0; row < X.length; row++) {
        double exact = model.logLikelihood(X[row], model::parameter);
        assertEquals(exact, estimates.get(row), 0.02, "row " + row);
        assertTrue(estimates.get(row) >= model.bound(X[row], -1, model::parameter) - 0.02,
            "the estimate is above the ELBO");
      }
    }
  }

  @Test
  void specTakesOneEnumeratedLatentWithAUsableWeight() {
    ModelSpec.Builder builder = ModelSpec.builder("M").enumerated("y", 3, 0.5);
    IllegalArgumentException second = assertThrows(IllegalArgumentException.class,
        () -> builder.enumerated("c", 2, 0));
    assertEquals("model M already has an enumerated latent; it can sum out only one, not also 'c'", second.getMessage());
    IllegalArgumentException weight = assertThrows(IllegalArgumentException.class,
        () -> ModelSpec.builder("M").enumerated("y", 3, Double.NaN));
    assertEquals("the classification weight of 'y' must be finite and at least 0, was NaN", weight.getMessage());
    ModelSpec spec = builder.observed("x", 2).build();
    assertEquals("y", spec.enumerated().orElseThrow().name());
    assertEquals(0.5, spec.classificationWeight());
    assertEquals(java.util.List.of("y"), spec.latents().stream().map(ModelSpec.Node::name).toList());
  }

  private static double loss(TinySemiSupervised model, float[] kernel, int index, double h) {
    float[] perturbed = kernel.clone();
    perturbed[index] += (float) h;
    Map<String, float[]> values = new HashMap<>();
    return -java.util.stream.IntStream.range(0, X.length)
        .mapToDouble(row -> model.bound(X[row], -1,
            name -> name.equals(TinySemiSupervised.CLASSIFIER_KERNEL) ? perturbed
                : values.computeIfAbsent(name, model::parameter)))
        .average().orElseThrow();
  }

  private static float[] run(TinySemiSupervised model, Operand<TFloat32> first, Operand<TFloat32> second) {
    java.util.List<TFloat32> fed = new java.util.ArrayList<>();
    try (Result result = feed(model, LABELS, fed).fetch(first).fetch(second).run()) {
      return new float[] {((TFloat32) result.get(0)).getFloat(), ((TFloat32) result.get(1)).getFloat()};
    } finally {
      fed.forEach(TFloat32::close);
    }
  }

  private static float[] fetchAll(TinySemiSupervised model, Operand<TFloat32> fetch, int[] labels) {
    java.util.List<TFloat32> fed = new java.util.ArrayList<>();
    try (Result result = feed(model, labels, fed).fetch(fetch).run()) {
      TFloat32 t = (TFloat32) result.get(0);
      float[] values = new float[(int) t.shape().size()];
      t.copyTo(DataBuffers.of(values, false, false));
      return values;
    } finally {
      fed.forEach(TFloat32::close);
    }
  }

  /** A runner with the rows of X and {@code labels} fed; the tensors are added to {@code fed}. */
  private static Session.Runner feed(TinySemiSupervised model, int[] labels, java.util.List<TFloat32> fed) {
    Dataset data = data(X, labels);
    TFloat32 x = TFloat32.tensorOf(Shape.of(X.length, TinySemiSupervised.OBSERVED), DataBuffers.of(data.flat("x")));
    TFloat32 y = TFloat32.tensorOf(Shape.of(X.length, TinySemiSupervised.CLASSES), DataBuffers.of(data.flat("y")));
    fed.add(x);
    fed.add(y);
    return model.feedWholeBatch(model.feedWholeBatch(model.session().runner(), "x", x), "y", y);
  }

  private static Dataset data(double[][] x, int[] labels) {
    float[][] y = new float[labels.length][TinySemiSupervised.CLASSES];
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] >= 0) {
        y[i][labels[i]] = 1;
      }
    }
    return Dataset.of("x", floats(x)).with("y", y);
  }

  private static float[][] floats(double[][] rows) {
    float[][] out = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = new float[rows[i].length];
      for (int j = 0; j < rows[i].length; j++) {
        out[i][j] = (float) rows[i][j];
      }
    }
    return out;
  }
}
