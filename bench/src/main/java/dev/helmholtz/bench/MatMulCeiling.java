package dev.helmholtz.bench;

import dev.helmholtz.bench.HandWrittenVae.MatMulShape;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ThreadSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

/**
 * The speed of float32 MatMul alone at a training step's shapes: the ceiling a step made of those
 * products and nothing else would reach. One graph holds exactly the products of the step (same
 * shapes and transposes, operands in variables so nothing is fed or constant-folded); each
 * session run computes all of them, with the same {@link ThreadSettings} as training, so
 * independent products may run in parallel as the backward pass's do.
 *
 * <p>{@link #withAdam} adds what no training step with Adam can leave out: an Adam update of
 * every parameter, each kernel updated with its kernel-gradient product as soon as that product
 * is done (the products with a transposed left operand, {@code x^T dy}, have a kernel's shape)
 * and a bias of the kernel's width beside it. Its time over the ceiling's bounds what fraction of
 * the ceiling any step of those shapes can reach with TensorFlow's Adam on these threads.
 *
 * <p>{@link #withAdamAndPixels} adds, to that, the work per pixel that a step of a Bernoulli VAE on
 * dynamically binarized images cannot leave out either, in the forms Helmholtz builds them: per
 * tower, the 16-bit Bernoulli draw that binarizes its rows ({@link RandomSource#bernoulli16}) and
 * the Bernoulli log-density of its rows with its gradient in the logits ({@link Bernoulli#logProb}).
 * That work reads nothing the products write, so it may overlap them completely: the time bounds
 * from below any such step on these threads, and the Adam bound's time over it bounds from above
 * the fraction of the Adam bound such a step can reach.
 */
public final class MatMulCeiling implements AutoCloseable {
  private final Graph graph = new Graph();
  private final Session session;
  private final List<Op> products = new ArrayList<>();
  private final long flops;

  /** A graph of these products, operands initialized to uniform noise from {@code seed}. */
  public MatMulCeiling(List<MatMulShape> shapes, ThreadSettings threads, long seed) {
    this(shapes, threads, seed, false, List.of(), 0);
  }

  /** The same products, and an Adam update of a kernel and a bias for each kernel-gradient product. */
  public static MatMulCeiling withAdam(List<MatMulShape> shapes, ThreadSettings threads, long seed) {
    return new MatMulCeiling(shapes, threads, seed, true, List.of(), 0);
  }

  /**
   * {@link #withAdam}, and for each entry of {@code towerRows} a tower's binarizing draw and
   * Bernoulli log-density with its gradient over {@code rows x width} pixels.
   */
  public static MatMulCeiling withAdamAndPixels(List<MatMulShape> shapes, List<Integer> towerRows, int width,
      ThreadSettings threads, long seed) {
    if (towerRows.isEmpty() || width < 1) {
      throw new IllegalArgumentException("no pixels to time: towers " + towerRows + ", width " + width);
    }
    return new MatMulCeiling(shapes, threads, seed, true, towerRows, width);
  }

