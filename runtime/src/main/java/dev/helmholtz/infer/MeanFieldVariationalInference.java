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
 */
public final class MeanFieldVariationalInference {
  private final LogDensity target;
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
    this.dims = b.dims;
    this.samples = b.samples;
    this.steps = b.steps;
    this.learningRate = b.learningRate;
    this.initialStd = b.initialStd;
    this.initialMean = b.initialMean;
    this.seed = b.seed;
    this.threads = b.threads;
  }

  public static Builder builder(LogDensity target, int dims) {
    return new Builder(target, dims);
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
      Operand<TFloat32> logProb = target.logProb(tf, theta);
      Shape shape = logProb.shape();
      if (shape.isUnknown() || shape.numDimensions() != 1
          || (shape.get(0) != Shape.UNKNOWN_SIZE && shape.get(0) != samples)) {
        throw new IllegalArgumentException("the log density must return one value per row of theta, ["
            + samples + "], but returned shape " + shape + " for theta of shape " + theta.shape());
      }
      Operand<TFloat32> elbo = vi.math.add(vi.math.mean(logProb, vi.constant(0)),
          vi.math.mean(q.entropy(), vi.constant(0)));
      Placeholder<TFloat32> rate = vi.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      Adam adam = Adam.create(tf, "vi_adam", vi.math.neg(elbo), List.of(mean, logStd), rate);
      try (Session session = new Session(graph, threads.toConfig())) {
        Session.Runner init = session.runner().addTarget(initMean).addTarget(initLogStd);
        adam.initializers().forEach(init::addTarget);
        init.run().close();
        return optimize(session, adam, rate, elbo, mean, logStd, started);
      }
    }
  }

  private VariationalPosterior optimize(Session session, Adam adam, Placeholder<TFloat32> rate,
      Operand<TFloat32> elbo, Variable<TFloat32> mean, Variable<TFloat32> logStd, long started) {
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
      try (TFloat32 lrTensor = TFloat32.scalarOf((float) lr);
          Result result = session.runner().feed(rate, lrTensor).addTarget(adam.step())
              .fetch(elbo).run()) {
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

  /** Settings of a {@link MeanFieldVariationalInference} fit; every setter checks its argument. */
  public static final class Builder {
    private final LogDensity target;
    private final int dims;
    private int samples = 16;
    private int steps = 2000;
    private double learningRate = 0.05;
    private double initialStd = 0.1;
    private double[] initialMean;
    private Seed seed = Seed.of(0);
    private ThreadSettings threads = ThreadSettings.defaults();

    private Builder(LogDensity target, int dims) {
      this.target = Objects.requireNonNull(target, "target");
      if (dims < 1) {
        throw new IllegalArgumentException("dims must be at least 1, was " + dims);
      }
      this.dims = dims;
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
      return new MeanFieldVariationalInference(this);
    }
  }
}
