package dev.helmholtz.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.op.core.AssignAdd;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint16;

/**
 * Deterministic dispenser of op-level seeds for one graph.
 *
 * <p>TensorFlow Java has no graph-level seed: a random op is reproducible only when its own
 * {@code seed}/{@code seed2} attributes are set, and {@code (0, 0)} means "seed from the OS". This
 * class hands every random op its own pair, taken from a deterministic sequence in call order, so
 * the same graph built with the same {@link Seed} draws the same numbers in a fresh session.
 *
 * <p>Every draw is fresh on each {@code Session.run} that evaluates it, which is what training
 * noise needs, yet its whole state is in graph variables: each draw is a <em>stateless</em> random
 * op whose seed is the op's own pair with a run counter added, and the counter is a {@code
 * VariableV2} (named {@code random_state/runs_<n>}) that the draw increments when it runs. So
 * {@code Session.save} (checkpoints, SavedModel export) captures the position of every random
 * stream, and a restored session continues them exactly where the saved one was: a resumed
 * training run draws the same noise as an uninterrupted one. Random ops have no gradient in TF
 * Java, so each draw and the shape it is built from are wrapped in {@code stopGradient}.
 *
 * <p>A new kind of draw (a Gamma, say) keeps this property by taking its seed from {@link
 * #nextRunSeed()} and using a stateless op; a stateful TensorFlow random op would not be
 * checkpointed.
 */
public final class RandomSource {