  private MatMulCeiling(List<MatMulShape> shapes, ThreadSettings threads, long seed, boolean adam,
      List<Integer> towerRows, int width) {
    if (shapes.isEmpty()) {
      throw new IllegalArgumentException("no products to time");
    }
    try {
      Ops tf = Ops.create(graph);
      List<Op> inits = new ArrayList<>();
      long total = 0;
      int i = 0;
      for (MatMulShape s : shapes) {
        Operand<TFloat32> a = operand(tf, "a" + i, s.transposeA() ? Shape.of(s.k(), s.m()) : Shape.of(s.m(), s.k()),
            seed + 2L * i, inits);
        Operand<TFloat32> b = operand(tf, "b" + i, s.transposeB() ? Shape.of(s.n(), s.k()) : Shape.of(s.k(), s.n()),
            seed + 2L * i + 1, inits);
        MatMul<TFloat32> product = tf.linalg.matMul(a, b, MatMul.transposeA(s.transposeA()),
            MatMul.transposeB(s.transposeB()));
        products.add(product);
        if (adam && s.transposeA()) {
          products.add(adamUpdate(tf, "kernel" + i, Shape.of(s.m(), s.n()), product, inits));
          products.add(adamUpdate(tf, "bias" + i, Shape.of(s.n()),
              operand(tf, "bias_gradient" + i, Shape.of(s.n()), seed + 2L * i + 1_000_000, inits), inits));
        }
        total += s.flops();
        i++;
      }
      flops = total;
      RandomSource random = new RandomSource(tf, Seed.of(seed));
      int t = 0;
      for (int rows : towerRows) {
        Ops tower = tf.withSubScope("pixels" + t);
        Operand<TFloat32> probabilities = operand(tower, "probabilities", Shape.of(rows, width), seed + 3_000_000 + t,
            inits);
        Operand<TFloat32> logits = tower.math.sub(
            operand(tower, "logits", Shape.of(rows, width), seed + 4_000_000 + t, inits), tower.constant(0.5f));
        Operand<TFloat32> x = random.bernoulli16(probabilities);
        ReduceSum<TFloat32> logDensity = tower.reduceSum(Bernoulli.logits(logits).logProb(x), tower.constant(0));
        // Targets, not control inputs of a NoOp: grappler drops pure ops that only a NoOp waits for.
        products.add(logDensity);
        Operation gradient = tower.gradients(logDensity, List.of(logits)).dy().get(0).op();
        products.add(() -> gradient);
        t++;
      }
      session = new Session(graph, threads.toConfig());
      session.initialize(); // the draws' run counters
      Session.Runner init = session.runner();
      inits.forEach(init::addTarget);
      init.run().close();
    } catch (RuntimeException | Error e) {
      graph.close();
      throw e;
    }
  }

  private static Operand<TFloat32> operand(Ops tf, String name, Shape shape, long seed, List<Op> inits) {
    Variable<TFloat32> v = tf.withName(name).variable(shape, TFloat32.class);
    inits.add(tf.assign(v, tf.random.statelessRandomUniform(tf.constant(shape),
        tf.constant(new long[] {seed, 17}), TFloat32.class)));
    return tf.identity(v); // variables are read through identity (see TFJAVA-NOTES)
  }

  /** A variable of {@code shape} and its Adam moments (zero), updated with {@code gradient} each run. */
  private static Op adamUpdate(Ops tf, String name, Shape shape, Operand<TFloat32> gradient, List<Op> inits) {
    Variable<TFloat32> variable = tf.withName(name).variable(shape, TFloat32.class);
    Variable<TFloat32> m = tf.withName(name + "_m").variable(shape, TFloat32.class);
    Variable<TFloat32> v = tf.withName(name + "_v").variable(shape, TFloat32.class);
    for (Variable<TFloat32> x : List.of(variable, m, v)) {
      inits.add(tf.assign(x, tf.zeros(tf.constant(shape), TFloat32.class)));
    }
    // Constant bias corrections: the timing does not depend on them, and a real step's update of
    // the two powers is two scalar ops.
    return tf.train.applyAdam(variable, m, v, tf.constant(0.9f), tf.constant(0.999f), tf.constant(1e-3f),
        tf.constant(0.9f), tf.constant(0.999f), tf.constant(1e-8f), gradient);
  }

  /** FLOPs of one run: {@code 2 m k n} summed over the products. */
  public long flops() {
    return flops;
  }

  /** Wall time of one run of all products, in ms. */
  public double runMs(int runs) {
    long start = System.nanoTime();
    for (int r = 0; r < runs; r++) {
      Session.Runner runner = session.runner();
      products.forEach(runner::addTarget);
      runner.run().close(); // the products are targets: computed, not copied out
    }
    return (System.nanoTime() - start) / 1e6 / runs;
  }

  /**
   * The types of the ops one traced run executes, as TensorFlow's step stats name them: what the
   * timed runs compute after grappler's rewrites (a test checks that none of the work is pruned).
   */
  Set<String> executedOpTypes() {
    Session.Runner runner = session.runner();
    products.forEach(runner::addTarget);
    RunOptions trace = RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
    Set<String> types = new TreeSet<>();
    try (Result result = runner.setOptions(trace).runAndFetchMetadata()) {
      RunMetadata metadata = result.getMetadata().orElseThrow();
      for (DeviceStepStats device : metadata.getStepStats().getDevStatsList()) {
        for (NodeExecStats node : device.getNodeStatsList()) {
          types.add(StepProfile.executedType(graph, node));
        }
      }
    }
    return types;
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
