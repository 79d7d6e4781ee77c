package dev.helmholtz.infer;

import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.Adam;
import dev.helmholtz.train.ThreadSettings;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Mean-field Gaussian variational inference for a {@link LogDensity}: q(theta) = prod_d
 * N(theta_d; mu_d, sigma_d^2), fitted by maximizing the reparameterized ELBO
 * E_q[log pi(theta)] + H[q] (the entropy analytic, the expectation from {@code samples} draws
 * per step) with {@link Adam} over (mu, log sigma) — ADVI (Kucukelbir et al. 2017) without the
 * transform to an unconstrained space, which the target is assumed to live in already.
 *
 * <p>Stochastic gradients leave the iterates jittering around the optimum, so the learning rate
 * is held for the first half of the steps, then decays linearly to a tenth of itself, and the
 * result is the average of the iterates (mu and log sigma) over the last quarter of the steps
 * (Polyak-Ruppert averaging).
 *
 * <p>For a Gaussian posterior the optimum has the exact mean and variances 1 / Lambda_dd (the
 * inverse of the precision's diagonal), never larger than the exact marginal variances: mean
 * field underestimates the spread of correlated posteriors.
 *
 * <p><b>Stochastic VI on minibatches</b> (Hoffman et al. 2013; Blundell et al. 2015's Bayes by
 * backprop for a network's weights): built from a {@link MinibatchLogDensity} with {@link
 * #builder(MinibatchLogDensity, int)}, each step evaluates the log likelihood on a batch of
 * {@link Builder#batchSize} examples scaled by N / B, as a plate does, while the log prior and the
 * entropy stay unscaled, so the objective is an unbiased estimate of the full-data ELBO. Batches
 * come from shuffled epochs ({@link Builder#epochs} sets the steps to whole epochs); all draws of
 * a step share its batch. The same seed gives the same batches, draws and result.
 */
public final class MeanFieldVariationalInference {
  private final LogDensity target;
  /** Set for stochastic VI; then {@link #target} is null. */
  private final MinibatchLogDensity minibatchTarget;
  private final int batchSize;
  private final int dims;
  private final int samples;
  private final int steps;
  private final double learningRate;
  private final double initialStd;
  private final double[] initialMean;
  private final Seed seed;
  private final ThreadSettings threads;

  private MeanFieldVariationalInference(Builder b) {
    this.target = b.target;
    this.minibatchTarget = b.minibatchTarget;
    this.batchSize = b.batchSize;
    this.dims = b.dims;
    this.samples = b.samples;
    this.steps = b.steps;
    this.learningRate = b.learningRate;
    this.initialStd = b.initialStd;
    this.initialMean = b.initialMean;
    this.seed = b.seed;
    this.threads = b.threads;
  }

  /** Full-batch VI of {@code target} over {@code dims} parameters. */
  public static Builder builder(LogDensity target, int dims) {
    return new Builder(Objects.requireNonNull(target, "target"), null, dims);
  }

  /**
   * Stochastic VI of {@code target} over {@code dims} parameters on minibatches of {@link
   * Builder#batchSize} examples (default: all N, in shuffled order).
   */
  public static Builder builder(MinibatchLogDensity target, int dims) {
    return new Builder(null, Objects.requireNonNull(target, "target"), dims);
  }

  /**
   * Builds the graph, runs the optimization, frees the graph.
   *
   * @throws IllegalArgumentException if the target is malformed (see {@link LogDensity})
   * @throws IllegalStateException if the ELBO becomes non-finite (naming the step)
   */
  public VariationalPosterior fit() {
    long started = System.nanoTime();
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Ops vi = tf.withSubScope("vi");
      Variable<TFloat32> mean = vi.withName("mean").variable(Shape.of(dims), TFloat32.class);
      Variable<TFloat32> logStd = vi.withName("log_std").variable(Shape.of(dims), TFloat32.class);
      float[] mean0 = new float[dims];
      float[] logStd0 = new float[dims];
      for (int d = 0; d < dims; d++) {
        mean0[d] = initialMean == null ? 0f : (float) initialMean[d];
        logStd0[d] = (float) Math.log(initialStd);
      }
      var initMean = vi.assign(mean, vi.constant(mean0));
      var initLogStd = vi.assign(logStd, vi.constant(logStd0));
      // An int32 shape: BroadcastTo's gradient mixes its shape's type with int32 shapes.
      Operand<TInt32> drawShape = vi.constant(new int[] {samples, dims});
      Normal q = Normal.meanLogStd(vi.broadcastTo(vi.identity(mean), drawShape),
          vi.broadcastTo(vi.identity(logStd), drawShape));
      Operand<TFloat32> theta = q.rsample(new RandomSource(tf, seed.derive("vi")));
      Placeholder<TInt32> batch = minibatchTarget == null ? null
          : vi.withName("batch").placeholder(TInt32.class, Placeholder.shape(Shape.of(batchSize)));
      Operand<TFloat32> elbo = elbo(tf, q, theta, batch);
      Placeholder<TFloat32> rate = vi.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      Adam adam = Adam.create(tf, "vi_adam", vi.math.neg(elbo), List.of(mean, logStd), rate);
      try (Session session = new Session(graph, threads.toConfig())) {
        Session.Runner init = session.runner().addTarget(initMean).addTarget(initLogStd);
        adam.initializers().forEach(init::addTarget);
        init.run().close();
        Minibatches batches = minibatchTarget == null ? null
            : new Minibatches(minibatchTarget.size(), batchSize, seed.derive("vi/minibatches").value());
        return optimize(session, adam, rate, batch, batches, elbo, mean, logStd, started);
      }
    }
  }

  /**
   * The ELBO estimate from the draws {@code theta} of q: the mean over draws of the log density
   * (on the minibatch {@code batch}, [B], scaled by N / B, for stochastic VI) plus q's entropy.
   */
  private Operand<TFloat32> elbo(Ops tf, Normal q, Operand<TFloat32> theta, Operand<TInt32> batch) {
    Ops vi = tf.withSubScope("vi");
    Operand<TFloat32> logProb;
    if (minibatchTarget == null) {
      logProb = target.logProb(tf, theta);
    } else {
      // Every draw of the step sees the same batch: [samples, B].
      Operand<TInt32> perRow = vi.broadcastTo(vi.expandDims(batch, vi.constant(0)),
          vi.constant(new int[] {(int) theta.shape().get(0), batchSize}));
      logProb = minibatchTarget.scaledLogProb(tf, theta, perRow);
    }
    Shape shape = logProb.shape();
    long rows = theta.shape().get(0);
    if (shape.isUnknown() || shape.numDimensions() != 1
        || (shape.get(0) != Shape.UNKNOWN_SIZE && shape.get(0) != rows)) {
      throw new IllegalArgumentException("the log density must return one value per row of theta, ["
          + rows + "], but returned shape " + shape + " for theta of shape " + theta.shape());
    }
    return vi.math.add(vi.math.mean(logProb, vi.constant(0)), vi.math.mean(q.entropy(), vi.constant(0)));
  }

  /**
   * The objective a step of stochastic VI estimates, at fixed noise: q = N(mean, exp(logStd)^2),
   * theta = mean + exp(logStd) * noise[s] for each row s of {@code noise}, on minibatch {@code
   * batch} (B indices). For checking the estimate: averaged over every possible batch it must
   * equal {@link #fullObjective} at the same noise.
   */
  double minibatchObjective(double[] mean, double[] logStd, float[][] noise, int[] batch) {
    if (minibatchTarget == null || batch.length != batchSize) {
      throw new IllegalStateException("a stochastic VI with batch size " + batch.length + " is needed");
    }
    return objectiveAt(mean, logStd, noise, batch, false);
  }

  /** {@link #minibatchObjective} with the whole data set as one unscaled batch, in index order. */
  double fullObjective(double[] mean, double[] logStd, float[][] noise) {
    if (minibatchTarget == null) {
      throw new IllegalStateException("the full-data objective of a stochastic VI is asked for, but this VI is full-batch");
    }
    int n = minibatchTarget.size();
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    return objectiveAt(mean, logStd, noise, all, true);
  }

  private double objectiveAt(double[] mean, double[] logStd, float[][] noise, int[] batch, boolean full) {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      int draws = noise.length;
      float[] m = new float[draws * dims];
      float[] ls = new float[draws * dims];
      float[] e = new float[draws * dims];
      for (int s = 0; s < draws; s++) {
        for (int d = 0; d < dims; d++) {
          m[s * dims + d] = (float) mean[d];
          ls[s * dims + d] = (float) logStd[d];
          e[s * dims + d] = noise[s][d];
        }
      }
      Shape shape = Shape.of(draws, dims);
      Normal q = Normal.meanLogStd(tf.constant(shape, DataBuffers.of(m, true, false)),
          tf.constant(shape, DataBuffers.of(ls, true, false)));
      Operand<TFloat32> theta = tf.math.add(q.mean(), tf.math.mul(tf.math.exp(
          tf.constant(shape, DataBuffers.of(ls, true, false))), tf.constant(shape, DataBuffers.of(e, true, false))));
      Operand<TFloat32> value;
      if (full) {
        Operand<TInt32> all = tf.broadcastTo(tf.constant(new int[][] {batch}), tf.constant(new int[] {draws, batch.length}));
        MinibatchLogDensity.Terms terms = minibatchTarget.logTerms(tf, theta, all);
        value = tf.math.add(tf.math.mean(tf.math.add(terms.logPrior(), terms.logLikelihood()), tf.constant(0)),
            tf.math.mean(q.entropy(), tf.constant(0)));
      } else {
        value = elbo(tf, q, theta, tf.constant(batch));
      }
      try (Session session = new Session(graph, threads.toConfig());
          Result result = session.runner().fetch(value).run()) {
        return ((TFloat32) result.get(0)).getFloat();
      }
    }
  }

  private VariationalPosterior optimize(Session session, Adam adam, Placeholder<TFloat32> rate,
      Placeholder<TInt32> batch, Minibatches batches, Operand<TFloat32> elbo, Variable<TFloat32> mean,
      Variable<TFloat32> logStd, long started) {
    int[] indices = batch == null ? null : new int[batchSize];
    int averageFrom = steps - Math.max(1, steps / 4);
    double[] meanSum = new double[dims];
    double[] logStdSum = new double[dims];
    double elboSum = 0;
    int averaged = 0;
    float[] meanNow = new float[dims];
    float[] logStdNow = new float[dims];
    for (int step = 0; step < steps; step++) {
      double progress = (double) step / steps;
      double lr = progress < 0.5 ? learningRate : learningRate * (1 - 1.8 * (progress - 0.5));
      if (batches != null) {
        batches.next(indices, 0);
      }
      try (TFloat32 lrTensor = TFloat32.scalarOf((float) lr);
          TInt32 batchTensor = batches == null ? null : TInt32.vectorOf(indices);
          Result result = feedBatch(session.runner().feed(rate, lrTensor), batch, batchTensor)
              .addTarget(adam.step()).fetch(elbo).run()) {
        double value = ((TFloat32) result.get(0)).getFloat();
        if (!Double.isFinite(value)) {
          throw new IllegalStateException("variational inference diverged at step " + (step + 1)
              + ": the ELBO is " + value + "; lower the learning rate or the initial std ("
              + learningRate + ", " + initialStd + "), or check the log density");
        }
        if (step >= averageFrom) {
          elboSum += value;
        }
      }
      if (step >= averageFrom) {
        // Fetched in a run of their own: Adam's run may already show updated values.
        try (Result result = session.runner().fetch(mean).fetch(logStd).run()) {
          ((TFloat32) result.get(0)).copyTo(DataBuffers.of(meanNow, false, false));
          ((TFloat32) result.get(1)).copyTo(DataBuffers.of(logStdNow, false, false));
        }
        for (int d = 0; d < dims; d++) {
          meanSum[d] += meanNow[d];
          logStdSum[d] += logStdNow[d];
        }
        averaged++;
      }
    }
    double[] means = new double[dims];
    double[] stds = new double[dims];
    for (int d = 0; d < dims; d++) {
      means[d] = meanSum[d] / averaged;
      stds[d] = Math.exp(logStdSum[d] / averaged);
    }
    return new VariationalPosterior(means, stds, elboSum / averaged, steps, (System.nanoTime() - started) / 1e9);
  }

  private static Session.Runner feedBatch(Session.Runner runner, Placeholder<TInt32> batch, TInt32 value) {
    return batch == null ? runner : runner.feed(batch, value);
  }

  /** Settings of a {@link MeanFieldVariationalInference} fit; every setter checks its argument. */
  public static final class Builder {
    private final LogDensity target;
    private final MinibatchLogDensity minibatchTarget;
    private final int dims;
    private int batchSize;
    private int epochs;
    private int samples = 16;
    private int steps = 2000;
    private double learningRate = 0.05;
    private double initialStd = 0.1;
    private double[] initialMean;
    private Seed seed = Seed.of(0);
    private ThreadSettings threads = ThreadSettings.defaults();

    private Builder(LogDensity target, MinibatchLogDensity minibatchTarget, int dims) {
      this.target = target;
      this.minibatchTarget = minibatchTarget;
      if (dims < 1) {
        throw new IllegalArgumentException("dims must be at least 1, was " + dims);
      }
      this.dims = dims;
      this.batchSize = minibatchTarget == null ? 0 : minibatchTarget.size();
    }

    /**
     * Examples per minibatch of stochastic VI (default: the whole data set); only for a builder
     * made from a {@link MinibatchLogDensity}.
     *
     * @throws IllegalStateException for full-batch VI
     */
    public Builder batchSize(int batchSize) {
      requireMinibatches("batchSize");
      if (batchSize < 1 || batchSize > minibatchTarget.size()) {
        throw new IllegalArgumentException("batchSize must be in [1, " + minibatchTarget.size()
            + "] (the data set's size), was " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /**
     * Whole epochs of stochastic VI: sets the steps to {@code epochs} x ceil(N / batch size) when
     * built, overriding {@link #steps}.
     */
    public Builder epochs(int epochs) {
      requireMinibatches("epochs");
      if (epochs < 1) {
        throw new IllegalArgumentException("epochs must be at least 1, was " + epochs);
      }
      this.epochs = epochs;
      return this;
    }

    private void requireMinibatches(String setting) {
      if (minibatchTarget == null) {
        throw new IllegalStateException(setting + " needs stochastic VI: build it from a MinibatchLogDensity"
            + " (BayesianModel.stochasticVariational(data)), not a full-data LogDensity");
      }
    }

    /** Monte Carlo draws of theta per step (default 16). */
    public Builder samples(int samples) {
      if (samples < 1) {
        throw new IllegalArgumentException("samples must be at least 1, was " + samples);
      }
      this.samples = samples;
      return this;
    }

    /** Adam steps (default 2000). */
    public Builder steps(int steps) {
      if (steps < 1) {
        throw new IllegalArgumentException("steps must be at least 1, was " + steps);
      }
      this.steps = steps;
      return this;
    }

    /** Adam's initial learning rate (default 0.05). */
    public Builder learningRate(double rate) {
      if (!(rate > 0 && Double.isFinite(rate))) {
        throw new IllegalArgumentException("learningRate must be finite and > 0, was " + rate);
      }
      this.learningRate = rate;
      return this;
    }

    /** The initial sigma of every coordinate (default 0.1). */
    public Builder initialStd(double std) {
      if (!(std > 0 && Double.isFinite(std))) {
        throw new IllegalArgumentException("initialStd must be finite and > 0, was " + std);
      }
      this.initialStd = std;
      return this;
    }

    /** The initial mu (default zeros). */
    public Builder initialMean(double[] mean) {
      Objects.requireNonNull(mean, "mean");
      if (mean.length != dims) {
        throw new IllegalArgumentException("initialMean must have " + dims + " values, has " + mean.length);
      }
      this.initialMean = Arrays.copyOf(mean, dims);
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

    public MeanFieldVariationalInference build() {
      if (epochs > 0) {
        long total = (long) epochs * Minibatches.perEpoch(minibatchTarget.size(), batchSize);
        if (total > Integer.MAX_VALUE) {
          throw new IllegalArgumentException(epochs + " epochs of batch " + batchSize + " are too many steps");
        }
        steps = (int) total;
      }
      return new MeanFieldVariationalInference(this);
    }
  }
}
