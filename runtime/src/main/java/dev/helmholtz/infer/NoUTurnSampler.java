package dev.helmholtz.infer;

import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ThreadSettings;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The No-U-Turn Sampler (Hoffman &amp; Gelman 2014) as Stan runs it, with many parallel chains in
 * one TensorFlow graph, for a {@link LogDensity} over a flat parameter vector: multinomial
 * sampling of the trajectory and the generalized no-U-turn criterion (Betancourt 2017; {@link
 * NutsTree}), a maximum tree depth, divergences (energy error above 1000), step size by dual
 * averaging ({@link DualAveraging}) towards a target mean accept_stat, and a diagonal mass matrix
 * adapted in Stan's windows ({@link WarmupSchedule}), after each of which the step size is
 * re-initialized by Stan's doubling/halving heuristic and its adaptation restarts.
 *
 * <p>How it runs: the leapfrog steps and their gradients are built in the graph ({@link
 * NutsLeapfrog}, as HMC's are), every chain in one batch; the tree is driven from Java, one session
 * run per subtree doubling up to 8 steps (2^j / 8 runs for a subtree of 2^j steps beyond), every
 * chain extending its own tree in its own random direction at once. A chain whose tree has
 * stopped (U-turn, divergence, maximum depth) rides along with step size 0 until every chain's has:
 * the price of batching, as in TFP's batched NUTS. Why not a TF while loop: TF Java 1.1 has the
 * functional While op, but the tree's state (both ends, the proposal, rho, the stack of pending
 * segments for the U-turn checks) would have to be loop variables of fixed shape updated with
 * selects, the target rebuilt inside a function graph, and an error inside it aborts the JVM; the
 * Java driver keeps the tree readable and in double precision, and costs one session run per
 * doubling, which {@code docs/mcmc.md} measures.
 *
 * <p>Each chain adapts its own step size and, by default, its own mass matrix from its own draws
 * (Stan's chains are independent processes): chains stuck in different modes (a neural network's
 * weight permutations) then do not inflate each other's mass, which a mass pooled over chains
 * does (see {@link HamiltonianMonteCarlo} and {@code docs/bayesian.md}).
 *
 * <p>Randomness: momenta, directions, multinomial choices and random initial positions come from
 * one Java generator per chain derived from the {@link Seed}; a run is reproducible with fixed
 * {@link ThreadSettings}.
 *
 * <pre>{@code
 * NutsResult r = NoUTurnSampler.builder(target, dims)
 *     .chains(4).warmup(1000).draws(1000).seed(Seed.of(1)).build().sample();
 * double[] rhat = r.rhat();
 * }</pre>
 */
public final class NoUTurnSampler {
  /** Stan's default maximum tree depth. */
  public static final int DEFAULT_MAX_TREE_DEPTH = 10;
  private static final double LOG_INIT_ACCEPT = Math.log(0.8);

  private final LogDensity target;
  private final int dims;
  private final int chains;
  private final int warmup;
  private final int draws;
  private final int maxTreeDepth;
  private final double initialStepSize;
  private final boolean adaptMass;
  private final boolean massPerChain;
  private final double targetAcceptance;
  private final Seed seed;
  private final ThreadSettings threads;
  private final float[][] initialPositions;

  private NoUTurnSampler(Builder b) {
    this.target = b.target;
    this.dims = b.dims;
    this.chains = b.chains;
    this.warmup = b.warmup;
    this.draws = b.draws;
    this.maxTreeDepth = b.maxTreeDepth;
    this.initialStepSize = b.initialStepSize;
    this.adaptMass = b.adaptMass;
    this.massPerChain = b.massPerChain;
    this.targetAcceptance = b.targetAcceptance;
    this.seed = b.seed;
    this.threads = b.threads;
    this.initialPositions = b.initialPositions;
  }

  /** A sampler for {@code target} over {@code dims} parameters, with the defaults below. */
  public static Builder builder(LogDensity target, int dims) {
    return new Builder(target, dims);
  }

