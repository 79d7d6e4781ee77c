package dev.helmholtz.bench;

import dev.helmholtz.data.Batch;
import dev.helmholtz.data.Batches;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.train.ThreadSettings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The speed baseline: the VAE of {@link dev.helmholtz.samples.vae.Vae} (or any MLP VAE of the same
 * shape) written by hand against raw TensorFlow Java ops, the way an expert would write it with no
 * framework in between.
 *
 * <p>Graph: a {@code [-1, input]} placeholder; encoder {@code MatMul + BiasAdd + activation} per
 * hidden layer, then two linear heads for the mean and the log standard deviation of q(z | x);
 * {@code z = mu + exp(logStd) * eps} with {@code eps} from a seeded {@code RandomStandardNormal}
 * (op and shape wrapped in {@code stopGradient}); decoder with the hidden sizes reversed and a
 * linear head for the Bernoulli logits; {@code log p(x | z) = sum(x * l - softplus(l))}; the
 * analytic {@code KL(N(mu, sigma) || N(0, I)) = sum(0.5 * (sigma^2 + mu^2 - 1) - logStd)}; loss =
 * {@code -mean(ELBO)}. Weights are Glorot uniform (seeded, stateless), biases zero.
 *
 * <p>Adam is built on the raw {@code ApplyAdam} op over the explicit variable list: every gradient
 * (and the loss) first, then every {@code ApplyAdam}, then the beta-power updates, so a step is
 * race-free and reproducible for fixed thread settings. The learning rate is a fed scalar.
 *
 * <p>Variables are read only through {@code identity} (TF Java 1.1 can crash when some ops are
 * applied directly to a reference variable and differentiated). No Helmholtz graph helper is used;
 * {@link Dataset}/{@link Batches} only supply the batches.
 */
public final class HandWrittenVae implements AutoCloseable {

  /** Hidden-layer nonlinearity. */
  public enum Activation {
    TANH,
    RELU
  }

  /**
   * An MLP VAE: encoder {@code input - hidden... - (latent, latent)}, decoder {@code latent -
   * reversed(hidden)... - input}.
   */
  public record Architecture(int inputSize, List<Integer> hiddenSizes, int latentSize, Activation activation) {
    public Architecture {
      Objects.requireNonNull(hiddenSizes, "hiddenSizes");
      Objects.requireNonNull(activation, "activation");
      hiddenSizes = List.copyOf(hiddenSizes);
      if (inputSize <= 0 || latentSize <= 0 || hiddenSizes.stream().anyMatch(h -> h <= 0)) {
        throw new IllegalArgumentException("every layer size must be positive: " + hiddenSizes);
      }
    }

    /** {@link dev.helmholtz.samples.vae.Vae}: 784-200-200-50, tanh. */
    public static Architecture burda() {
      return new Architecture(784, List.of(200, 200), 50, Activation.TANH);
    }

    /** {@link dev.helmholtz.samples.bench.WideVae}: 784-500-50, relu. */
    public static Architecture wide() {
      return new Architecture(784, List.of(500), 50, Activation.RELU);
    }

    /** 784-200-200-{@code latentSize}, tanh: {@link #burda()} with another latent size. */
    public static Architecture burda(int latentSize) {
      return new Architecture(784, List.of(200, 200), latentSize, Activation.TANH);
    }

    /**
     * The matrix products of one training step on a batch of {@code batch} rows, as TensorFlow's
     * MatMul gradient computes them: per dense layer {@code in -> out} the forward {@code x W}
     * ({@code [batch, in] x [in, out]}), the kernel's gradient {@code x^T dy} ({@code [in, batch]
     * x [batch, out]}) and, except where the layer's input is the data, the input's gradient
     * {@code dy W^T} ({@code [batch, out] x [out, in]}). The encoder's two heads are two layers.
     */
    public List<MatMulShape> trainingStepMatMuls(int batch) {
      List<MatMulShape> products = new ArrayList<>();
      for (int[] layer : layers()) {
        int in = layer[0];
        int out = layer[1];
        products.add(new MatMulShape(batch, in, out, false, false));
        products.add(new MatMulShape(in, batch, out, true, false));
        if (layer[2] == 0) {
          products.add(new MatMulShape(batch, out, in, false, true));
        }
      }
      return products;
    }

