package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ThreadSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The semi-supervised model whose q(z | x, y) joins the class-tiled x and y with {@code
 * Nn.concat}, so its first layers multiply x once per example, against the same model joining
 * them with a plain concat (every copy multiplied): the same bound and the same gradients, to
 * float tolerance, from the same initial values.
 */
class SharedFirstLayerTest {
  private static final float[][] X = {{1, 0}, {0, 1}, {1, 1}, {0, 0}, {1, 0}};
  private static final float[][] Y = {{0, 0, 0}, {0, 0, 1}, {0, 0, 0}, {1, 0, 0}, {0, 0, 0}};

  @Test
  void sharedFirstLayerGivesTheTiledBoundAndGradients() {
    try (TinySemiSupervised tiled = new TinySemiSupervised(Seed.of(3), 0.7, ThreadSettings.of(1, 1), false);
        TinySemiSupervised shared = new TinySemiSupervised(Seed.of(3), 0.7, ThreadSettings.of(1, 1), true)) {
      assertTrue(slicesKernel(shared) && !slicesKernel(tiled),
          "only the shared model splits the encoder's kernel into x's and y's rows");
      float[] tiledValues = objectiveAndGradients(tiled);
      float[] sharedValues = objectiveAndGradients(shared);
      assertEquals(tiledValues.length, sharedValues.length);
      double largestGradient = 0;
      for (int i = 0; i < tiledValues.length; i++) {
        assertEquals(tiledValues[i], sharedValues[i], 1e-6 + 1e-5 * Math.abs(tiledValues[i]), "value " + i);
        largestGradient = i >= 2 ? Math.max(largestGradient, Math.abs(tiledValues[i])) : largestGradient;
      }
      assertTrue(largestGradient > 1e-3, "the gradients compared are not all zero: " + largestGradient);
    }
  }

  private static boolean slicesKernel(TinySemiSupervised model) {
    return StreamSupport.stream(iterable(model).spliterator(), false)
        .anyMatch(op -> op.name().startsWith("encode/dense_0/") && op.type().equals("Slice"));
  }

  private static Iterable<GraphOperation> iterable(TinySemiSupervised model) {
    return () -> model.graph().operations();
  }

  /** The reported objective, the training loss, then every trainable variable's gradient, flattened in name order. */
  private static float[] objectiveAndGradients(TinySemiSupervised model) {
    Ops tf = Ops.create(model.graph());
    List<Variable<TFloat32>> variables = new ArrayList<>(model.variableStore().trainableVariables());
    variables.sort((a, b) -> a.op().name().compareTo(b.op().name()));
    List<Operand<?>> fetches = new ArrayList<>(List.of(model.trainingStep().objectiveMean(),
        model.trainingStep().trainingLoss()));
    tf.gradients(model.trainingStep().trainingLoss(), variables).dy().forEach(fetches::add);
    try (TFloat32 x = TFloat32.tensorOf(Shape.of(X.length, 2), DataBuffers.of(flat(X)));
        TFloat32 y = TFloat32.tensorOf(Shape.of(Y.length, 3), DataBuffers.of(flat(Y)))) {
      var runner = model.feedWholeBatch(model.feedWholeBatch(model.session().runner(), "x", x), "y", y);
      fetches.forEach(runner::fetch);
      try (Result result = runner.run()) {
        List<Float> values = new ArrayList<>();
        for (int i = 0; i < fetches.size(); i++) {
          TFloat32 t = (TFloat32) result.get(i);
          float[] v = new float[(int) t.shape().size()];
          t.copyTo(DataBuffers.of(v, false, false));
          for (float f : v) {
            values.add(f);
          }
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
          out[i] = values.get(i);
        }
        return out;
      }
    }
  }

  private static float[] flat(float[][] rows) {
    float[] out = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, out, i * rows[0].length, rows[i].length);
    }
    return out;
  }
}
