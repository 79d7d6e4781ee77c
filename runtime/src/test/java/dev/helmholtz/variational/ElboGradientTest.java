package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.graph.Seed;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The gradient the optimizer follows is the gradient of the ELBO: symbolic gradients against
 * central finite differences, with the reparameterization noise held fixed by feeding the
 * random op's output.
 */
class ElboGradientTest {
  @ParameterizedTest(name = "analytic KL: {0}")
  @ValueSource(booleans = {true, false})
  void elboGradientMatchesFiniteDifferences(boolean analyticKl) {
    try (LinearGaussian model = new LinearGaussian(Seed.of(3), ObjectiveKind.ELBO, 1, analyticKl)) {
      Ops tf = Ops.create(model.graph());
      Session session = model.session();
      List<Variable<TFloat32>> variables = model.variableStore().trainableVariables();
      var gradients = tf.gradients(model.trainingStep().objectiveMean(), variables);

      float[] x = {0.3f, -1.2f, 0.8f, 1.1f, 0.4f, -0.6f};
      try (TFloat32 data = TFloat32.tensorOf(Shape.of(2, 3), DataBuffers.of(x));
          TInt32 k = TInt32.scalarOf(1)) {
        Map<Output<?>, Tensor> noise = fixNoise(model, session, data, k);
        try {
          for (int v = 0; v < variables.size(); v++) {
            Variable<TFloat32> variable = variables.get(v);
            float[] value = model.parameter(variable.op().name());
            float[] symbolic = evaluate(session, gradients.dy(v), model, data, k, noise);
            Placeholder<TFloat32> newValue = tf.placeholder(TFloat32.class);
            Assign<TFloat32> assign = tf.assign(variable, newValue);
            for (int i = 0; i < value.length; i += Math.max(1, value.length / 3)) {
              double h = 1e-2;
              double plus = objectiveWith(session, model, assign, newValue, variable, value, i, h, data, k, noise);
              double minus = objectiveWith(session, model, assign, newValue, variable, value, i, -h, data, k, noise);
              set(session, assign, newValue, variable, value);
              double numeric = (plus - minus) / (2 * h);
              assertEquals(numeric, symbolic[i], 2e-3 + 2e-2 * Math.abs(numeric),
                  variable.op().name() + "[" + i + "]");
            }
          }
        } finally {
          noise.values().forEach(Tensor::close);
        }
      }
    }
  }

  /** Evaluates every random op the objective depends on once; feeding those values fixes the noise. */
  private static Map<Output<?>, Tensor> fixNoise(LinearGaussian model, Session session, TFloat32 data, TInt32 k) {
    Map<Output<?>, Tensor> noise = new HashMap<>();
    Iterator<GraphOperation> ops = model.graph().operations();
    while (ops.hasNext()) {
      GraphOperation op = ops.next();
      if (!op.type().startsWith("Random") && !op.type().startsWith("StatelessRandom")) {
        continue;
      }
      try (Result r = model.feedWholeBatch(session.runner(), "x", data).feed(model.sampleCount(), k)
          .fetch(op.output(0)).run()) {
        noise.put(op.output(0), copy((TFloat32) r.get(0)));
      } catch (RuntimeException notOnThisPath) {
        // a random op of another pass (the ancestral sampler needs other inputs)
      }
    }
    assertFalse(noise.isEmpty(), "no random op found");
    return noise;
  }

  private static TFloat32 copy(TFloat32 t) {
    float[] values = new float[(int) t.shape().size()];
    t.copyTo(DataBuffers.of(values, false, false));
    return TFloat32.tensorOf(t.shape(), DataBuffers.of(values));
  }

  private static float[] evaluate(Session session, Operand<TFloat32> fetch, LinearGaussian model,
      TFloat32 data, TInt32 k, Map<Output<?>, Tensor> noise) {
    Session.Runner runner = model.feedWholeBatch(session.runner(), "x", data).feed(model.sampleCount(), k);
    noise.forEach(runner::feed);
    try (Result r = runner.fetch(fetch).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      float[] values = new float[(int) t.shape().size()];
      t.copyTo(DataBuffers.of(values, false, false));
      return values;
    }
  }

  private static double objectiveWith(Session session, LinearGaussian model, Assign<TFloat32> assign,
      Placeholder<TFloat32> newValue, Variable<TFloat32> variable, float[] value, int index, double h,
      TFloat32 data, TInt32 k, Map<Output<?>, Tensor> noise) {
    float[] perturbed = value.clone();
    perturbed[index] += (float) h;
    set(session, assign, newValue, variable, perturbed);
    return evaluate(session, model.trainingStep().objectiveMean(), model, data, k, noise)[0];
  }

  private static void set(Session session, Assign<TFloat32> assign, Placeholder<TFloat32> newValue,
      Variable<TFloat32> variable, float[] values) {
    try (TFloat32 t = TFloat32.tensorOf(variable.shape(), DataBuffers.of(values))) {
      session.runner().feed(newValue, t).addTarget(assign).run().close();
    }
  }
}
