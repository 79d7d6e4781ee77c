package dev.helmholtz.bench;

import dev.helmholtz.core.CompiledModel;
import dev.helmholtz.data.Batch;
import dev.helmholtz.data.Batches;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.train.ThreadSettings;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The evaluation baseline: the importance-sampled log-likelihood of the sample VAE
 * (784-200-200-50, tanh, Bernoulli pixels) written by hand against raw TensorFlow Java ops, with
 * the weights copied from a generated model, run the way one would write it: one session run per
 * batch of examples and chunk of samples, one after another.
 *
 * <p>Graph: {@code x [B, 784]}; the encoder once per example, {@code mu, logStd [B, 50]}; {@code
 * eps [k, B, 50]} from a seeded {@code StatelessRandomNormal}; {@code z = mu + exp(logStd) eps}
 * folded to {@code [k B, 50]}; the decoder's three products; {@code log w = sum(x l -
 * softplus(l)) + log N(z; 0, I) - log N(z; mu, sigma)}; {@code logsumexp} over the k samples,
 * fetched as {@code [B]}: nothing of size k leaves the graph. The chunking (at most {@code rows}
 * rows a run) is the generated evaluation's, so both make the same runs.
 */
final class HandWrittenEvaluation implements AutoCloseable {
  private static final float HALF_LOG_TWO_PI = (float) (0.5 * Math.log(2 * Math.PI));

  private final Graph graph = new Graph();
  private final Session session;
  private final Placeholder<TFloat32> x;
  private final Placeholder<TInt32> k;
  private final Placeholder<TInt64> seed;
  private final Operand<TFloat32> logSumExp;
  private final int rows;

  /** The graph with the weights of {@code model} (a {@code VaeModel} of the sample Vae), on {@code threads}. */
  HandWrittenEvaluation(CompiledModel model, ThreadSettings threads, int rows) {
    this.rows = rows;
    try {
      Ops tf = Ops.create(graph);
      x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 784)));
      k = tf.placeholder(TInt32.class);
      seed = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
      Operand<TFloat32> h = tf.math.tanh(dense(tf, model, "encode/dense_0", x, 784, 200));
      h = tf.math.tanh(dense(tf, model, "encode/dense_1", h, 200, 200));
      Operand<TFloat32> mu = dense(tf, model, "encode/dense_2", h, 200, 50);
      Operand<TFloat32> logStd = dense(tf, model, "encode/dense_3", h, 200, 50);
      Operand<TInt32> batch = tf.squeeze(tf.slice(tf.shape(x), tf.constant(new int[] {0}), tf.constant(new int[] {1})));
      Operand<TFloat32> eps = tf.random.statelessRandomNormal(tf.stack(List.of(k, batch, tf.constant(50))), seed,
          TFloat32.class);
      Operand<TFloat32> z = tf.math.add(mu, tf.math.mul(tf.math.exp(logStd), eps)); // [k, B, 50]
      Operand<TFloat32> d = tf.reshape(z, tf.constant(new int[] {-1, 50}));
      d = tf.math.tanh(dense(tf, model, "decode/dense_0", d, 50, 200));
      d = tf.math.tanh(dense(tf, model, "decode/dense_1", d, 200, 200));
      Operand<TFloat32> logits = tf.reshape(dense(tf, model, "decode/dense_2", d, 200, 784),
          tf.stack(List.of(k, batch, tf.constant(784))));
      Operand<TInt32> last = tf.constant(new int[] {-1});
      Operand<TFloat32> logPx = tf.reduceSum(tf.math.sub(tf.math.mul(x, logits), tf.math.softplus(logits)), last);
      Operand<TFloat32> logPz = tf.reduceSum(tf.math.mul(tf.constant(-0.5f), tf.math.square(z)), last);
      Operand<TFloat32> logQz = tf.reduceSum(tf.math.sub(tf.math.mul(tf.constant(-0.5f), tf.math.square(eps)), logStd),
          last); // the 50 log(2 pi) / 2 of both cancel
      Operand<TFloat32> logW = tf.math.add(logPx, tf.math.sub(logPz, logQz)); // [k, B]
      Operand<TInt32> samples = tf.constant(new int[] {0});
      Operand<TFloat32> max = tf.stopGradient(tf.max(logW, samples));
      logSumExp = tf.math.add(max, tf.math.log(tf.reduceSum(tf.math.exp(tf.math.sub(logW, max)), samples)));
      session = new Session(graph, threads.toConfig());
    } catch (RuntimeException | Error e) {
      graph.close();
      throw e;
    }
  }

  private static Operand<TFloat32> dense(Ops tf, CompiledModel model, String layer, Operand<TFloat32> in, int from,
      int to) {
    Operand<TFloat32> kernel = tf.constant(Shape.of(from, to), DataBuffers.of(model.parameter(layer + "/kernel")));
    Operand<TFloat32> bias = tf.constant(Shape.of(to), DataBuffers.of(model.parameter(layer + "/bias")));
    return tf.nn.biasAdd(tf.linalg.matMul(in, kernel), bias);
  }

  /** The mean estimate of log p(x) over {@code data} (column "x") at {@code samples} importance samples. */
  double logLikelihood(Dataset data, int samples) {
    int chunk = Math.min(samples, rows);
    int examplesPerRun = Math.max(1, Math.min(500, rows / chunk));
    double total = 0;
    long run = 0;
    Batches batches = data.batches(examplesPerRun, false, 1, "x");
    while (batches.hasNext()) {
      Batch b = batches.next();
      double[] sums = new double[b.size()];
      java.util.Arrays.fill(sums, Double.NEGATIVE_INFINITY);
      for (int done = 0; done < samples; done += chunk) {
        try (TFloat32 xs = TFloat32.tensorOf(Shape.of(b.size(), 784),
                DataBuffers.of(b.column("x"), true, false).narrow((long) b.size() * 784));
            TInt32 kNow = TInt32.scalarOf(Math.min(chunk, samples - done));
            TInt64 seedNow = TInt64.vectorOf(17, ++run);
            Result result = session.runner().feed(x, xs).feed(k, kNow).feed(seed, seedNow).fetch(logSumExp).run()) {
          TFloat32 partial = (TFloat32) result.get(0);
          for (int i = 0; i < b.size(); i++) {
            double v = partial.getFloat(i);
            double m = Math.max(sums[i], v);
            sums[i] = m + Math.log(Math.exp(sums[i] - m) + Math.exp(v - m));
          }
        }
      }
      for (double s : sums) {
        total += s - Math.log(samples);
      }
    }
    return total / data.size();
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
