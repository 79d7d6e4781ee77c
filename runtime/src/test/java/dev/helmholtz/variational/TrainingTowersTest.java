package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.DataPath;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** A batch split into towers is the same estimator as the whole batch in one pass. */
class TrainingTowersTest {
  private static final float[] X = {0.3f, -1.2f, 0.8f, 1.1f, 0.4f, -0.6f, -0.9f, 0.2f, 1.7f};

  @Test
  void theFirstTowersTakeTheRowsThatDoNotDivide() {
    assertEquals(List.of(3, 2), rows(5, 2));
    assertEquals(List.of(1, 0), rows(1, 2));
    assertEquals(List.of(3, 3, 2), rows(8, 3));
    assertEquals(List.of(64, 64), rows(128, 2));
    for (int batch = 0; batch < 40; batch++) {
      for (int towers = 1; towers < 5; towers++) {
        assertEquals(batch, rows(batch, towers).stream().mapToInt(Integer::intValue).sum(), batch + "/" + towers);
      }
    }
  }

  private static List<Integer> rows(int batch, int towers) {
    List<Integer> rows = new ArrayList<>();
    for (int t = 0; t < towers; t++) {
      rows.add(ThreadSettings.towerRows(batch, towers, t));
    }
    return rows;
  }

  /**
   * Three rows, with the reparameterization noise fed: the two-tower model (rows 0-1 and row 2)
   * has the one-tower model's initial weights, loss and gradient of every variable, for the ELBO
   * (no sample axis) and for IWAE at k = 3 (draws [k, rows, latent]).
   */
  @ParameterizedTest(name = "{0}, k = {1}")
  @CsvSource({"ELBO, 1", "IWAE, 3"})
  void twoTowersHaveTheLossAndGradientsOfOne(ObjectiveKind objective, int k) {
    try (LinearGaussian one = new LinearGaussian(Seed.of(3), objective, k, true, ThreadSettings.of(1, 2, 1));
        LinearGaussian two = new LinearGaussian(Seed.of(3), objective, k, true, ThreadSettings.of(1, 2, 2))) {
      assertEquals(1, one.trainingTowers());
      assertEquals(2, two.trainingTowers());
      for (String name : one.parameterNames()) {
        assertArrayEquals(one.parameter(name), two.parameter(name), "initial " + name);
      }
      float[] a = lossAndGradients(one, k);
      float[] b = lossAndGradients(two, k);
      assertEquals(a.length, b.length);
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i], b[i], 1e-5 + 1e-5 * Math.abs(a[i]), "value " + i + " (0 = loss, then the gradients)");
      }
    }
  }

  /** z's noise for sample s, row r, coordinate j of the three-row batch. */
  private static float noise(int s, int r, int j) {
    return (float) Math.sin(1.7 * s + 2.3 * r + 0.9 * j + 0.4);
  }

  /** The loss, then every trainable variable's gradient, flattened, at X with {@link #noise} as the draws of z. */
  private static float[] lossAndGradients(LinearGaussian model, int k) {
    return lossAndGradients(model, k, Map.of("x", X), Map.of("x", LinearGaussian.OBSERVED), LinearGaussian.LATENT,
        "StatelessRandomNormal", TrainingTowersTest::noise);
  }

  /**
   * The loss, then every trainable variable's gradient, flattened, for a batch of three rows of
   * each data column ({@code widths} values a row) with {@code noise(s, r, j)} fed as the output of
   * the training pass's {@code drawType} op for z ({@code latent} wide) in every tower (nothing
   * fed when {@code drawType} is null).
   */
  private static float[] lossAndGradients(VariationalModel model, int k, Map<String, float[]> columns,
      Map<String, Integer> widths, int latent, String drawType, NoiseFunction noise) {
    Ops tf = Ops.create(model.graph());
    List<Variable<TFloat32>> variables = model.variableStore().trainableVariables();
    var gradients = tf.gradients(model.trainingStep().trainingLoss(), variables);
    List<GraphOperation> draws = drawType == null ? List.of() : draws(model, drawType);
    int towers = model.trainingTowers();
    if (drawType != null) {
      assertEquals(towers, draws.size(), "one draw of z per tower");
    }
    List<Tensor> fed = new ArrayList<>();
    try {
      Session.Runner runner = model.session().runner();
      int offset = 0;
      feedRows(model, runner, columns, widths, fed);
      for (int t = 0; t < towers && drawType != null; t++) {
        int n = ThreadSettings.towerRows(3, towers, t);
        float[] eps = new float[k * n * latent];
        int i = 0;
        for (int s = 0; s < k; s++) {
          for (int r = offset; r < offset + n; r++) {
            for (int j = 0; j < latent; j++) {
              eps[i++] = noise.at(s, r, j);
            }
          }
        }
        Shape noiseShape = k == 1 ? Shape.of(n, latent) : Shape.of(k, n, latent);
        TFloat32 drawn = TFloat32.tensorOf(noiseShape, DataBuffers.of(eps));
        fed.add(drawn);
        runner.feed(draws.get(t).output(0), drawn);
        offset += n;
      }
      runner.fetch(model.trainingStep().trainingLoss());
      for (int v = 0; v < variables.size(); v++) {
        runner.fetch(gradients.dy(v));
      }
      List<Float> values = new ArrayList<>();
      try (Result r = runner.run()) {
        for (int i = 0; i < r.size(); i++) {
          TFloat32 t = (TFloat32) r.get(i);
          float[] flat = new float[(int) t.shape().size()];
          t.copyTo(DataBuffers.of(flat, false, false));
          for (float f : flat) {
            values.add(f);
          }
        }
      }
      float[] out = new float[values.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = values.get(i);
      }
      return out;
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  /** Feeds each tower its block of the three rows of every column, as the fed training path does. */
  private static void feedRows(VariationalModel model, Session.Runner runner, Map<String, float[]> columns,
      Map<String, Integer> widths, List<Tensor> fed) {
    Dataset data = null;
    for (Map.Entry<String, float[]> column : columns.entrySet()) {
      int width = widths.get(column.getKey());
      data = data == null ? Dataset.of(column.getKey(), column.getValue(), width)
          : data.with(column.getKey(), column.getValue(), width);
    }
    String[] names = columns.keySet().toArray(String[]::new);
    model.trainingStep().towers().feedRows(runner, data.batches(3, false, 0, names).next(), names, fed);
  }

  private interface NoiseFunction {
    float at(int sample, int row, int coordinate);
  }

  /**
   * VIMCO's surrogate is per example too: a two-tower sigmoid belief net has the one-tower net's
   * loss and gradients with its latents' uniforms fed (k = 3 samples, rows 0-1 and row 2).
   */
  @Test
  void vimcoInTwoTowersHasTheLossAndGradientsOfOne() {
    float[] x = {1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0};
    NoiseFunction uniforms = (s, r, j) -> (float) ((0.37 * s + 0.61 * r + 0.23 * j + 0.11) % 1.0);
    try (TinySigmoidBeliefNet one = new TinySigmoidBeliefNet(Seed.of(2), ObjectiveKind.VIMCO, 3, ThreadSettings.of(1, 2, 1));
        TinySigmoidBeliefNet two = new TinySigmoidBeliefNet(Seed.of(2), ObjectiveKind.VIMCO, 3, ThreadSettings.of(1, 2, 2))) {
      assertEquals(2, two.trainingTowers());
      Map<String, float[]> data = Map.of("x", x);
      Map<String, Integer> widths = Map.of("x", TinySigmoidBeliefNet.OBSERVED);
      float[] a = lossAndGradients(one, 3, data, widths, TinySigmoidBeliefNet.LATENT, "StatelessRandomUniform", uniforms);
      float[] b = lossAndGradients(two, 3, data, widths, TinySigmoidBeliefNet.LATENT, "StatelessRandomUniform", uniforms);
      assertEquals(a.length, b.length);
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i], b[i], 1e-5 + 1e-5 * Math.abs(a[i]), "value " + i + " (0 = loss, then the gradients)");
      }
    }
  }

  /**
   * M2's surrogate is per example too: rows 0-1 (one labelled, one not) and row 2 (labelled) in
   * two towers give the one-tower loss, gradients, and mean log q(label | x) over the labelled rows.
   */
  @Test
  void semiSupervisedInTwoTowersHasTheLossAndGradientsOfOne() {
    Map<String, float[]> data = Map.of("x", new float[] {1, 0, 0, 1, 1, 1}, "y", new float[] {0, 1, 0, 0, 0, 0, 1, 0, 0});
    Map<String, Integer> widths = Map.of("x", TinySemiSupervised.OBSERVED, "y", TinySemiSupervised.CLASSES);
    try (TinySemiSupervised one = new TinySemiSupervised(Seed.of(6), 2.0, ThreadSettings.of(1, 2, 1));
        TinySemiSupervised two = new TinySemiSupervised(Seed.of(6), 2.0, ThreadSettings.of(1, 2, 2))) {
      assertEquals(2, two.trainingTowers());
      // p(x | y) does not read z: the bound has no draw on the loss's path, nothing to feed.
      float[] a = lossAndGradients(one, TinySemiSupervised.CLASSES, data, widths, 1, null, null);
      float[] b = lossAndGradients(two, TinySemiSupervised.CLASSES, data, widths, 1, null, null);
      assertEquals(a.length, b.length);
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i], b[i], 1e-5 + 1e-5 * Math.abs(a[i]), "value " + i + " (0 = loss, then the gradients)");
      }
      assertEquals(labelTerm(one, data, widths), labelTerm(two, data, widths), 1e-6);
    }
  }

  /** The reported mean log q(label | x) over the labelled rows, the batch fed to the towers. */
  private static float labelTerm(VariationalModel model, Map<String, float[]> columns, Map<String, Integer> widths) {
    int term = model.termNames().indexOf("classification/log_q_label");
    assertTrue(term >= 0, "terms " + model.termNames());
    List<Tensor> fed = new ArrayList<>();
    try {
      Session.Runner runner = model.session().runner();
      feedRows(model, runner, columns, widths, fed);
      try (Result r = runner.fetch(model.trainingStep().termMeanOperands().get(term)).run()) {
        return ((TFloat32) r.get(0)).getFloat();
      }
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  /** NVIL (a baseline with moving averages) and wake-sleep (dreams) train in one piece whatever the settings. */
  @Test
  void nvilAndWakeSleepTrainInOneTower() {
    try (TinySigmoidBeliefNet nvil = new TinySigmoidBeliefNet(Seed.of(1), ObjectiveKind.NVIL, 1, ThreadSettings.of(1, 2, 2))) {
      assertEquals(1, nvil.trainingTowers());
    }
    for (ObjectiveKind kind : List.of(ObjectiveKind.WAKE_SLEEP, ObjectiveKind.REWEIGHTED_WAKE_SLEEP)) {
      try (TinySigmoidBeliefNet model = new TinySigmoidBeliefNet(Seed.of(1), kind, 2, ThreadSettings.of(1, 2, 2))) {
        assertEquals(1, model.trainingTowers(), kind.toString());
      }
    }
  }

  /** The draws of type {@code type} the training loss depends on, in the order they were built (tower 0 first). */
  private static List<GraphOperation> draws(VariationalModel model, String type) {
    Set<String> reachable = new HashSet<>();
    Deque<GraphOperation> queue = new ArrayDeque<>();
    queue.add((GraphOperation) model.trainingStep().trainingLoss().op());
    while (!queue.isEmpty()) {
      GraphOperation op = queue.poll();
      if (reachable.add(op.name())) {
        for (int i = 0; i < op.numInputs(); i++) {
          queue.add((GraphOperation) op.input(i).op());
        }
      }
    }
    List<GraphOperation> draws = new ArrayList<>();
    Iterator<GraphOperation> ops = model.graph().operations();
    while (ops.hasNext()) {
      GraphOperation op = ops.next();
      if (op.type().equals(type) && reachable.contains(op.name())) {
        draws.add(op);
      }
    }
    return draws;
  }

  /** Batches of one row leave the second tower empty: its terms weigh nothing, and nothing is NaN. */
  @ParameterizedTest(name = "resident: {0}")
  @ValueSource(booleans = {true, false})
  void aTowerWithoutRowsAddsNothing(boolean resident) {
    float[][] rows = new float[5][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new float[] {X[i], X[i + 1], X[i + 2]};
    }
    try (LinearGaussian model = new LinearGaussian(Seed.of(4), ObjectiveKind.ELBO, 1, true, ThreadSettings.of(1, 2, 2))) {
      TrainingSummary s = model.fit(Dataset.of("x", rows), Training.epochs(2).batchSize(1).adam(1e-3)
          .dataPath(resident ? DataPath.RESIDENT : DataPath.FED).progress(ProgressListener.silent()));
      assertEquals(10, s.steps());
      assertTrue(Double.isFinite(s.finalObjective()), "objective " + s.finalObjective());
    }
  }
}