  /**
   * Builds the graph, runs warm-up and sampling, and frees the graph.
   *
   * @throws IllegalArgumentException if the target is malformed (see {@link LogDensity}), or if
   *     given initial positions have a non-finite log density or gradient (naming the chain)
   * @throws IllegalStateException if no random initial position with a finite log density and
   *     gradient is found for a chain in 100 tries
   */
  public NutsResult sample() {
    long started = System.nanoTime();
    try (Graph graph = new Graph()) {
      NutsLeapfrog leapfrog = new NutsLeapfrog(Ops.create(graph), target, chains, dims);
      try (Session session = new Session(graph, threads.toConfig())) {
        return new Run(session, leapfrog).run(started);
      }
    }
  }

  /** One run's state: the session, each chain's generator, state, step size and mass. */
  private final class Run {
    private final Session session;
    private final NutsLeapfrog leapfrog;
    private final SplittableRandom[] random = new SplittableRandom[chains];
    private final NutsTree.Point[] current = new NutsTree.Point[chains];
    private final double[][] inverseMass = new double[chains][dims];
    // Feeds and fetches, reused.
    private final float[] q = new float[chains * dims];
    private final float[] p = new float[chains * dims];
    private final float[] g = new float[chains * dims];
    private final float[] eps = new float[chains];
    private final float[] mass = new float[chains * dims];

    Run(Session session, NutsLeapfrog leapfrog) {
      this.session = session;
      this.leapfrog = leapfrog;
      for (int c = 0; c < chains; c++) {
        random[c] = new SplittableRandom(seed.derive("nuts/chain-" + c).value());
        Arrays.fill(inverseMass[c], 1);
      }
    }

    NutsResult run(long started) {
      initialize();
      double[] stepSize = new double[chains];
      Arrays.fill(stepSize, initialStepSize);
      if (warmup > 0) {
        initializeStepSizes(stepSize);
      }
      DualAveraging[] adaptation = new DualAveraging[chains];
      for (int c = 0; c < chains; c++) {
        adaptation[c] = new DualAveraging(stepSize[c], targetAcceptance, HamiltonianMonteCarlo.DEFAULT_GAMMA,
            HamiltonianMonteCarlo.DEFAULT_T0, HamiltonianMonteCarlo.DEFAULT_KAPPA);
      }
      List<WarmupSchedule.Window> windows = adaptMass ? WarmupSchedule.of(warmup).windows() : List.of();
      int nextWindow = 0;
      MassEstimate[] estimates = new MassEstimate[massPerChain ? chains : 1];
      for (int i = 0; i < estimates.length; i++) {
        estimates[i] = new MassEstimate(dims);
      }

      float[][][] kept = new float[draws][][];
      double[] acceptSum = new double[chains];
      int divergences = 0;
      int warmupDivergences = 0;
      int depthHits = 0;
      int warmupDepthHits = 0;
      long depthSum = 0;
      long keptSteps = 0;
      long gradients = 0;
      NutsTree[] trees = new NutsTree[chains];
      for (int it = 0; it < warmup + draws; it++) {
        boolean warming = it < warmup;
        for (int c = 0; c < chains; c++) {
          stepSize[c] = warming ? adaptation[c].stepSize() : adaptation[c].averagedStepSize();
        }
        transition(trees, stepSize);
        for (int c = 0; c < chains; c++) {
          NutsTree t = trees[c];
          current[c] = t.sample();
          gradients += t.leapfrogSteps();
          if (warming) {
            adaptation[c].update(t.acceptStatistic());
            warmupDivergences += t.divergent() ? 1 : 0;
            warmupDepthHits += t.hitMaxDepth() ? 1 : 0;
          } else {
            acceptSum[c] += t.acceptStatistic();
            divergences += t.divergent() ? 1 : 0;
            depthHits += t.hitMaxDepth() ? 1 : 0;
            depthSum += t.depth();
            keptSteps += t.leapfrogSteps();
          }
        }
        if (warming && nextWindow < windows.size()) {
          WarmupSchedule.Window window = windows.get(nextWindow);
          if (it >= window.start()) {
            for (int c = 0; c < chains; c++) {
              estimates[massPerChain ? c : 0].add(current[c].position());
            }
          }
          if (it == window.end() - 1) {
            for (int c = 0; c < chains; c++) {
              inverseMass[c] = estimates[massPerChain ? c : 0].regularizedVariance();
            }
            for (MassEstimate e : estimates) {
              e.clear();
            }
            nextWindow++;
            // Stan: after each new metric, find a step size for it and restart dual averaging there.
            for (int c = 0; c < chains; c++) {
              stepSize[c] = adaptation[c].stepSize();
            }
            initializeStepSizes(stepSize);
            for (int c = 0; c < chains; c++) {
              adaptation[c].restart(stepSize[c]);
            }
          }
        }
        if (!warming) {
          float[][] draw = new float[chains][];
          for (int c = 0; c < chains; c++) {
            draw[c] = current[c].position().clone();
          }
          kept[it - warmup] = draw;
        }
      }
      double[] acceptance = new double[chains];
      double[] meanMass = new double[dims];
      for (int c = 0; c < chains; c++) {
        acceptance[c] = acceptSum[c] / draws;
        for (int d = 0; d < dims; d++) {
          meanMass[d] += inverseMass[c][d] / chains;
        }
      }
      double kept0 = (double) draws * chains;
      double meanSteps = keptSteps / kept0;
      HmcResult samples = new HmcResult(kept, acceptance, stepSize.clone(), meanMass, divergences,
          warmupDivergences, (int) Math.round(meanSteps), (System.nanoTime() - started) / 1e9);
      double[][] masses = new double[chains][];
      for (int c = 0; c < chains; c++) {
        masses[c] = inverseMass[c].clone();
      }
      return new NutsResult(samples, masses, maxTreeDepth, depthSum / kept0, depthHits, warmupDepthHits,
          meanSteps, gradients);
    }