    /** FLOPs of the products of {@link #trainingStepMatMuls}: the step's arithmetic, elementwise ops aside. */
    public long trainingStepFlops(int batch) {
      return trainingStepMatMuls(batch).stream().mapToLong(MatMulShape::flops).sum();
    }

    /** FLOPs of the forward products for one row: what evaluating the encoder and decoder once costs. */
    public long forwardFlopsPerRow() {
      long flops = 0;
      for (int[] layer : layers()) {
        flops += 2L * layer[0] * layer[1];
      }
      return flops;
    }

    /** Dense layers {in, out, 1 if its input is the data else 0}: encoder, both heads, decoder. */
    private List<int[]> layers() {
      List<int[]> layers = new ArrayList<>();
      int width = inputSize;
      boolean data = true;
      for (int units : hiddenSizes) {
        layers.add(new int[] {width, units, data ? 1 : 0});
        width = units;
        data = false;
      }
      layers.add(new int[] {width, latentSize, data ? 1 : 0});
      layers.add(new int[] {width, latentSize, data ? 1 : 0});
      width = latentSize;
      List<Integer> reversed = new ArrayList<>(hiddenSizes);
      Collections.reverse(reversed);
      for (int units : reversed) {
        layers.add(new int[] {width, units, 0});
        width = units;
      }
      layers.add(new int[] {width, inputSize, 0});
      return layers;
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder().append(inputSize);
      hiddenSizes.forEach(h -> b.append('-').append(h));
      return b.append('-').append(latentSize).append(' ')
          .append(activation.name().toLowerCase(Locale.ROOT)).toString();
    }
  }

  /**
   * One matrix product {@code op(A) op(B)} with {@code op(A)} of shape {@code [m, k]} and
   * {@code op(B)} of shape {@code [k, n]}; a transposed operand is stored transposed.
   */
  public record MatMulShape(int m, int k, int n, boolean transposeA, boolean transposeB) {
    /** {@code 2 m k n}: a multiply and an add per term. */
    public long flops() {
      return 2L * m * k * n;
    }
  }

  /** What {@link #train} did: steps run and the mean loss (-ELBO) over them. */
  public record TrainResult(long steps, long examples, double meanLoss) {}

  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-8f;

  private final Architecture architecture;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TFloat32> x;
  private final Placeholder<TFloat32> learningRate;
  private final Operand<TFloat32> loss;
  private final Op step;
  private final List<Variable<TFloat32>> variables;