  /** Where the run counters live: the host's CPU (see {@code docs/distributed.md}, device placement). */
  public static final DeviceSpec HOST = DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.CPU).deviceIndex(0).build();

  /** Name scope of the run counters. */
  public static final String STATE_SCOPE = "random_state";

  private final Ops tf;
  private final Seed seed;
  private long counter;
  private Ops stateOps;
  private final List<Variable<TInt64>> runCounters = new ArrayList<>();
  private final List<Operand<TInt64>> runCounts = new ArrayList<>();
  /** The run seeds handed out since {@link #startRecording()}, or null when not recording. */
  private List<Operand<TInt64>> recording;
  /** The run seeds a replayed build takes in turn ({@link #replay}), or null outside one. */
  private java.util.Deque<Operand<TInt64>> replaying;

  public RandomSource(Ops tf, Seed seed) {
    this.tf = Objects.requireNonNull(tf, "tf");
    this.seed = Objects.requireNonNull(seed, "seed");
  }

  public Ops tf() {
    return tf;
  }

  /** The seed this source was created with. */
  public Seed seed() {
    return seed;
  }

  /**
   * The next {@code {seed, seed2}} pair. Deterministic in call order; both values are
   * non-negative and never both zero.
   */
  public synchronized long[] nextSeeds() {
    if (replaying != null) {
      throw new IllegalStateException("a replayed build asked for new seeds (a new variable or draw);"
          + " it must build what the recorded one built");
    }
    long base = Seed.mix64(seed.value() ^ 0x243F6A8885A308D3L);
    while (true) {
      long n = counter++;
      long s1 = Seed.mix64(base + 0x9E3779B97F4A7C15L * (2 * n + 1)) & Long.MAX_VALUE;
      long s2 = Seed.mix64(base + 0x9E3779B97F4A7C15L * (2 * n + 2)) & Long.MAX_VALUE;
      if (s1 != 0 || s2 != 0) {
        return new long[] {s1, s2};
      }
    }
  }

  /**
   * A {@code [2]} int64 seed for one stateless random op: the next {@link #nextSeeds()} pair, with
   * a run counter added to its second half. The counter starts at 0 (an initializer run on the
   * session's first run) and goes up by one each time a {@code Session.run} evaluates the seed, so
   * each run draws different numbers; the op's stream never meets another's, since their first
   * halves differ. Stateless ops scramble their seed, so consecutive counters give unrelated
   * draws.
   */
  public synchronized Operand<TInt64> nextRunSeed() {
    if (replaying != null) {
      Operand<TInt64> recorded = replaying.poll();
      if (recorded == null) {
        throw new IllegalStateException("a replayed build draws more than the recorded one did");
      }
      return recorded;
    }
    Operand<TInt64> runSeed = newRunSeed();
    if (recording != null) {
      recording.add(runSeed);
    }
    return runSeed;
  }

  private Operand<TInt64> newRunSeed() {
    long[] s = nextSeeds();
    if (stateOps == null) {
      // The counters stay on the host whatever device runs the draws: a scalar int64 counter gains
      // nothing on a GPU, and its AssignAdd (a ref op, colocated with its variable) has no GPU kernel
      // for every type. On a CPU-only machine this is the one device there is.
      stateOps = tf.withSubScope(STATE_SCOPE).withDevice(HOST);
    }
    Ops init = stateOps.withInitScope();
    Variable<TInt64> runs =
        init.withName("runs_" + runCounters.size()).variable(Shape.scalar(), TInt64.class);
    init.withName("runs_" + runCounters.size() + "_init").assign(runs, init.constant(0L));
    runCounters.add(runs);
    // AssignAdd yields the counter after the increment; locking keeps concurrent runs distinct.
    // Read through an Identity: a run may feed it a counter value of its own, which prunes the
    // increment (see runCounts()).
    Operand<TInt64> count = stateOps.identity(
        stateOps.assignAdd(runs, stateOps.constant(1L), AssignAdd.useLocking(true)));
    runCounts.add(count);
    return tf.math.add(tf.constant(new long[] {s[0], s[1]}),
        tf.math.mul(tf.constant(new long[] {0L, 1L}), count));
  }

  /**
   * Starts recording the run seeds {@link #nextRunSeed()} hands out, for a later {@link #replay}
   * of the same build.
   */
  public synchronized void startRecording() {
    if (recording != null || replaying != null) {
      throw new IllegalStateException("already recording or replaying");
    }
    recording = new ArrayList<>();
  }

  /** Stops recording; returns the run seeds handed out since {@link #startRecording()}, in order. */
  public synchronized List<Operand<TInt64>> stopRecording() {
    if (recording == null) {
      throw new IllegalStateException("not recording");
    }
    List<Operand<TInt64>> recorded = List.copyOf(recording);
    recording = null;
    return recorded;
  }

  /**
   * Builds a second copy of a recorded build ({@code build}) that draws exactly what the first
   * draws: each {@link #nextRunSeed()} of {@code build} returns the next of {@code recorded}, the
   * very seed (and run counter) the first copy's draw in that place took, so a run of either copy
   * advances the same counters and draws the same numbers. The copy may differ only in what does
   * not draw (static shapes, say); one that asks for a seed the recorded build did not (a new
   * variable's initializer, an extra draw) or leaves one unused fails.
   *
   * @throws IllegalStateException when {@code build} draws otherwise than the recorded build
   */
  public void replay(List<Operand<TInt64>> recorded, Runnable build) {
    synchronized (this) {
      if (recording != null || replaying != null) {
        throw new IllegalStateException("already recording or replaying");
      }
      replaying = new java.util.ArrayDeque<>(recorded);
    }
    int left;
    try {
      build.run();
    } finally {
      synchronized (this) {
        left = replaying.size();
        replaying = null;
      }
    }
    if (left > 0) {
      throw new IllegalStateException("a replayed build drew " + (recorded.size() - left) + " times where the"
          + " recorded one drew " + recorded.size() + " times");
    }
  }

  /**
   * The counter value each draw's seed is built from, one per {@link #runCounters() run counter}
   * and in the same order: the counter after its increment. A run that feeds it a value draws
   * what a run with the counter at that value would draw and leaves the counter as it was, so
   * runs whose counters are fed may go in any order, or at the same time, and draw the numbers a
   * one-at-a-time sequence would (importance-sampled evaluation runs its batches so).
   */
  public synchronized List<Operand<TInt64>> runCounts() {
    return Collections.unmodifiableList(new ArrayList<>(runCounts));
  }

  /** The run counters of every draw built so far, in creation order (for tests and diagnostics). */
  public synchronized List<Variable<TInt64>> runCounters() {
    return Collections.unmodifiableList(new ArrayList<>(runCounters));
  }

  /** Standard normal noise of the given shape; no gradient flows through it. */
  public Operand<TFloat32> standardNormal(Operand<TInt64> shape) {
    Operand<TInt64> runSeed = nextRunSeed();
    return withStaticShape(tf.stopGradient(
        tf.random.statelessRandomNormal(tf.stopGradient(shape), runSeed, TFloat32.class)), shape);
  }

  /**
   * The StopGradient around the shape hides it from TensorFlow's shape inference, so the draw's
   * static shape is unknown, and a dense layer downstream cannot size its kernel. A Reshape to
   * the same shape restores what is known statically (say [?, 50]); it copies nothing, and its
   * gradient never flows into its shape input.
   */
  private Operand<TFloat32> withStaticShape(Operand<TFloat32> draw, Operand<TInt64> shape) {
    return tf.reshape(draw, shape);
  }

  /** Uniform noise in [0, 1) of the given shape; no gradient flows through it. */
  public Operand<TFloat32> uniform(Operand<TInt64> shape) {
    Operand<TInt64> runSeed = nextRunSeed();
    return withStaticShape(tf.stopGradient(
        tf.random.statelessRandomUniform(tf.stopGradient(shape), runSeed, TFloat32.class)), shape);
  }

  /** The {@link GradientDispatch} name of the gamma draw's implicit gradient. */
  static final String GAMMA_GRADIENT = "standard-gamma-implicit";

  /**
   * The gamma draw's gradient (inputs: the concentration alpha; outputs: the draw x, whose trailing
   * axes are alpha's): dL/dx * dx/d alpha, summed over the leading axes alpha lacks, where
   * TensorFlow's {@code RandomGammaGrad} op computes the implicit derivative dx/d alpha = -(dF(x;
   * alpha)/d alpha) / f(x; alpha) of Figurnov et al. (2018).
   */
  private static final GradientDispatch.Gradient IMPLICIT_GAMMA_GRADIENT = (tf, inputs, outputs, grads) -> {
    @SuppressWarnings("unchecked")
    Operand<TFloat32> alpha = (Operand<TFloat32>) inputs.get(0);
    @SuppressWarnings("unchecked")
    Operand<TFloat32> x = (Operand<TFloat32>) outputs.get(0);
    @SuppressWarnings("unchecked")
    Operand<TFloat32> dx = (Operand<TFloat32>) grads.get(0);
    Operand<TFloat32> weighted = tf.math.mul(dx, tf.random.randomGammaGrad(alpha, x));
    Operand<TInt32> sampleAxes =
        tf.range(tf.constant(0), tf.math.sub(tf.rank(x), tf.rank(alpha)), tf.constant(1));
    return List.of(tf.reduceSum(weighted, sampleAxes));
  };

  /**
   * Standard gamma draws (rate 1), one per element of {@code concentration} (positive), fresh on
   * every run. Unlike the other draws this one is differentiable: with respect to the
   * concentration, by implicit reparameterization (Figurnov et al. 2018), the gradient served by
   * {@link GradientDispatch} (TensorFlow's stateless gamma sampler has none in TF Java). Draws
   * are raised to the smallest normal float: below a concentration of about 0.01, float32 draws
   * underflow to 0, whose logarithm is infinite (and RandomGammaGrad's 0/0).
   */
  public Operand<TFloat32> standardGamma(Operand<TFloat32> concentration) {
    Objects.requireNonNull(concentration, "concentration");
    GradientDispatch.define(GAMMA_GRADIENT, IMPLICIT_GAMMA_GRADIENT);
    Operand<TInt64> shape = tf.shape(concentration, TInt64.class);
    Operand<TInt64> runSeed = nextRunSeed();
    Scope scope = tf.scope();
    // StatelessRandomGammaV2: TF Java 1.1's wrapper builds the V3 op (key, counter, algorithm).
    Operation op = scope.env()
        .opBuilder("StatelessRandomGammaV2", scope.makeOpName("StandardGamma"), scope)
        .addInput(tf.stopGradient(shape).asOutput())
        .addInput(runSeed.asOutput())
        .addInput(tf.stopGradient(concentration).asOutput())
        .build();
    Output<TFloat32> raw = op.output(0);
    Operand<TFloat32> draw = tf.math.maximum(withStaticShape(raw, shape), tf.constant(Float.MIN_NORMAL));
    @SuppressWarnings("unchecked")
    Operand<TFloat32> differentiable = (Operand<TFloat32>) GradientDispatch.attach(
        tf, GAMMA_GRADIENT, List.of(draw), List.of(concentration)).get(0);
    return differentiable;
  }

  /** Levels of the 16-bit uniforms of {@link #bernoulli16}: 2^16. */
  public static final int BERNOULLI16_LEVELS = 1 << 16;

  /**
   * One fresh Bernoulli draw per element of {@code probabilities} ({@code [n, width]}, width known
   * statically, values in [0, 1]): 1 where a 16-bit uniform integer u is below {@code 65536 p}, so
   * P(1) = ceil(65536 p) / 65536, within 2^-16 of p and exactly p at 0, at 1 and at every multiple
   * of 2^-16 (MNIST's 8-bit intensities k / 255 are within 2^-17). Every element gets its own 16
   * bits of a Philox draw, fresh on every run, as {@link #uniform} would give it, at half the cost:
   * TensorFlow's stateless Philox costs per 32 bits drawn, and {@link #uniform} spends 32 bits on
   * each element. The draws are 64-bit integers, each split into four 16-bit ones by a bitcast
   * (no copy). No gradient flows through the draw.
   *
   * @throws IllegalArgumentException if {@code probabilities} is not of rank 2 with a static width
   */
  public Operand<TFloat32> bernoulli16(Operand<TFloat32> probabilities) {
    Shape shape = probabilities.shape();
    if (shape.isUnknown() || shape.numDimensions() != 2 || shape.get(1) == Shape.UNKNOWN_SIZE) {
      throw new IllegalArgumentException(
          "bernoulli16 needs probabilities of shape [n, width] with a static width, got " + shape);
    }
    long width = shape.get(1);
    long words = (width + 3) / 4; // four 16-bit uniforms per 64-bit draw
    Operand<TInt64> rows = tf.slice(tf.shape(probabilities, TInt64.class), tf.constant(new long[] {0}),
        tf.constant(new long[] {1}));
    Operand<TInt64> drawShape = tf.concat(List.of(rows, tf.constant(new long[] {words})), tf.constant(0));
    Operand<TInt64> bits = tf.random.statelessRandomUniformFullInt(
        tf.stopGradient(drawShape), nextRunSeed(), TInt64.class);
    // [n, words] int64 -> [n, words, 4] uint16 -> [n, 4 * words]; the padding columns are cut off.
    Operand<TUint16> halves = tf.reshape(tf.bitcast(bits, TUint16.class), tf.constant(new long[] {-1, 4 * words}));
    if (4 * words != width) {
      halves = tf.slice(halves, tf.constant(new long[] {0, 0}), tf.constant(new long[] {-1, width}));
    }
    Operand<TFloat32> u = tf.dtypes.cast(halves, TFloat32.class);
    // p * 65536 is exact in float32 (a power of two), and so is every u.
    Operand<TFloat32> threshold = tf.math.mul(probabilities, tf.constant((float) BERNOULLI16_LEVELS));
    return tf.stopGradient(tf.dtypes.cast(tf.math.less(u, threshold), TFloat32.class));
  }

  /**
   * Standard Gumbel noise {@code -log(-log u)} of the given shape (the Gumbel-max and
   * Gumbel-softmax noise); no gradient flows through it.
   */
  public Operand<TFloat32> gumbel(Operand<TInt64> shape) {
    Operand<TFloat32> u = openUniform(shape);
    return tf.stopGradient(tf.math.neg(tf.math.log(tf.math.neg(tf.math.log(u)))));
  }

  /**
   * Standard logistic noise {@code log u - log(1 - u)} of the given shape (the difference of two
   * Gumbels: the binary Concrete noise); no gradient flows through it.
   */
  public Operand<TFloat32> logistic(Operand<TInt64> shape) {
    Operand<TFloat32> u = openUniform(shape);
    return tf.stopGradient(tf.math.sub(tf.math.log(u), tf.math.log1p(tf.math.neg(u))));
  }

  /**
   * Uniform noise in (0, 1): {@link #uniform} draws 0 with probability 2^-23, where the logarithms
   * above would be infinite, so it is raised to the smallest positive normal float, as TensorFlow
   * Probability does. The upper end needs nothing: the largest draw is 1 - 2^-23.
   */
  private Operand<TFloat32> openUniform(Operand<TInt64> shape) {
    return tf.math.maximum(uniform(shape), tf.constant(Float.MIN_NORMAL));
  }
}