    /** One NUTS transition of every chain; {@code trees[c]} holds chain c's afterwards. */
    private void transition(NutsTree[] trees, double[] stepSize) {
      for (int c = 0; c < chains; c++) {
        trees[c] = new NutsTree(current[c], momentum(c), inverseMass[c], random[c], maxTreeDepth);
      }
      int[] direction = new int[chains];
      for (int depth = 0; depth < maxTreeDepth; depth++) {
        boolean any = false;
        for (int c = 0; c < chains; c++) {
          direction[c] = trees[c].running() ? trees[c].startSubtree() : 0;
          any |= direction[c] != 0;
          NutsTree.Point from = direction[c] != 0 ? trees[c].growFrom() : current[c];
          System.arraycopy(from.position(), 0, q, c * dims, dims);
          System.arraycopy(from.gradient(), 0, g, c * dims, dims);
          if (direction[c] != 0) {
            System.arraycopy(trees[c].growFromMomentum(), 0, p, c * dims, dims);
          } else {
            Arrays.fill(p, c * dims, (c + 1) * dims, 0f);
          }
        }
        if (!any) {
          return;
        }
        int steps = 1 << depth;
        for (int done = 0; done < steps; ) {
          int chunk = Math.min(steps - done, NutsLeapfrog.MAX_CHUNK);
          for (int c = 0; c < chains; c++) {
            eps[c] = direction[c] != 0 && trees[c].building() ? (float) (direction[c] * stepSize[c]) : 0f;
          }
          boolean building = false;
          Chunk out = runChunk(chunk);
          for (int c = 0; c < chains; c++) {
            if (eps[c] == 0f) {
              continue;
            }
            for (int s = 0; s < chunk; s++) {
              if (!trees[c].addLeaf(out.point(s, c), out.momentum(s, c))) {
                break;
              }
            }
            building |= trees[c].building();
          }
          out.copyLast(q, p, g);
          done += chunk;
          if (!building) {
            break;
          }
        }
        for (int c = 0; c < chains; c++) {
          if (direction[c] != 0) {
            trees[c].finishSubtree();
          }
        }
      }
    }

    /** p ~ N(0, M), M = diag(1 / inverse mass). */
    private float[] momentum(int c) {
      float[] m = new float[dims];
      for (int d = 0; d < dims; d++) {
        m[d] = (float) (random[c].nextGaussian() / Math.sqrt(inverseMass[c][d]));
      }
      return m;
    }