  private HandWrittenVae(Architecture architecture, long seed, ThreadSettings threads) {
    this.architecture = architecture;
    this.graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      SplittableRandom seeds = new SplittableRandom(seed);
      List<Variable<TFloat32>> vars = new ArrayList<>();
      List<Op> inits = new ArrayList<>();

      x = tf.withName("x").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, architecture.inputSize())));
      learningRate = tf.withName("learning_rate").placeholder(TFloat32.class,
          Placeholder.shape(Shape.scalar()));

      // Encoder.
      Ops enc = tf.withSubScope("encoder");
      Operand<TFloat32> h = x;
      long width = architecture.inputSize();
      int layer = 0;
      for (int units : architecture.hiddenSizes()) {
        h = activate(enc, dense(enc, "dense_" + layer++, h, width, units, seeds, vars, inits),
            architecture.activation());
        width = units;
      }
      Operand<TFloat32> mu = dense(enc, "mean", h, width, architecture.latentSize(), seeds, vars, inits);
      Operand<TFloat32> logStd =
          dense(enc, "log_std", h, width, architecture.latentSize(), seeds, vars, inits);

      // Reparameterized draw.
      Ops rep = tf.withSubScope("z");
      Operand<TFloat32> eps = rep.stopGradient(rep.random.randomStandardNormal(
          rep.stopGradient(rep.shape(mu, TInt64.class)), TFloat32.class,
          RandomStandardNormal.seed(seeds.nextLong() & Long.MAX_VALUE | 1),
          RandomStandardNormal.seed2(seeds.nextLong() & Long.MAX_VALUE | 1)));
      Operand<TFloat32> sigma = rep.math.exp(logStd);
      Operand<TFloat32> z = rep.math.add(mu, rep.math.mul(sigma, eps));

      // Decoder.
      Ops dec = tf.withSubScope("decoder");
      Operand<TFloat32> g = z;
      width = architecture.latentSize();
      layer = 0;
      List<Integer> reversed = new ArrayList<>(architecture.hiddenSizes());
      Collections.reverse(reversed);
      for (int units : reversed) {
        g = activate(dec, dense(dec, "dense_" + layer++, g, width, units, seeds, vars, inits),
            architecture.activation());
        width = units;
      }
      Operand<TFloat32> logits =
          dense(dec, "logits", g, width, architecture.inputSize(), seeds, vars, inits);

      // ELBO = log p(x | z) - KL(q(z | x) || N(0, I)), per example; loss = -mean.
      Ops obj = tf.withSubScope("elbo");
      Operand<TFloat32> logLik = obj.reduceSum(
          obj.math.sub(obj.math.mul(x, logits), obj.math.softplus(logits)), obj.constant(-1));
      Operand<TFloat32> kl = obj.reduceSum(
          obj.math.sub(
              obj.math.mul(obj.constant(0.5f),
                  obj.math.sub(obj.math.add(obj.math.square(sigma), obj.math.square(mu)),
                      obj.constant(1f))),
              logStd),
          obj.constant(-1));
      Operand<TFloat32> elbo = obj.math.sub(logLik, kl);
      loss = tf.withName("loss").math.neg(obj.math.mean(elbo, obj.constant(0)));

      // Adam on ApplyAdam: all gradients, then all applies, then the beta powers.
      step = adamStep(tf, loss, vars, learningRate, inits);
      this.variables = List.copyOf(vars);

      session = new Session(graph, threads.toConfig());
      Session.Runner init = session.runner();
      inits.forEach(init::addTarget);
      init.run().close(); // the initializers are targets: nothing to fetch
    } catch (RuntimeException | Error e) {
      graph.close();
      throw e;
    }
  }

  /**
   * Builds the graph of {@code architecture}, opens a session with {@code threads} and initializes
   * the variables (Glorot uniform weights and the noise are seeded from {@code seed}).
   */
  public static HandWrittenVae create(Architecture architecture, long seed, ThreadSettings threads) {
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(threads, "threads");
    return new HandWrittenVae(architecture, seed, threads);
  }

  /**
   * Adam on the raw {@code ApplyAdam} op over {@code vars}, minimizing {@code loss}: every gradient
   * (and the loss) first, then every {@code ApplyAdam}, then the beta-power updates; the slots'
   * and beta powers' initializers go to {@code inits}. The step op, for every hand-written baseline.
   */
  static Op adamStep(Ops tf, Operand<TFloat32> loss, List<Variable<TFloat32>> vars,
      Placeholder<TFloat32> learningRate, List<Op> inits) {
    Ops adam = tf.withSubScope("adam");
    Gradients grads = adam.gradients(loss, vars);
    List<Op> gradientDeps = new ArrayList<>();
    gradientDeps.add(loss);
    for (int i = 0; i < vars.size(); i++) {
      gradientDeps.add(grads.dy(i));
    }
    Op gradientsReady = adam.withControlDependencies(gradientDeps).withName("gradients_ready").noOp();
    Variable<TFloat32> beta1Power = adam.withName("beta1_power").variable(Shape.scalar(), TFloat32.class);
    Variable<TFloat32> beta2Power = adam.withName("beta2_power").variable(Shape.scalar(), TFloat32.class);
    inits.add(adam.assign(beta1Power, adam.constant(BETA1)));
    inits.add(adam.assign(beta2Power, adam.constant(BETA2)));
    Operand<TFloat32> b1 = adam.constant(BETA1);
    Operand<TFloat32> b2 = adam.constant(BETA2);
    Operand<TFloat32> epsilon = adam.constant(EPSILON);
    Ops afterGradients = adam.withControlDependencies(List.of(gradientsReady));
    List<Op> applies = new ArrayList<>();
    for (int i = 0; i < vars.size(); i++) {
      Variable<TFloat32> v = vars.get(i);
      Variable<TFloat32> m = adam.withName("m_" + i).variable(v.shape(), TFloat32.class);
      Variable<TFloat32> s = adam.withName("v_" + i).variable(v.shape(), TFloat32.class);
      inits.add(adam.assign(m, adam.zeros(adam.constant(v.shape()), TFloat32.class)));
      inits.add(adam.assign(s, adam.zeros(adam.constant(v.shape()), TFloat32.class)));
      Operand<TFloat32> grad = grads.dy(i);
      applies.add(afterGradients.train.applyAdam(
          v, m, s, beta1Power, beta2Power, learningRate, b1, b2, epsilon, grad));
    }
    Ops afterApplies = adam.withControlDependencies(applies);
    Op updateBeta1 = afterApplies.assign(beta1Power,
        afterApplies.math.mul(afterApplies.identity(beta1Power), b1));
    Op updateBeta2 = afterApplies.assign(beta2Power,
        afterApplies.math.mul(afterApplies.identity(beta2Power), b2));
    return adam.withControlDependencies(List.of(updateBeta1, updateBeta2)).withName("step").noOp();
  }

  private static Operand<TFloat32> dense(Ops tf, String name, Operand<TFloat32> in, long inWidth,
      int units, SplittableRandom seeds, List<Variable<TFloat32>> vars, List<Op> inits) {
    Ops layer = tf.withSubScope(name);
    Shape kernelShape = Shape.of(inWidth, units);
    Variable<TFloat32> kernel = layer.withName("kernel").variable(kernelShape, TFloat32.class);
    Variable<TFloat32> bias = layer.withName("bias").variable(Shape.of(units), TFloat32.class);
    float limit = (float) Math.sqrt(6.0 / (inWidth + units));
    Operand<TFloat32> u = layer.random.statelessRandomUniform(layer.constant(kernelShape),
        layer.constant(new long[] {seeds.nextLong(), seeds.nextLong()}), TFloat32.class);
    inits.add(layer.assign(kernel, layer.math.mul(
        layer.math.sub(layer.math.mul(u, layer.constant(2f)), layer.constant(1f)), layer.constant(limit))));
    inits.add(layer.assign(bias, layer.zeros(layer.constant(Shape.of(units)), TFloat32.class)));
    vars.add(kernel);
    vars.add(bias);
    return layer.nn.biasAdd(layer.linalg.matMul(in, layer.identity(kernel)), layer.identity(bias));
  }

  private static Operand<TFloat32> activate(Ops tf, Operand<TFloat32> x, Activation activation) {
    return switch (activation) {
      case TANH -> tf.math.tanh(x);
      case RELU -> tf.nn.relu(x);
    };
  }

  public Architecture architecture() {
    return architecture;
  }

  /** The graph, for inspection (op counts); do not add to it. */
  public Graph graph() {
    return graph;
  }

  /** The trainable variables, encoder first, each kernel before its bias. */
  public List<Variable<TFloat32>> variables() {
    return variables;
  }

  /** Trainable parameters in all. */
  public long parameterCount() {
    long n = 0;
    for (Variable<TFloat32> v : variables) {
      n += v.shape().size();
    }
    return n;
  }

  /**
   * One Adam step on the first {@code rows} rows of {@code flat} ({@code rows * inputSize} floats,
   * row-major); returns the loss (-mean ELBO) before the update.
   */
  public float trainStep(float[] flat, int rows, TFloat32 learningRateTensor) {
    try (TFloat32 batch = batchTensor(flat, rows);
        Result result = session.runner()
            .feed(x, batch)
            .feed(learningRate, learningRateTensor)
            .addTarget(step)
            .fetch(loss)
            .run()) {
      return ((TFloat32) result.get(0)).getFloat();
    }
  }

  /**
   * {@link #trainStep}, traced with {@code options} when they are given: returns the step's run
   * metadata then (TensorFlow's step stats), {@code null} for an untraced step.
   */
  RunMetadata traceStep(float[] flat, int rows, TFloat32 learningRateTensor, RunOptions options) {
    if (options == null) {
      trainStep(flat, rows, learningRateTensor);
      return null;
    }
    try (TFloat32 batch = batchTensor(flat, rows);
        Result result = session.runner()
            .feed(x, batch)
            .feed(learningRate, learningRateTensor)
            .addTarget(step)
            .fetch(loss)
            .setOptions(options)
            .runAndFetchMetadata()) {
      return result.getMetadata().orElseThrow(
          () -> new IllegalStateException("TensorFlow returned no run metadata for a traced step"));
    }
  }

  /**
   * {@code steps} Adam steps over {@code data}'s column {@code column}, in shuffled batches of
   * {@code batchSize} — a fresh epoch (seed {@code seed + epoch}) whenever one runs out, the last
   * batch of an epoch possibly smaller — as a training loop over {@link Batches} would run.
   */
  public TrainResult train(Dataset data, String column, int batchSize, long steps, double lr, long seed) {
    if (data.width(column) != architecture.inputSize()) {
      throw new IllegalArgumentException("column '" + column + "' has width " + data.width(column)
          + ", the model takes " + architecture.inputSize());
    }
    long done = 0;
    long examples = 0;
    double lossSum = 0;
    try (TFloat32 lrTensor = TFloat32.scalarOf((float) lr)) {
      for (long epoch = 0; done < steps; epoch++) {
        Batches batches = data.batches(batchSize, true, seed + epoch, column);
        while (batches.hasNext() && done < steps) {
          Batch b = batches.next();
          lossSum += trainStep(b.column(column), b.size(), lrTensor);
          examples += b.size();
          done++;
        }
      }
    }
    return new TrainResult(done, examples, done == 0 ? Double.NaN : lossSum / done);
  }

  /** The mean ELBO per example over {@code data}'s column (batches of 500, no update). */
  public double elbo(Dataset data, String column) {
    Batches batches = data.batches(500, false, 0L, column);
    double sum = 0;
    long rows = 0;
    while (batches.hasNext()) {
      Batch b = batches.next();
      try (TFloat32 batch = batchTensor(b.column(column), b.size());
          Result result = session.runner().feed(x, batch).fetch(loss).run()) {
        sum += -((TFloat32) result.get(0)).getFloat() * (double) b.size();
      }
      rows += b.size();
    }
    return sum / rows;
  }

  private TFloat32 batchTensor(float[] flat, int rows) {
    int width = architecture.inputSize();
    return TFloat32.tensorOf(Shape.of(rows, width),
        DataBuffers.of(flat, true, false).narrow((long) rows * width));
  }

  /** Ops in the graph, by type, sorted by type name. */
  public static Map<String, Integer> opCounts(Graph graph) {
    Map<String, Integer> counts = new TreeMap<>();
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
      counts.merge(it.next().type(), 1, Integer::sum);
    }
    return counts;
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
