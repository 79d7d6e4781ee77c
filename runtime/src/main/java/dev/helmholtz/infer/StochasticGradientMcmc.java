package dev.helmholtz.infer;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ThreadSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Stochastic-gradient MCMC of a {@link MinibatchLogDensity}, many chains in one graph: each
 * update uses the gradient g of log p(theta) + (N / B) sum_{n in batch} log p(x_n | theta) on a
 * fresh minibatch per chain (shuffled epochs, {@link Minibatches}), built in the graph as HMC's
 * leapfrog gradients are, and the update is in the graph too. No Metropolis correction: the
 * chains' stationary law is the posterior only as the step size goes to 0; a constant step
 * leaves a bias of the order of the step (below), which {@link StepSizeSchedule#polynomial}
 * removes asymptotically. Noise xi ~ N(0, I) is fresh per update and chain.
 *
 * <ul>
 *   <li>{@link Method#SGLD} (Welling &amp; Teh 2011), step epsilon: theta += (epsilon / 2) g +
 *       sqrt(epsilon) xi. On a Gaussian of precision eigenvalue lambda with exact gradients its
 *       stationary variance is 1 / (lambda (1 - epsilon lambda / 4)).
 *   <li>{@link Method#PSGLD} (Li et al. 2016), RMSprop preconditioner: V = alpha V + (1 - alpha)
 *       g^2 from V = 0, G = 1 / (lambda + sqrt(V / (1 - alpha^t))) (the start's bias corrected
 *       as Adam corrects it, so the first updates are not thrown far by a tiny V), theta += (epsilon / 2) G g + sqrt(epsilon G) xi (without
 *       the small Gamma correction term, as the paper's experiments).
 *   <li>{@link Method#SGHMC} (Chen et al. 2014, their practical form, eq. 15), learning rate
 *       eta, friction alpha, noise estimate B-hat: v = (1 - alpha) v + eta g + sqrt(2 (alpha -
 *       beta-hat) eta) xi with beta-hat = eta B-hat / 2, then theta += v; momentum starts at 0.
 *   <li>{@link Method#SGNHT} (Ding et al. 2014), step h, diffusion A: p = p + h g - h xi_t p +
 *       sqrt(2 A h) xi, theta += h p, xi_t += h (p.p / dims - 1); the thermostat xi_t starts at A
 *       and adapts the friction to the unknown gradient noise, p starts N(0, I).
 * </ul>
 *
 * <p>The step size schedule gives epsilon (SGLD, pSGLD), eta (SGHMC; eta = epsilon^2 / m in
 * Chen et al.'s notation) or h (SGNHT) at every update. {@code updatesPerRun} updates are
 * unrolled into one graph run (one gradient op each): fewer session runs, a bigger graph, which
 * pays where the gradient is cheap (on a BNN of 602 weights, building a graph of 20 unrolled
 * gradients took minutes on the loaded 2-core machine); every {@code thin}-th update's state is a
 * kept draw once burn-in is over. Reproducible from the seed: initial positions and minibatches from Java
 * generators, noise from {@link RandomSource}.
 *
 * <pre>{@code
 * SgmcmcResult r = model.sgmcmc(train).method(Method.SGHMC).batchSize(32)
 *     .stepSize(StepSizeSchedule.constant(2e-5)).friction(0.1)
 *     .chains(4).burnin(10_000).draws(300).thin(50).seed(Seed.of(1)).build().sample();
 * }</pre>
 */
public final class StochasticGradientMcmc {
  /** The samplers. */
  public enum Method {
    /** Stochastic-gradient Langevin dynamics (Welling &amp; Teh 2011). */
    SGLD,
    /** SGLD preconditioned by RMSprop (Li et al. 2016). */
    PSGLD,
    /** Stochastic-gradient Hamiltonian Monte Carlo with friction (Chen et al. 2014). */
    SGHMC,
    /** Stochastic-gradient Nose-Hoover thermostat (Ding et al. 2014). */
    SGNHT
  }

  private final MinibatchLogDensity target;
  private final int dims;
  private final Method method;
  private final int batchSize;
  private final StepSizeSchedule stepSize;
  private final int chains;
  private final int burnin;
  private final int draws;
  private final int thin;
  private final int updatesPerRun;
  private final double friction;
  private final double noiseEstimate;
  private final double diffusion;
  private final double rmsDecay;
  private final double rmsEpsilon;
  private final Seed seed;
  private final ThreadSettings threads;
  private final float[][] initialPositions;

  private StochasticGradientMcmc(Builder b) {
    this.target = b.target;
    this.dims = b.dims;
    this.method = b.method;
    this.batchSize = b.batchSize;
    this.stepSize = b.stepSize;
    this.chains = b.chains;
    this.burnin = b.burnin;
    this.draws = b.draws;
    this.thin = b.thin;
    this.updatesPerRun = b.updatesPerRun;
    this.friction = b.friction;
    this.noiseEstimate = b.noiseEstimate;
    this.diffusion = b.diffusion;
    this.rmsDecay = b.rmsDecay;
    this.rmsEpsilon = b.rmsEpsilon;
    this.seed = b.seed;
    this.threads = b.threads;
    this.initialPositions = b.initialPositions;
  }

  /** A sampler of {@code target} over {@code dims} parameters, with the defaults of {@link Builder}. */
  public static Builder builder(MinibatchLogDensity target, int dims) {
    return new Builder(target, dims);
  }

  /**
   * Builds the graph, runs burn-in and sampling, frees the graph.
   *
   * @throws IllegalArgumentException if the target is malformed (see {@link LogDensity})
   * @throws IllegalStateException if a chain's position becomes non-finite (naming the update:
   *     lower the step size)
   */
  public SgmcmcResult sample() {
    long started = System.nanoTime();
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Updates updates = new Updates(tf, new RandomSource(tf, seed.derive("sgmcmc")));
      try (Session session = new Session(graph, threads.toConfig())) {
        float[] start = initialFlat();
        try (TFloat32 value = TFloat32.tensorOf(Shape.of(chains, dims), DataBuffers.of(start, true, false))) {
          Session.Runner init = session.runner().feed(updates.initialPosition, value);
          updates.initializers.forEach(init::addTarget);
          init.run().close();
        }
        return run(session, updates, started);
      }
    }
  }

  private SgmcmcResult run(Session session, Updates u, long started) {
    List<Minibatches> streams = new ArrayList<>();
    for (int c = 0; c < chains; c++) {
      streams.add(new Minibatches(target.size(), batchSize, seed.derive("sgmcmc/minibatches/" + c).value()));
    }
    int perRun = updatesPerRun;
    int runsPerDraw = thin / perRun;
    int burninDraws = (burnin + thin - 1) / thin;
    int[] indices = new int[perRun * chains * batchSize];
    float[] steps = new float[perRun];
    float[] corrections = new float[perRun];
    float[] state = new float[chains * dims];
    float[][][] kept = new float[draws][][];
    long t = 0;
    double last = stepSize.at(0);
    for (int run = 0; run < (burninDraws + draws) * runsPerDraw; run++) {
      for (int k = 0; k < perRun; k++) {
        last = stepSize.at(t++);
        steps[k] = (float) last;
        corrections[k] = (float) (1 / -Math.expm1(t * Math.log(rmsDecay))); // t already counts this update
        for (int c = 0; c < chains; c++) {
          streams.get(c).next(indices, (k * chains + c) * batchSize);
        }
      }
      try (TInt32 batch = TInt32.tensorOf(Shape.of(perRun, chains, batchSize), DataBuffers.of(indices, true, false));
          TFloat32 eps = TFloat32.tensorOf(Shape.of(perRun), DataBuffers.of(steps, true, false));
          TFloat32 rms = TFloat32.tensorOf(Shape.of(perRun), DataBuffers.of(corrections, true, false));
          Result result = session.runner().feed(u.batches, batch).feed(u.stepSizes, eps).feed(u.rmsCorrections, rms)
              .addTarget(u.update).fetch(u.next).run()) {
        ((TFloat32) result.get(0)).copyTo(DataBuffers.of(state, false, false));
      }
      for (int i = 0; i < state.length; i++) {
        if (!Float.isFinite(state[i])) {
          throw new IllegalStateException(method + " diverged by update " + t + ": chain " + (i / dims)
              + " has a non-finite position (step size " + last + "); lower the step size");
        }
      }
      int draw = (run + 1) / runsPerDraw - 1 - burninDraws;
      if ((run + 1) % runsPerDraw == 0 && draw >= 0) {
        float[][] kept1 = new float[chains][dims];
        for (int c = 0; c < chains; c++) {
          System.arraycopy(state, c * dims, kept1[c], 0, dims);
        }
        kept[draw] = kept1;
      }
    }
    return new SgmcmcResult(method, kept, thin, burninDraws * thin, last, (System.nanoTime() - started) / 1e9);
  }

  private float[] initialFlat() {
    float[] flat = new float[chains * dims];
    SplittableRandom random = new SplittableRandom(seed.derive("sgmcmc/initial-positions").value());
    for (int c = 0; c < chains; c++) {
      for (int d = 0; d < dims; d++) {
        // Uniform in [-2, 2] as HMC and Stan start, unless given.
        flat[c * dims + d] = initialPositions != null ? initialPositions[c][d] : (float) (4 * random.nextDouble() - 2);
      }
    }
    return flat;
  }

  /** The graph: the sampler's state in variables and {@code updatesPerRun} unrolled updates. */
  private final class Updates {
    final Placeholder<TFloat32> initialPosition;
    final List<Op> initializers = new ArrayList<>();
    /** [updatesPerRun, chains, B] example indices. */
    final Placeholder<TInt32> batches;
    /** [updatesPerRun] step sizes. */
    final Placeholder<TFloat32> stepSizes;
    /** [updatesPerRun] pSGLD's 1 / (1 - alpha^(t + 1)), the correction of V's start at 0 (as Adam's). */
    final Placeholder<TFloat32> rmsCorrections;
    final Op update;
    final Operand<TFloat32> next;

    Updates(Ops tf, RandomSource random) {
      Ops named = tf.withSubScope("sgmcmc");
      Shape shape = Shape.of(chains, dims);
      Operand<TInt64> shapeOperand = tf.constant(new long[] {chains, dims});
      initialPosition = named.withName("initial_position").placeholder(TFloat32.class, Placeholder.shape(shape));
      batches = named.withName("batches").placeholder(TInt32.class, Placeholder.shape(Shape.of(updatesPerRun, chains, batchSize)));
      stepSizes = named.withName("step_sizes").placeholder(TFloat32.class, Placeholder.shape(Shape.of(updatesPerRun)));
      rmsCorrections = named.withName("rms_corrections").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(updatesPerRun)));
      Variable<TFloat32> position = named.withName("position").variable(shape, TFloat32.class);
      initializers.add(tf.assign(position, initialPosition));
      Variable<TFloat32> momentum = null;
      Variable<TFloat32> auxiliary = null; // pSGLD's V [chains, dims]; SGNHT's thermostat [chains, 1]
      switch (method) {
        case SGHMC -> {
          momentum = named.withName("momentum").variable(shape, TFloat32.class);
          initializers.add(tf.assign(momentum, tf.zeros(shapeOperand, TFloat32.class)));
        }
        case SGNHT -> {
          momentum = named.withName("momentum").variable(shape, TFloat32.class);
          initializers.add(tf.assign(momentum, random.standardNormal(shapeOperand)));
          auxiliary = named.withName("thermostat").variable(Shape.of(chains, 1), TFloat32.class);
          initializers.add(tf.assign(auxiliary, tf.fill(tf.constant(new int[] {chains, 1}),
              tf.constant((float) diffusion))));
        }
        case PSGLD -> {
          auxiliary = named.withName("second_moment").variable(shape, TFloat32.class);
          initializers.add(tf.assign(auxiliary, tf.zeros(shapeOperand, TFloat32.class)));
        }
        default -> { }
      }
      Operand<TFloat32> theta = tf.identity(position);
      Operand<TFloat32> p = momentum == null ? null : tf.identity(momentum);
      Operand<TFloat32> aux = auxiliary == null ? null : tf.identity(auxiliary);
      for (int k = 0; k < updatesPerRun; k++) {
        Operand<TInt32> batch = tf.squeeze(tf.slice(batches, tf.constant(new int[] {k, 0, 0}),
            tf.constant(new int[] {1, chains, batchSize})), org.tensorflow.op.core.Squeeze.axis(List.of(0L)));
        Operand<TFloat32> g = HmcTransition.ValueAndGradient.of(tf, target.onBatch(batch), theta, chains,
            "update " + k + " of a run").gradient();
        Operand<TFloat32> eps = tf.slice(stepSizes, tf.constant(new int[] {k}), tf.constant(new int[] {1}));
        Operand<TFloat32> xi = random.standardNormal(shapeOperand);
        Operand<TFloat32> half = tf.constant(0.5f);
        switch (method) {
          case SGLD -> theta = tf.math.add(theta, tf.math.add(tf.math.mul(tf.math.mul(half, eps), g),
              tf.math.mul(tf.math.sqrt(eps), xi)));
          case PSGLD -> {
            float decay = (float) rmsDecay;
            aux = tf.math.add(tf.math.mul(tf.constant(decay), aux),
                tf.math.mul(tf.constant(1 - decay), tf.math.square(g)));
            Operand<TFloat32> corrected = tf.math.mul(aux, tf.slice(rmsCorrections, tf.constant(new int[] {k}),
                tf.constant(new int[] {1})));
            Operand<TFloat32> precondition = tf.math.reciprocal(
                tf.math.add(tf.constant((float) rmsEpsilon), tf.math.sqrt(corrected)));
            Operand<TFloat32> scaled = tf.math.mul(eps, precondition);
            theta = tf.math.add(theta, tf.math.add(tf.math.mul(tf.math.mul(half, scaled), g),
                tf.math.mul(tf.math.sqrt(scaled), xi)));
          }
          case SGHMC -> {
            // sqrt(2 (alpha - eta B-hat / 2) eta), clipped at 0 where the estimate exceeds the friction.
            Operand<TFloat32> injected = tf.math.maximum(tf.constant(0f), tf.math.sub(tf.constant((float) friction),
                tf.math.mul(tf.constant((float) (noiseEstimate / 2)), eps)));
            Operand<TFloat32> noiseScale = tf.math.sqrt(tf.math.mul(tf.constant(2f), tf.math.mul(injected, eps)));
            p = tf.math.add(tf.math.add(tf.math.mul(tf.constant((float) (1 - friction)), p),
                tf.math.mul(eps, g)), tf.math.mul(noiseScale, xi));
            theta = tf.math.add(theta, p);
          }
          case SGNHT -> {
            Operand<TFloat32> noiseScale = tf.math.sqrt(tf.math.mul(tf.constant((float) (2 * diffusion)), eps));
            p = tf.math.add(tf.math.sub(p, tf.math.mul(tf.math.mul(eps, aux), p)),
                tf.math.add(tf.math.mul(eps, g), tf.math.mul(noiseScale, xi)));
            theta = tf.math.add(theta, tf.math.mul(eps, p));
            Operand<TFloat32> kinetic = tf.math.div(tf.reduceSum(tf.math.square(p), tf.constant(-1),
                org.tensorflow.op.core.ReduceSum.keepDims(true)), tf.constant((float) dims));
            aux = tf.math.add(aux, tf.math.mul(eps, tf.math.sub(kinetic, tf.constant(1f))));
          }
          default -> throw new AssertionError(method);
        }
      }
      next = named.withName("next").assign(position, theta);
      List<Op> writes = new ArrayList<>(List.of(next));
      if (momentum != null) {
        writes.add(tf.assign(momentum, p));
      }
      if (auxiliary != null) {
        writes.add(tf.assign(auxiliary, aux));
      }
      update = tf.withControlDependencies(writes).noOp();
    }
  }

  /** Settings of a {@link StochasticGradientMcmc} run; every setter checks its argument. */
  public static final class Builder {
    private final MinibatchLogDensity target;
    private final int dims;
    private Method method = Method.SGHMC;
    private int batchSize;
    private StepSizeSchedule stepSize = StepSizeSchedule.constant(1e-3);
    private int chains = 4;
    private int burnin = 1000;
    private int draws = 1000;
    private int thin = 1;
    private int updatesPerRun = 1;
    private double friction = 0.1;
    private double noiseEstimate = 0;
    private double diffusion = 1;
    private double rmsDecay = 0.99;
    private double rmsEpsilon = 1e-5;
    private Seed seed = Seed.of(0);
    private ThreadSettings threads = ThreadSettings.defaults();
    private float[][] initialPositions;

    private Builder(MinibatchLogDensity target, int dims) {
      this.target = Objects.requireNonNull(target, "target");
      if (dims < 1) {
        throw new IllegalArgumentException("dims must be at least 1, was " + dims);
      }
      this.dims = dims;
      this.batchSize = Math.min(target.size(), 100);
    }

    /** The sampler (default {@link Method#SGHMC}). */
    public Builder method(Method method) {
      this.method = Objects.requireNonNull(method, "method");
      return this;
    }

    /** Examples per minibatch, per chain and update (default min(N, 100)). */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1 || batchSize > target.size()) {
        throw new IllegalArgumentException("batchSize must be in [1, " + target.size()
            + "] (the data set's size), was " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /** The step size at every update (default constant 1e-3); its meaning per method in {@link StochasticGradientMcmc}. */
    public Builder stepSize(StepSizeSchedule schedule) {
      this.stepSize = Objects.requireNonNull(schedule, "schedule");
      return this;
    }

    /** A constant step size. */
    public Builder stepSize(double stepSize) {
      return stepSize(StepSizeSchedule.constant(stepSize));
    }

    /** Parallel chains, each with its own minibatches (default 4). */
    public Builder chains(int chains) {
      this.chains = atLeast("chains", chains, 1);
      return this;
    }

    /** Updates discarded before the first kept draw, rounded up to a multiple of {@link #thin} (default 1000). */
    public Builder burnin(int burnin) {
      this.burnin = atLeast("burnin", burnin, 0);
      return this;
    }

    /** Kept draws per chain (default 1000). */
    public Builder draws(int draws) {
      this.draws = atLeast("draws", draws, 1);
      return this;
    }

    /** Updates per kept draw (default 1). */
    public Builder thin(int thin) {
      this.thin = atLeast("thin", thin, 1);
      return this;
    }

    /** SGHMC's friction alpha, the momentum's decay per update, in (0, 1] (default 0.1). */
    public Builder friction(double friction) {
      if (!(friction > 0 && friction <= 1)) {
        throw new IllegalArgumentException("friction must be in (0, 1], was " + friction);
      }
      this.friction = friction;
      return this;
    }

    /**
     * SGHMC's estimate B-hat of the stochastic gradient's noise variance; beta-hat = eta B-hat / 2
     * is taken off the injected noise (default 0: the noise is small when eta is).
     */
    public Builder noiseEstimate(double noiseEstimate) {
      if (!(noiseEstimate >= 0 && Double.isFinite(noiseEstimate))) {
        throw new IllegalArgumentException("noiseEstimate must be finite and >= 0, was " + noiseEstimate);
      }
      this.noiseEstimate = noiseEstimate;
      return this;
    }

    /** SGNHT's diffusion A, the injected noise and the thermostat's start (default 1). */
    public Builder diffusion(double diffusion) {
      if (!(diffusion > 0 && Double.isFinite(diffusion))) {
        throw new IllegalArgumentException("diffusion must be finite and > 0, was " + diffusion);
      }
      this.diffusion = diffusion;
      return this;
    }

    /** pSGLD's RMSprop decay alpha in (0, 1) (default 0.99). */
    public Builder rmsDecay(double decay) {
      if (!(decay > 0 && decay < 1)) {
        throw new IllegalArgumentException("rmsDecay must be in (0, 1), was " + decay);
      }
      this.rmsDecay = decay;
      return this;
    }

    /** pSGLD's lambda, added to sqrt(V) (default 1e-5). */
    public Builder rmsEpsilon(double epsilon) {
      if (!(epsilon > 0 && Double.isFinite(epsilon))) {
        throw new IllegalArgumentException("rmsEpsilon must be finite and > 0, was " + epsilon);
      }
      this.rmsEpsilon = epsilon;
      return this;
    }

    public Builder seed(Seed seed) {
      this.seed = Objects.requireNonNull(seed, "seed");
      return this;
    }

    public Builder threads(ThreadSettings threads) {
      this.threads = Objects.requireNonNull(threads, "threads");
      return this;
    }

    /** Each chain's start, [chains][dims] (default uniform in [-2, 2]). */
    public Builder initialPositions(float[][] positions) {
      Objects.requireNonNull(positions, "positions");
      float[][] copy = new float[positions.length][];
      for (int c = 0; c < positions.length; c++) {
        if (positions[c].length != dims) {
          throw new IllegalArgumentException("initial position " + c + " has " + positions[c].length
              + " values, needs " + dims);
        }
        copy[c] = positions[c].clone();
      }
      this.initialPositions = copy;
      return this;
    }

    /**
     * Updates unrolled into one session run (default 1): a graph of that many gradients, built
     * once; it must divide {@link #thin}.
     */
    public Builder updatesPerRun(int updates) {
      this.updatesPerRun = atLeast("updatesPerRun", updates, 1);
      return this;
    }

    /**
     * @throws IllegalArgumentException if initial positions were given for another number of
     *     chains, or if updatesPerRun does not divide thin
     */
    public StochasticGradientMcmc build() {
      if (thin % updatesPerRun != 0) {
        throw new IllegalArgumentException("updatesPerRun (" + updatesPerRun + ") must divide thin (" + thin + ")");
      }
      if (initialPositions != null && initialPositions.length != chains) {
        throw new IllegalArgumentException("initialPositions has " + initialPositions.length
            + " rows but there are " + chains + " chains");
      }
      return new StochasticGradientMcmc(this);
    }

    private static int atLeast(String name, int value, int min) {
      if (value < min) {
        throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
      }
      return value;
    }
  }
}