    /**
     * Stan's init_stepsize, every chain at once: from each chain's step size, double it while one
     * leapfrog step from the current state with a fresh momentum keeps exp(-energy error) above
     * 0.8, or halve it while it does not, until that changes.
     */
    private void initializeStepSizes(double[] stepSize) {
      int[] direction = new int[chains];
      boolean[] done = new boolean[chains];
      for (int round = 0; round < 200; round++) {
        boolean any = false;
        double[] h0 = new double[chains];
        for (int c = 0; c < chains; c++) {
          float[] m = momentum(c);
          System.arraycopy(current[c].position(), 0, q, c * dims, dims);
          System.arraycopy(current[c].gradient(), 0, g, c * dims, dims);
          System.arraycopy(m, 0, p, c * dims, dims);
          h0[c] = energy(current[c].logProb(), m, c);
          eps[c] = done[c] ? 0f : (float) stepSize[c];
          any |= !done[c];
        }
        if (!any) {
          return;
        }
        Chunk out = runChunk(1);
        for (int c = 0; c < chains; c++) {
          if (done[c]) {
            continue;
          }
          double h = energy(out.point(0, c).logProb(), out.momentum(0, c), c);
          double deltaH = Double.isNaN(h) ? Double.NEGATIVE_INFINITY : h0[c] - h;
          if (round == 0) {
            direction[c] = deltaH > LOG_INIT_ACCEPT ? 1 : -1;
          }
          boolean stop = direction[c] == 1 ? !(deltaH > LOG_INIT_ACCEPT) : !(deltaH < LOG_INIT_ACCEPT);
          if (stop || stepSize[c] > 1e7 || stepSize[c] < 1e-10) {
            done[c] = true;
          } else {
            stepSize[c] = direction[c] == 1 ? 2 * stepSize[c] : 0.5 * stepSize[c];
          }
        }
      }
    }

    private double energy(double logProb, float[] momentum, int c) {
      double kinetic = 0;
      for (int d = 0; d < dims; d++) {
        kinetic += (double) momentum[d] * momentum[d] * inverseMass[c][d];
      }
      return -logProb + 0.5 * kinetic;
    }

    private Chunk runChunk(int steps) {
      for (int c = 0; c < chains; c++) {
        for (int d = 0; d < dims; d++) {
          mass[c * dims + d] = (float) inverseMass[c][d];
        }
      }
      NutsLeapfrog.Chunk chunk = leapfrog.chunk(steps);
      try (TFloat32 position = tensor(q, Shape.of(chains, dims));
          TFloat32 momentum = tensor(p, Shape.of(chains, dims));
          TFloat32 gradient = tensor(g, Shape.of(chains, dims));
          TFloat32 step = tensor(eps, Shape.of(chains));
          TFloat32 masses = tensor(mass, Shape.of(chains, dims));
          Result result = session.runner().feed(leapfrog.position, position).feed(leapfrog.momentum, momentum)
              .feed(leapfrog.gradient, gradient).feed(leapfrog.stepSize, step).feed(leapfrog.inverseMass, masses)
              .fetch(chunk.positions()).fetch(chunk.momenta()).fetch(chunk.gradients()).fetch(chunk.logProbs())
              .run()) {
        return new Chunk(steps, copy(result, 0, steps * chains * dims), copy(result, 1, steps * chains * dims),
            copy(result, 2, steps * chains * dims), copy(result, 3, steps * chains));
      }
    }

