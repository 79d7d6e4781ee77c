package dev.helmholtz.bench;

import dev.helmholtz.train.ThreadSettings;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * What an importance-sampled evaluation of the sample VAE (784-200-200-50, tanh, Bernoulli pixels)
 * cannot avoid, timed alone at the evaluation's shapes: for {@code rows} samples-times-examples,
 * the noise ({@code [rows, 50]} standard normals), the decoder's three products ({@code [rows, 50]
 * x [50, 200]}, {@code [rows, 200] x [200, 200]}, {@code [rows, 200] x [200, 784]}), its two
 * {@code tanh} passes over {@code [rows, 200]}, and the Bernoulli log-density {@code x l -
 * softplus(l)} summed over the 784 pixels in the cheapest stable form measured ({@code x l -
 * relu(l) + log(sigmoid(|l|))}, what the generated evaluation computes). Each reads its operand
 * from a variable, so nothing is fed or constant-folded; the parts are independent, so a run keeps
 * as many cores busy as the session's inter-op threads allow, and its time bounds from below a
 * run of an evaluation that does this work on these threads. The encoder (once per example) and the log-sum-exp over samples ({@code rows} values)
 * are left out: they are under 1% of a run.
 */
final class EvaluationBound implements AutoCloseable {
  private final Graph graph = new Graph();
  private final Session session;
  private final List<Op> parts = new ArrayList<>();

  /** The parts for {@code examples} examples of {@code samples} samples each, one run's worth. */
  EvaluationBound(int examples, int samples, ThreadSettings threads, long seed) {
    int rows = examples * samples;
    try {
      Ops tf = Ops.create(graph);
      List<Op> inits = new ArrayList<>();
      int[] i = {0};
      java.util.function.Function<Shape, Operand<TFloat32>> operand = shape -> {
        Variable<TFloat32> v = tf.withName("operand" + i[0]).variable(shape, TFloat32.class);
        inits.add(tf.assign(v, tf.random.statelessRandomNormal(tf.constant(shape),
            tf.constant(new long[] {seed, i[0]++}), TFloat32.class)));
        return tf.identity(v);
      };
      parts.add(tf.random.statelessRandomNormal(tf.constant(new long[] {rows, 50}), tf.constant(new long[] {seed, 99}),
          TFloat32.class));
      parts.add(tf.linalg.matMul(operand.apply(Shape.of(rows, 50)), operand.apply(Shape.of(50, 200))));
      parts.add(tf.linalg.matMul(operand.apply(Shape.of(rows, 200)), operand.apply(Shape.of(200, 200))));
      parts.add(tf.linalg.matMul(operand.apply(Shape.of(rows, 200)), operand.apply(Shape.of(200, 784))));
      parts.add(tf.math.tanh(operand.apply(Shape.of(rows, 200))));
      parts.add(tf.math.tanh(operand.apply(Shape.of(rows, 200))));
      // x l - softplus(l) in its cheapest stable form (Bernoulli.evaluationLogProb), x broadcast over the samples.
      Operand<TFloat32> logits = tf.reshape(operand.apply(Shape.of(rows, 784)),
          tf.constant(new long[] {rows / examples, examples, 784}));
      Operand<TFloat32> x = operand.apply(Shape.of(examples, 784));
      parts.add(tf.reduceSum(tf.math.add(tf.math.sub(tf.math.mul(x, logits), tf.nn.relu(logits)),
          tf.math.log(tf.math.sigmoid(tf.math.abs(logits)))), tf.constant(new int[] {-1})));
      session = new Session(graph, threads.toConfig());
      Session.Runner init = session.runner();
      inits.forEach(init::addTarget);
      init.run().close();
    } catch (RuntimeException | Error e) {
      graph.close();
      throw e;
    }
  }

  /** Wall time of one run of every part, in ms, the mean over {@code runs}. */
  double runMs(int runs) {
    long start = System.nanoTime();
    for (int r = 0; r < runs; r++) {
      Session.Runner runner = session.runner();
      parts.forEach(runner::addTarget);
      runner.run().close();
    }
    return (System.nanoTime() - start) / 1e6 / runs;
  }

  @Override
  public void close() {
    try {
      session.close();
    } finally {
      graph.close();
    }
  }
}
