package dev.helmholtz.infer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Annealed importance sampling (Neal 2001) of log p(x) for a model of continuous latents z with a
 * prior p(z) and a likelihood p(x | z), by Wu et al.'s (2017) protocol for decoder-based models:
 * the geometric path f_beta(z) = p(z) p(x | z)^beta from the prior (beta = 0) to the unnormalized
 * posterior (beta = 1), a sigmoidal schedule of temperatures ({@link #sigmoidSchedule}), one
 * Hamiltonian Monte Carlo transition per temperature (a leapfrog trajectory and a Metropolis test)
 * with its step size adapted towards an acceptance rate of 0.65, several independent chains per
 * example. Each chain starts from p(z) and adds (beta_t - beta_(t-1)) log p(x | z_(t-1)) to its log
 * weight before the transition at beta_t; a weight's expectation is p(x) exactly, so the
 * log-mean-exp over the chains is a stochastic lower bound of log p(x) that tightens with more
 * temperatures.
 *
 * <p>What comes back is a {@link LogMarginalLikelihood}, as importance sampling gives, with k the
 * chains per example: per example the log-mean-exp of its chains' weights, the delta-method
 * standard error of it (from the chains' spread) and the chains' effective sample size. The
 * error reflects only the chains' disagreement: with too few temperatures every chain can agree on
 * a value that is too low, which is why the estimate is reported next to a run with fewer
 * temperatures (it must rise towards the truth) and next to the importance-sampled one.
 *
 * <p>The step size is one per example, multiplied by 1.02 after a transition whose mean
 * acceptance probability over the example's chains exceeds 0.65 and by 0.98 otherwise, within
 * [1e-4, 1] (as Wu et al.'s code adapts it). Momenta and the Metropolis uniforms are drawn in
 * Java from the seed and fed, so one graph serves every temperature and a run is reproducible.
 */
public final class AnnealedImportanceSampler {
  /** The acceptance rate the step size is adapted towards (Wu et al. 2017). */
  public static final double TARGET_ACCEPTANCE = 0.65;

  /** log p(z) and log p(x | z) for n rows of (x, z), what the path is made of. */
  @FunctionalInterface
  public interface Target {
    /**
     * @param tf ops of the graph being built
     * @param x the examples, one per row, [n, width]
     * @param z the latents, one per row, [n, dims]
     * @return log p(z) and log p(x | z), each [n]; differentiable in z
     */
    Densities densities(Ops tf, Operand<TFloat32> x, Operand<TFloat32> z);
  }

  /** The two terms of the path at n rows. */
  public record Densities(Operand<TFloat32> logPrior, Operand<TFloat32> logLikelihood) {}

  /**
   * The graph of one annealing step for every row: the weight increment at the incoming state and
   * an HMC transition at the new temperature.
   */
  public static final class Transition {
    final Placeholder<TFloat32> x;
    final Placeholder<TFloat32> z;
    final Placeholder<TFloat32> momentum;
    final Placeholder<TFloat32> logUniform;
    final Placeholder<TFloat32> stepSize;
    final Placeholder<TFloat32> betaFrom;
    final Placeholder<TFloat32> betaTo;
    final Operand<TFloat32> increment;
    final Operand<TFloat32> next;
    final Operand<TFloat32> acceptProbability;
    final int width;
    final int dims;

    private Transition(Ops tf, Target target, int width, int dims, int leapfrogSteps) {
      this.width = width;
      this.dims = dims;
      Ops s = tf.withSubScope("ais");
      x = s.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, width)));
      z = s.withName("z").placeholder(TFloat32.class, Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, dims)));
      momentum = s.withName("momentum").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, dims)));
      logUniform = s.withName("log_uniform").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE)));
      stepSize = s.withName("step_size").placeholder(TFloat32.class, Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE)));
      betaFrom = s.withName("beta_from").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      betaTo = s.withName("beta_to").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      Operand<TFloat32> z0 = s.identity(z);
      Densities start = densities(s, target, x, z0, "the incoming state");
      increment = s.withName("log_weight_increment").math.mul(s.math.sub(betaTo, betaFrom), start.logLikelihood());
      Operand<TFloat32> eps = s.expandDims(stepSize, s.constant(-1));
      Operand<TFloat32> halfEps = s.math.mul(s.constant(0.5f), eps);
      Operand<TFloat32> f0 = tempered(s, start);
      Operand<TFloat32> p = s.math.add(momentum, s.math.mul(halfEps, gradient(s, f0, z0)));
      Operand<TFloat32> q = z0;
      Operand<TFloat32> fEnd = f0;
      for (int l = 1; l <= leapfrogSteps; l++) {
        q = s.math.add(q, s.math.mul(eps, p));
        fEnd = tempered(s, densities(s, target, x, q, "a leapfrog position"));
        p = s.math.add(p, s.math.mul(l < leapfrogSteps ? eps : halfEps, gradient(s, fEnd, q)));
      }
      Operand<TFloat32> h0 = s.math.sub(kinetic(s, momentum), f0);
      Operand<TFloat32> h1 = s.math.sub(kinetic(s, p), fEnd);
      Operand<TFloat32> logAccept = s.math.neg(s.math.sub(h1, h0));
      Operand<TBool> finite = s.math.isFinite(logAccept);
      Operand<TFloat32> safeLogAccept = s.select(finite, s.math.minimum(logAccept, s.constant(0f)),
          s.fill(s.shape(logAccept), s.constant(Float.NEGATIVE_INFINITY)));
      acceptProbability = s.withName("accept_probability").math.exp(safeLogAccept);
      Operand<TBool> accept = s.math.less(logUniform, safeLogAccept);
      next = s.withName("next").select(s.expandDims(accept, s.constant(-1)), q, z0);
    }

    private Operand<TFloat32> tempered(Ops tf, Densities d) {
      return tf.math.add(d.logPrior(), tf.math.mul(betaTo, d.logLikelihood()));
    }

    private static Operand<TFloat32> kinetic(Ops tf, Operand<TFloat32> p) {
      return tf.math.mul(tf.constant(0.5f), tf.reduceSum(tf.math.square(p), tf.constant(-1)));
    }

    @SuppressWarnings("unchecked")
    private static Operand<TFloat32> gradient(Ops tf, Operand<TFloat32> f, Operand<TFloat32> z) {
      // Rows are independent, so the gradient of their sum is each row's gradient.
      Output<?> dz = tf.gradients(tf.reduceSum(f, tf.constant(0)), List.of(z)).dy().get(0);
      if (dz == null || dz.isClosed()) {
        throw new IllegalArgumentException("no gradient flows from the annealing target to z");
      }
      return (Operand<TFloat32>) dz;
    }

    private static Densities densities(Ops tf, Target target, Operand<TFloat32> x, Operand<TFloat32> z, String where) {
      Densities d = Objects.requireNonNull(target.densities(tf, x, z), "the target's densities at " + where);
      for (Operand<TFloat32> o : List.of(d.logPrior(), d.logLikelihood())) {
        Shape shape = o.shape();
        if (shape.isUnknown() || shape.numDimensions() != 1) {
          throw new IllegalArgumentException("the target's log densities must be one value per row, [n], got "
              + shape + " at " + where);
        }
      }
      return d;
    }
  }

  /** Settings of a run. */
  public record Settings(int chains, double[] betas, double initialStepSize, long seed) {
    /** Checks the settings. */
    public Settings {
      if (chains < 2) {
        throw new IllegalArgumentException("AIS needs at least 2 chains per example for an error, was " + chains);
      }
      if (betas.length < 2 || betas[0] != 0 || betas[betas.length - 1] != 1) {
        throw new IllegalArgumentException("the inverse temperatures must run from 0 to 1");
      }
      for (int t = 1; t < betas.length; t++) {
        if (!(betas[t] >= betas[t - 1])) {
          throw new IllegalArgumentException("the inverse temperatures must not decrease; beta[" + t + "] = "
              + betas[t] + " after " + betas[t - 1]);
        }
      }
      if (!(initialStepSize > 0)) {
        throw new IllegalArgumentException("the initial step size must be > 0, was " + initialStepSize);
      }
      betas = betas.clone();
    }

    /** {@code chains} chains per example over {@link #sigmoidSchedule} of {@code temperatures}. */
    public static Settings of(int chains, int temperatures, long seed) {
      return new Settings(chains, sigmoidSchedule(temperatures), 0.05, seed);
    }
  }

  /**
   * An AIS estimate: per example, log p(x) with its error over the chains, and how the HMC
   * transitions went.
   *
   * @param logLikelihood per example the log-mean-exp over the chains' weights, its standard
   *     error and the chains' effective sample size (k = chains)
   * @param temperatures the number of inverse temperatures, 0 and 1 included
   * @param acceptanceRate the mean acceptance probability over all transitions and chains
   * @param meanStepSize the examples' mean step size at the end
   */
  public record Estimate(LogMarginalLikelihood logLikelihood, int temperatures, double acceptanceRate,
      double meanStepSize) {}

  private AnnealedImportanceSampler() {}

  /**
   * {@code temperatures} inverse temperatures from 0 to 1 on a sigmoid (Grosse et al. 2013; Wu et
   * al. 2017): beta_t proportional to sigmoid(delta (2 t / (T - 1) - 1)), rescaled to start at 0 and
   * end at 1, with delta = 4: dense at both ends, where the path changes fastest.
   */
  public static double[] sigmoidSchedule(int temperatures) {
    if (temperatures < 2) {
      throw new IllegalArgumentException("AIS needs at least 2 temperatures, was " + temperatures);
    }
    double delta = 4;
    double low = sigmoid(-delta);
    double high = sigmoid(delta);
    double[] betas = new double[temperatures];
    for (int t = 0; t < temperatures; t++) {
      betas[t] = (sigmoid(delta * (2.0 * t / (temperatures - 1) - 1)) - low) / (high - low);
    }
    betas[0] = 0;
    betas[temperatures - 1] = 1;
    return betas;
  }

  /** Builds one annealing step into a graph ({@code leapfrogSteps} unrolled). */
  public static Transition build(Ops tf, Target target, int width, int dims, int leapfrogSteps) {
    if (width < 1 || dims < 1 || leapfrogSteps < 1) {
      throw new IllegalArgumentException("width, dims and leapfrogSteps must be at least 1, were " + width
          + ", " + dims + ", " + leapfrogSteps);
    }
    return new Transition(tf, Objects.requireNonNull(target, "target"), width, dims, leapfrogSteps);
  }

  /**
   * Runs AIS for every example of {@code x} in a session holding {@code transition}, all examples'
   * chains at once, row {@code i * chains + c} being chain c of example i; {@code priorDraws} gives
   * the n = examples * chains rows' draws of z from p(z), [n][dims], in that order.
   */
  public static Estimate run(Session session, Transition transition, float[][] x, IntFunction<float[][]> priorDraws,
      Settings settings) {
    long started = System.nanoTime();
    int examples = x.length;
    int chains = settings.chains();
    int rows = examples * chains;
    int width = transition.width;
    int dims = transition.dims;
    float[] xs = new float[rows * width];
    for (int i = 0; i < examples; i++) {
      if (x[i].length != width) {
        throw new IllegalArgumentException("example " + i + " has " + x[i].length + " values, not " + width);
      }
      for (int c = 0; c < chains; c++) {
        System.arraycopy(x[i], 0, xs, (i * chains + c) * width, width);
      }
    }
    float[][] initial = priorDraws.apply(rows);
    if (initial.length != rows) {
      throw new IllegalArgumentException("the prior draws must be " + rows + " rows, were " + initial.length);
    }
    float[] z = new float[rows * dims];
    for (int r = 0; r < rows; r++) {
      if (initial[r].length != dims) {
        throw new IllegalArgumentException("prior draw " + r + " has " + initial[r].length + " values, not " + dims);
      }
      System.arraycopy(initial[r], 0, z, r * dims, dims);
    }
    double[] logWeights = new double[rows];
    double[] stepSizes = new double[examples];
    java.util.Arrays.fill(stepSizes, settings.initialStepSize());
    SplittableRandom random = new SplittableRandom(settings.seed());
    double[] betas = settings.betas();
    double acceptSum = 0;
    float[] momentum = new float[rows * dims];
    float[] logUniform = new float[rows];
    float[] eps = new float[rows];
    float[] increment = new float[rows];
    float[] accept = new float[rows];
    try (TFloat32 xTensor = TFloat32.tensorOf(Shape.of(rows, width), DataBuffers.of(xs, true, false))) {
      for (int t = 1; t < betas.length; t++) {
        for (int j = 0; j < momentum.length; j++) {
          momentum[j] = (float) random.nextGaussian();
        }
        for (int r = 0; r < rows; r++) {
          logUniform[r] = (float) Math.log(random.nextDouble());
          eps[r] = (float) stepSizes[r / chains];
        }
        List<TFloat32> fed = new ArrayList<>();
        try {
          TFloat32 zT = track(fed, TFloat32.tensorOf(Shape.of(rows, dims), DataBuffers.of(z, true, false)));
          TFloat32 pT = track(fed, TFloat32.tensorOf(Shape.of(rows, dims), DataBuffers.of(momentum, true, false)));
          TFloat32 uT = track(fed, TFloat32.tensorOf(Shape.of(rows), DataBuffers.of(logUniform, true, false)));
          TFloat32 eT = track(fed, TFloat32.tensorOf(Shape.of(rows), DataBuffers.of(eps, true, false)));
          TFloat32 fromT = track(fed, TFloat32.scalarOf((float) betas[t - 1]));
          TFloat32 toT = track(fed, TFloat32.scalarOf((float) betas[t]));
          try (Result result = session.runner().feed(transition.x, xTensor).feed(transition.z, zT)
              .feed(transition.momentum, pT).feed(transition.logUniform, uT).feed(transition.stepSize, eT)
              .feed(transition.betaFrom, fromT).feed(transition.betaTo, toT)
              .fetch(transition.increment).fetch(transition.next).fetch(transition.acceptProbability).run()) {
            ((TFloat32) result.get(0)).copyTo(DataBuffers.of(increment, false, false));
            ((TFloat32) result.get(1)).copyTo(DataBuffers.of(z, false, false));
            ((TFloat32) result.get(2)).copyTo(DataBuffers.of(accept, false, false));
          }
        } finally {
          fed.forEach(TFloat32::close);
        }
        for (int r = 0; r < rows; r++) {
          if (!Float.isFinite(increment[r])) {
            throw new IllegalStateException("AIS: the log-likelihood of chain " + (r % chains) + " of example "
                + (r / chains) + " is " + increment[r] + " at temperature " + t + " of " + (betas.length - 1));
          }
          logWeights[r] += increment[r];
          acceptSum += accept[r];
        }
        for (int i = 0; i < examples; i++) {
          double mean = 0;
          for (int c = 0; c < chains; c++) {
            mean += accept[i * chains + c];
          }
          mean /= chains;
          stepSizes[i] = Math.min(1, Math.max(1e-4, stepSizes[i] * (mean > TARGET_ACCEPTANCE ? 1.02 : 0.98)));
        }
      }
    }
    double[] logSum = new double[examples];
    double[] logSumSquares = new double[examples];
    for (int i = 0; i < examples; i++) {
      double s = Double.NEGATIVE_INFINITY;
      double s2 = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < chains; c++) {
        double w = logWeights[i * chains + c];
        s = dev.helmholtz.objective.ImportanceWeightedBound.logAddExp(s, w);
        s2 = dev.helmholtz.objective.ImportanceWeightedBound.logAddExp(s2, 2 * w);
      }
      logSum[i] = s;
      logSumSquares[i] = s2;
    }
    double meanStep = 0;
    for (double e : stepSizes) {
      meanStep += e / examples;
    }
    LogMarginalLikelihood ll = LogMarginalLikelihood.fromLogSums(logSum, logSumSquares, chains,
        (System.nanoTime() - started) / 1e9);
    return new Estimate(ll, betas.length, acceptSum / ((double) rows * (betas.length - 1)), meanStep);
  }

  /**
   * AIS in a graph of its own, for a target built from constants and ops only (no variables).
   */
  public static Estimate estimate(Target target, int width, int dims, int leapfrogSteps, float[][] x,
      IntFunction<float[][]> priorDraws, Settings settings) {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Transition transition = build(tf, target, width, dims, leapfrogSteps);
      try (Session session = new Session(graph)) {
        return run(session, transition, x, priorDraws, settings);
      }
    }
  }

  private static TFloat32 track(List<TFloat32> fed, TFloat32 tensor) {
    fed.add(tensor);
    return tensor;
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }
}
