package dev.helmholtz.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.graph.TfTesting;
import dev.helmholtz.graph.TfTesting.Fetched;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.nn.VariableStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * NVIL's pieces one step at a time, with the baseline network's output layer set to a constant
 * b (kernel 0, bias b) so every quantity has a closed form.
 */
class NeuralVariationalInferenceTest {
  private static final float BASELINE = 0.5f;
  private static final float DECAY = NeuralVariationalInference.DEFAULT_DECAY;

  /** The graph: l = logJoint - logQ as in a model whose only latent is a score-function one. */
  private static final class Fixture implements AutoCloseable {
    final Graph graph = new Graph();
    final Ops tf = Ops.create(graph);
    final Placeholder<TFloat32> logJoint = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
    final Placeholder<TFloat32> logQ = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
    final Placeholder<TFloat32> input = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 2)));
    final NeuralVariationalInference nvil;
    final List<Op> updates;
    final Variable<TFloat32> mean;
    final Variable<TFloat32> variance;
    final Operand<TFloat32> logQGradient;
    final Session session;

    Fixture() {
      VariableStore store = new VariableStore(tf, new RandomSource(tf, Seed.of(3)));
      nvil = NeuralVariationalInference.build(tf, new Nn(store, "baseline"), tf.math.sub(logJoint, logQ), logQ,
          input, DECAY);
      updates = nvil.updates(tf);
      mean = new Variable<>(graph.operation("nvil/signal_mean"));
      variance = new Variable<>(graph.operation("nvil/signal_variance"));
      logQGradient = tf.gradients(tf.sum(nvil.surrogate(), tf.constant(0)), List.of(logQ)).dy(0);
      List<Op> init = new ArrayList<>(store.initializers());
      init.addAll(nvil.initializers());
      // The output layer: b(x) = 0 * h + BASELINE for every input.
      var outputKernel = new Variable<TFloat32>(graph.operation("baseline/dense_1/kernel"));
      var outputBias = new Variable<TFloat32>(graph.operation("baseline/dense_1/bias"));
      Op zeroKernel = tf.withControlDependencies(init).assign(outputKernel,
          tf.zeros(tf.constant(new long[] {NeuralVariationalInference.BASELINE_HIDDEN, 1}), TFloat32.class));
      Op setBias = tf.withControlDependencies(init).assign(outputBias, tf.constant(new float[] {BASELINE}));
      session = new Session(graph);
      Session.Runner runner = session.runner();
      init.forEach(runner::addTarget);
      runner.run().close();
      session.runner().addTarget(zeroKernel).addTarget(setBias).run().close();
    }

    /** One step: the fetches before the updates, then the updates. */
    List<Fetched> step(float[] joint, float[] q) {
      List<Tensor> fed = new ArrayList<>();
      try {
        TFloat32 j = TfTesting.tensor(Shape.of(joint.length), joint);
        fed.add(j);
        TFloat32 lq = TfTesting.tensor(Shape.of(q.length), q);
        fed.add(lq);
        // Zeros written out: tensorOf(shape) alone leaves the native buffer as the allocator
        // returns it, and recycled memory holding a NaN made b(x) = 0 * tanh(...) + b NaN (once,
        // on a loaded machine, where buffers are reused more).
        TFloat32 x = TfTesting.tensor(Shape.of(joint.length, 2), new float[joint.length * 2]);
        fed.add(x);
        Session.Runner runner = session.runner().feed(logJoint, j).feed(logQ, lq).feed(input, x);
        List<Operand<?>> fetches = List.of(nvil.surrogate(), nvil.baselineLoss(), nvil.signalScale(), logQGradient);
        fetches.forEach(runner::fetch);
        List<Fetched> out = new ArrayList<>();
        try (Result result = runner.run()) {
          for (int i = 0; i < fetches.size(); i++) {
            out.add(TfTesting.copy(result.get(i)));
          }
        }
        Session.Runner update = session.runner().feed(logJoint, j).feed(logQ, lq).feed(input, x);
        updates.forEach(update::addTarget);
        update.run().close();
        return out;
      } finally {
        fed.forEach(Tensor::close);
      }
    }

    double read(Variable<TFloat32> v) {
      return TfTesting.fetchOne(session, v).get(0);
    }

    @Override
    public void close() {
      session.close();
      graph.close();
    }
  }

  private static double mean(double[] xs) {
    return java.util.Arrays.stream(xs).average().orElseThrow();
  }

  /**
   * Two steps against the documented recurrences c' = a c + (1 - a) mean(l - b) and
   * v' = a v + (1 - a) mean((l - b - c)^2) with the old c, from c = 0 and v = 1; the surrogate's
   * value l, the baseline loss mean((l - c - b)^2), the scale 1 / max(1, sqrt(v)), and the
   * encoder's total gradient through log q, scale (l - b - c): the log weights' own -1 cancelled.
   */
  @Test
  void movingAveragesAndSignalFollowTheDocumentedRecurrences() {
    float[][] joints = {{-4f, -6f, -2.5f}, {-1f, -9f, -3f}};
    float[][] qs = {{-1f, -0.5f, -2f}, {-0.2f, -1.5f, -0.7f}};
    try (Fixture f = new Fixture()) {
      double c = 0;
      double v = 1;
      for (int step = 0; step < joints.length; step++) {
        double[] l = new double[joints[step].length];
        for (int i = 0; i < l.length; i++) {
          l[i] = (double) joints[step][i] - qs[step][i];
        }
        List<Fetched> out = f.step(joints[step], qs[step]);
        double scale = 1 / Math.max(1, Math.sqrt(v));
        // The first step's signals make v exceed 1, so the second step checks a scale below 1.
        assertTrue(step == 0 || scale < 1, "scale " + scale + " at step " + step);
        double baselineLoss = 0;
        for (int i = 0; i < l.length; i++) {
          String at = "step " + step + ", example " + i;
          assertEquals(l[i], out.get(0).get(i), 1e-5, "surrogate value, " + at);
          assertEquals(scale * (l[i] - BASELINE - c), out.get(3).get(i), 1e-5, "d surrogate / d log q, " + at);
          baselineLoss += Math.pow(l[i] - c - BASELINE, 2) / l.length;
        }
        assertEquals(baselineLoss, out.get(1).get(0), 1e-4, "baseline loss, step " + step);
        assertEquals(scale, out.get(2).get(0), 1e-6, "scale, step " + step);

        double[] residual = java.util.Arrays.stream(l).map(x -> x - BASELINE).toArray();
        double oldC = c;
        c = DECAY * c + (1 - DECAY) * mean(residual);
        v = DECAY * v + (1 - DECAY) * mean(java.util.Arrays.stream(residual).map(r -> (r - oldC) * (r - oldC)).toArray());
        assertEquals(c, f.read(f.mean), 1e-5, "c after step " + step);
        assertEquals(v, f.read(f.variance), 1e-4, "v after step " + step);
      }
    }
  }

  @Test
  void decayOutsideTheUnitIntervalIsRejected() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Nn nn = new Nn(new VariableStore(tf, new RandomSource(tf, Seed.of(1))), "b");
      Operand<TFloat32> l = tf.constant(new float[] {1f});
      var e = assertThrows(IllegalArgumentException.class,
          () -> NeuralVariationalInference.build(tf, nn, l, l, tf.constant(new float[][] {{1f}}), 1f));
      assertEquals("decay must be in [0, 1), was 1.0", e.getMessage());
    }
  }
}
