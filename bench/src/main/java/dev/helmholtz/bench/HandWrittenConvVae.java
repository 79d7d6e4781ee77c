package dev.helmholtz.bench;

import dev.helmholtz.data.Batch;
import dev.helmholtz.data.Batches;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.train.ThreadSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The speed baseline of the convolutional section: the model of {@link
 * dev.helmholtz.samples.conv.ConvVae} written by hand against raw TensorFlow Java ops, as an expert
 * would write it with no framework in between.
 *
 * <p>Graph: a {@code [-1, 784]} placeholder reshaped to {@code [-1, 28, 28, 1]}; encoder {@code
 * Conv2D + BiasAdd + Relu} (16 filters, 3 x 3, stride 2, SAME), a residual block ({@code relu(x +
 * conv(relu(conv(x))))}, 3 x 3, stride 1), the same at 32 filters, then the flattened {@code [n,
 * 1568]} to two dense heads, the mean and log standard deviation of q(z | x) over 50 latents; {@code z
 * = mu + exp(logStd) eps}; decoder dense 1568 + relu, reshaped to {@code [n, 7, 7, 32]}, a residual
 * block, {@code Conv2DBackpropInput} (the transposed convolution) to {@code [n, 14, 14, 16]} + relu,
 * a residual block, and a transposed convolution to the {@code [n, 28, 28, 1]} logits; the Bernoulli
 * log-likelihood and analytic KL summed per example; loss = -mean(ELBO); Adam on {@code ApplyAdam}
 * ({@link HandWrittenVae#adamStep}). Kernels are Glorot uniform (fan in and out counting the
 * window), biases zero; variables read through {@code identity}.
 */
public final class HandWrittenConvVae implements AutoCloseable {
  private static final int LATENT = 50;
  private static final int SIDE = 28;
  private static final int PIXELS = SIDE * SIDE;

  private final Graph graph;
  private final Session session;
  private final Placeholder<TFloat32> x;
  private final Placeholder<TFloat32> learningRate;
  private final Operand<TFloat32> loss;
  private final Op step;
  private final List<Variable<TFloat32>> variables = new ArrayList<>();
  private final List<Op> inits = new ArrayList<>();
  private final SplittableRandom seeds;

  private HandWrittenConvVae(long seed, ThreadSettings threads) {
    this.graph = new Graph();
    this.seeds = new SplittableRandom(seed);
    try {
      Ops tf = Ops.create(graph);
      x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, PIXELS)));
      learningRate = tf.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      Operand<TFloat32> image = tf.reshape(x, tf.constant(new long[] {-1, SIDE, SIDE, 1}));

      Ops enc = tf.withSubScope("encoder");
      Operand<TFloat32> h = enc.nn.relu(conv(enc, "conv_0", image, 1, 16, 2));
      h = residual(enc, "res_0", h, 16);
      h = enc.nn.relu(conv(enc, "conv_1", h, 16, 32, 2));
      h = residual(enc, "res_1", h, 32);
      Operand<TFloat32> flat = enc.reshape(h, enc.constant(new long[] {-1, 7 * 7 * 32}));
      Operand<TFloat32> mu = dense(enc, "mean", flat, 7 * 7 * 32, LATENT);
      Operand<TFloat32> logStd = dense(enc, "log_std", flat, 7 * 7 * 32, LATENT);

      Ops rep = tf.withSubScope("z");
      Operand<TFloat32> eps = rep.stopGradient(rep.random.randomStandardNormal(
          rep.stopGradient(rep.shape(mu, TInt64.class)), TFloat32.class,
          RandomStandardNormal.seed(seeds.nextLong() & Long.MAX_VALUE | 1),
          RandomStandardNormal.seed2(seeds.nextLong() & Long.MAX_VALUE | 1)));
      Operand<TFloat32> sigma = rep.math.exp(logStd);
      Operand<TFloat32> z = rep.math.add(mu, rep.math.mul(sigma, eps));

      Ops dec = tf.withSubScope("decoder");
      Operand<TFloat32> g = dec.nn.relu(dense(dec, "dense", z, LATENT, 7 * 7 * 32));
      g = dec.reshape(g, dec.constant(new long[] {-1, 7, 7, 32}));
      g = residual(dec, "res_0", g, 32);
      g = dec.nn.relu(transposedConv(dec, "deconv_0", g, 32, 16, 14));
      g = residual(dec, "res_1", g, 16);
      Operand<TFloat32> logits = dec.reshape(transposedConv(dec, "deconv_1", g, 16, 1, 28),
          dec.constant(new long[] {-1, PIXELS}));

      Ops obj = tf.withSubScope("elbo");
      Operand<TFloat32> logLik = obj.reduceSum(
          obj.math.sub(obj.math.mul(x, logits), obj.math.softplus(logits)), obj.constant(-1));
      Operand<TFloat32> kl = obj.reduceSum(obj.math.sub(obj.math.mul(obj.constant(0.5f),
          obj.math.sub(obj.math.add(obj.math.square(sigma), obj.math.square(mu)), obj.constant(1f))), logStd),
          obj.constant(-1));
      loss = tf.withName("loss").math.neg(obj.math.mean(obj.math.sub(logLik, kl), obj.constant(0)));
      step = HandWrittenVae.adamStep(tf, loss, variables, learningRate, inits);

      session = new Session(graph, threads.toConfig());
      Session.Runner init = session.runner();
      inits.forEach(init::addTarget);
      init.run().close();
    } catch (RuntimeException | Error e) {
      graph.close();
      throw e;
    }
  }

  /** Builds the graph, opens a session with {@code threads} and initializes the variables from {@code seed}. */
  public static HandWrittenConvVae create(long seed, ThreadSettings threads) {
    return new HandWrittenConvVae(seed, threads);
  }

  private Operand<TFloat32> residual(Ops tf, String name, Operand<TFloat32> in, int channels) {
    Ops block = tf.withSubScope(name);
    Operand<TFloat32> inner = conv(block, "conv_1", block.nn.relu(conv(block, "conv_0", in, channels, channels, 1)),
        channels, channels, 1);
    return block.nn.relu(block.math.add(in, inner));
  }

  /** 3 x 3 convolution, SAME, {@code stride}, plus bias. */
  private Operand<TFloat32> conv(Ops tf, String name, Operand<TFloat32> in, int channels, int filters, int stride) {
    Ops layer = tf.withSubScope(name);
    Variable<TFloat32> kernel = variable(layer, Shape.of(3, 3, channels, filters), 9L * channels, 9L * filters);
    Variable<TFloat32> bias = zeros(layer, filters);
    return layer.nn.biasAdd(layer.nn.conv2d(in, layer.identity(kernel), List.of(1L, (long) stride, (long) stride, 1L),
        "SAME"), layer.identity(bias));
  }

  /** 3 x 3 transposed convolution, stride 2, SAME, to {@code side} x {@code side} x {@code filters}, plus bias. */
  private Operand<TFloat32> transposedConv(Ops tf, String name, Operand<TFloat32> in, int channels, int filters,
      int side) {
    Ops layer = tf.withSubScope(name);
    Variable<TFloat32> kernel = variable(layer, Shape.of(3, 3, filters, channels), 9L * channels, 9L * filters);
    Variable<TFloat32> bias = zeros(layer, filters);
    Operand<TInt32> rows = layer.slice(layer.shape(in, TInt32.class), layer.constant(new int[] {0}),
        layer.constant(new int[] {1}));
    Operand<TInt32> outputShape = layer.concat(List.of(rows, layer.constant(new int[] {side, side, filters})),
        layer.constant(0));
    Operand<TFloat32> y = layer.nn.conv2dBackpropInput(outputShape, layer.identity(kernel), in,
        List.of(1L, 2L, 2L, 1L), "SAME");
    y = layer.reshape(y, layer.constant(new long[] {-1, side, side, filters}));
    return layer.nn.biasAdd(y, layer.identity(bias));
  }

  private Operand<TFloat32> dense(Ops tf, String name, Operand<TFloat32> in, int inWidth, int units) {
    Ops layer = tf.withSubScope(name);
    Variable<TFloat32> kernel = variable(layer, Shape.of(inWidth, units), inWidth, units);
    Variable<TFloat32> bias = zeros(layer, units);
    return layer.nn.biasAdd(layer.linalg.matMul(in, layer.identity(kernel)), layer.identity(bias));
  }

  /** A kernel, Glorot uniform over fan in and fan out, from a stateless seeded draw. */
  private Variable<TFloat32> variable(Ops layer, Shape shape, long fanIn, long fanOut) {
    Variable<TFloat32> kernel = layer.withName("kernel").variable(shape, TFloat32.class);
    float limit = (float) Math.sqrt(6.0 / (fanIn + fanOut));
    Operand<TFloat32> u = layer.random.statelessRandomUniform(layer.constant(shape),
        layer.constant(new long[] {seeds.nextLong(), seeds.nextLong()}), TFloat32.class);
    inits.add(layer.assign(kernel, layer.math.mul(
        layer.math.sub(layer.math.mul(u, layer.constant(2f)), layer.constant(1f)), layer.constant(limit))));
    variables.add(kernel);
    return kernel;
  }

  private Variable<TFloat32> zeros(Ops layer, int size) {
    Variable<TFloat32> bias = layer.withName("bias").variable(Shape.of(size), TFloat32.class);
    inits.add(layer.assign(bias, layer.zeros(layer.constant(Shape.of(size)), TFloat32.class)));
    variables.add(bias);
    return bias;
  }

  /**
   * {@code steps} Adam steps over {@code data}'s column {@code column} (784 values per row), in
   * shuffled batches of {@code batchSize}, a fresh epoch (seed {@code seed + epoch}) whenever one
   * runs out, as {@link HandWrittenVae#train} does.
   */
  public HandWrittenVae.TrainResult train(Dataset data, String column, int batchSize, long steps, double lr, long seed) {
    if (data.width(column) != PIXELS) {
      throw new IllegalArgumentException("column '" + column + "' has width " + data.width(column) + ", the model takes "
          + PIXELS);
    }
    long done = 0;
    long examples = 0;
    double lossSum = 0;
    try (TFloat32 lrTensor = TFloat32.scalarOf((float) lr)) {
      for (long epoch = 0; done < steps; epoch++) {
        Batches batches = data.batches(batchSize, true, seed + epoch, column);
        while (batches.hasNext() && done < steps) {
          Batch b = batches.next();
          try (TFloat32 batch = TFloat32.tensorOf(Shape.of(b.size(), PIXELS),
                  DataBuffers.of(b.column(column), true, false).narrow((long) b.size() * PIXELS));
              Result result = session.runner().feed(x, batch).feed(learningRate, lrTensor).addTarget(step)
                  .fetch(loss).run()) {
            lossSum += ((TFloat32) result.get(0)).getFloat();
          }
          examples += b.size();
          done++;
        }
      }
    }
    return new HandWrittenVae.TrainResult(done, examples, done == 0 ? Double.NaN : lossSum / done);
  }

  /** Trainable parameters in all (the generated model's count, for the same architecture). */
  public long parameterCount() {
    return variables.stream().mapToLong(v -> v.shape().size()).sum();
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