    /** Sets every chain's start, redrawing random starts where the density is not finite. */
    private void initialize() {
      SplittableRandom starts = new SplittableRandom(seed.derive("nuts/initial-positions").value());
      float[][] positions = new float[chains][];
      for (int c = 0; c < chains; c++) {
        positions[c] = initialPositions != null ? initialPositions[c].clone() : uniform(starts);
      }
      for (int attempt = 0; ; attempt++) {
        for (int c = 0; c < chains; c++) {
          System.arraycopy(positions[c], 0, q, c * dims, dims);
        }
        float[] value;
        float[] gradient;
        try (TFloat32 position = tensor(q, Shape.of(chains, dims));
            Result result = session.runner().feed(leapfrog.position, position)
                .fetch(leapfrog.logProbHere).fetch(leapfrog.gradientHere).run()) {
          value = copy(result, 0, chains);
          gradient = copy(result, 1, chains * dims);
        }
        boolean all = true;
        for (int c = 0; c < chains; c++) {
          boolean finite = Float.isFinite(value[c]);
          for (int d = 0; d < dims && finite; d++) {
            finite = Float.isFinite(gradient[c * dims + d]);
          }
          if (finite) {
            current[c] = new NutsTree.Point(positions[c], Arrays.copyOfRange(gradient, c * dims, (c + 1) * dims),
                value[c]);
            continue;
          }
          all = false;
          if (initialPositions != null) {
            throw new IllegalArgumentException("the log density or its gradient is not finite at the"
                + " initial position of chain " + c + ": " + Arrays.toString(positions[c]));
          }
          if (attempt >= 100) {
            throw new IllegalStateException("no initial position with a finite log density and"
                + " gradient found for chain " + c + " in 100 draws uniform in [-2, 2]^" + dims
                + "; give initial positions explicitly");
          }
          positions[c] = uniform(starts);
        }
        if (all) {
          return;
        }
      }
    }

    private float[] uniform(SplittableRandom r) {
      float[] x = new float[dims];
      for (int d = 0; d < dims; d++) {
        x[d] = (float) (4 * r.nextDouble() - 2);
      }
      return x;
    }
  }

  /** A chunk's states copied out of the session: [steps][chains][dims] flat. */
  private final class Chunk {
    private final int steps;
    private final float[] positions;
    private final float[] momenta;
    private final float[] gradients;
    private final float[] logProbs;

    Chunk(int steps, float[] positions, float[] momenta, float[] gradients, float[] logProbs) {
      this.steps = steps;
      this.positions = positions;
      this.momenta = momenta;
      this.gradients = gradients;
      this.logProbs = logProbs;
    }

    NutsTree.Point point(int step, int chain) {
      int from = (step * chains + chain) * dims;
      return new NutsTree.Point(Arrays.copyOfRange(positions, from, from + dims),
          Arrays.copyOfRange(gradients, from, from + dims), logProbs[step * chains + chain]);
    }

    float[] momentum(int step, int chain) {
      int from = (step * chains + chain) * dims;
      return Arrays.copyOfRange(momenta, from, from + dims);
    }

    /** The last step's state of every chain, where the next chunk starts. */
    void copyLast(float[] q, float[] p, float[] g) {
      int from = (steps - 1) * chains * dims;
      System.arraycopy(positions, from, q, 0, chains * dims);
      System.arraycopy(momenta, from, p, 0, chains * dims);
      System.arraycopy(gradients, from, g, 0, chains * dims);
    }
  }

  /** Welford's running variance of the draws of a window, regularized as Stan's. */
  private static final class MassEstimate {
    private final double[] mean;
    private final double[] m2;
    private long n;

    MassEstimate(int dims) {
      mean = new double[dims];
      m2 = new double[dims];
    }

    void add(float[] x) {
      n++;
      for (int d = 0; d < mean.length; d++) {
        double delta = x[d] - mean[d];
        mean[d] += delta / n;
        m2[d] += delta * (x[d] - mean[d]);
      }
    }

    /** (n / (n + 5)) var + 1e-3 (5 / (n + 5)). */
    double[] regularizedVariance() {
      double[] out = new double[mean.length];
      for (int d = 0; d < out.length; d++) {
        double variance = m2[d] / (n - 1);
        out[d] = (n / (n + 5.0)) * variance + 1e-3 * (5 / (n + 5.0));
      }
      return out;
    }

    void clear() {
      Arrays.fill(mean, 0);
      Arrays.fill(m2, 0);
      n = 0;
    }
  }

  private static TFloat32 tensor(float[] values, Shape shape) {
    return TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
  }

  private static float[] copy(Result result, int index, int size) {
    float[] out = new float[size];
    ((TFloat32) result.get(index)).copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  /** Settings of a {@link NoUTurnSampler} run; every setter checks its argument. */
  public static final class Builder {
    private final LogDensity target;
    private final int dims;
    private int chains = 4;
    private int warmup = 1000;
    private int draws = 1000;
    private int maxTreeDepth = DEFAULT_MAX_TREE_DEPTH;
    private double initialStepSize = 0.1;
    private boolean adaptMass = true;
    private boolean massPerChain = true;
    private double targetAcceptance = HamiltonianMonteCarlo.DEFAULT_TARGET_ACCEPTANCE;
    private Seed seed = Seed.of(0);
    private ThreadSettings threads = ThreadSettings.defaults();
    private float[][] initialPositions;

    private Builder(LogDensity target, int dims) {
      this.target = Objects.requireNonNull(target, "target");
      if (dims < 1) {
        throw new IllegalArgumentException("dims must be at least 1, was " + dims);
      }
      this.dims = dims;
    }

    /** Parallel chains (default 4). */
    public Builder chains(int chains) {
      this.chains = atLeast("chains", chains, 1);
      return this;
    }

    /** Warm-up (adaptation) iterations, discarded (default 1000). */
    public Builder warmup(int warmup) {
      this.warmup = atLeast("warmup", warmup, 0);
      return this;
    }

    /** Kept iterations per chain (default 1000). */
    public Builder draws(int draws) {
      this.draws = atLeast("draws", draws, 1);
      return this;
    }

    /** The deepest tree, at most 2^depth - 1 leapfrog steps per transition (default 10, Stan's); 1 to 20. */
    public Builder maxTreeDepth(int depth) {
      if (depth < 1 || depth > 20) {
        throw new IllegalArgumentException("maxTreeDepth must be in [1, 20], was " + depth);
      }
      this.maxTreeDepth = depth;
      return this;
    }

    /**
     * The step size Stan's initialization heuristic starts from, or, without warm-up, the one used
     * throughout (default 0.1).
     */
    public Builder initialStepSize(double stepSize) {
      if (!(stepSize > 0 && Double.isFinite(stepSize))) {
        throw new IllegalArgumentException("initialStepSize must be finite and > 0, was " + stepSize);
      }
      this.initialStepSize = stepSize;
      return this;
    }

    /** Whether the diagonal mass matrix is adapted during warm-up (default true). */
    public Builder adaptMass(boolean adapt) {
      this.adaptMass = adapt;
      return this;
    }

    /**
     * Whether each chain adapts its mass from its own draws (default true, as Stan's independent
     * chains) or all chains share one from their pooled draws (as {@link HamiltonianMonteCarlo}).
     */
    public Builder massPerChain(boolean perChain) {
      this.massPerChain = perChain;
      return this;
    }

    /** Target mean accept_stat of the step-size adaptation, in (0, 1) (default 0.8, Stan's adapt_delta). */
    public Builder targetAcceptance(double target) {
      if (!(target > 0 && target < 1)) {
        throw new IllegalArgumentException("targetAcceptance must be in (0, 1), was " + target);
      }
      this.targetAcceptance = target;
      return this;
    }

    /** Seed of the momenta, directions, multinomial choices and random initial positions (default 0). */
    public Builder seed(Seed seed) {
      this.seed = Objects.requireNonNull(seed, "seed");
      return this;
    }

    /** TensorFlow's thread settings for the session. */
    public Builder threads(ThreadSettings threads) {
      this.threads = Objects.requireNonNull(threads, "threads");
      return this;
    }

    /** Start positions, [chains][dims] (one row per chain; set chains first); default uniform in [-2, 2]. */
    public Builder initialPositions(float[][] positions) {
      this.initialPositions = HamiltonianMonteCarlo.checkedStarts(positions, chains, dims);
      return this;
    }

    /** @throws IllegalArgumentException if initial positions were given for another number of chains */
    public NoUTurnSampler build() {
      if (initialPositions != null && initialPositions.length != chains) {
        throw new IllegalArgumentException("initialPositions has " + initialPositions.length
            + " rows but there are " + chains + " chains");
      }
      return new NoUTurnSampler(this);
    }

    private static int atLeast(String name, int value, int min) {
      if (value < min) {
        throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
      }
      return value;
    }
  }
}
