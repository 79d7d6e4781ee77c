package dev.helmholtz.gp;

import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ThreadSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat64;

/**
 * The sparse variational GP (SVGP) of Hensman, Fusi &amp; Lawrence (2013) for regression and
 * Hensman, Matthews &amp; Ghahramani (2015) for classification: M inducing points Z (trainable),
 * inducing values u = f(Z) with q(u) = N(m, S), S = L_S L_S^T (L_S lower-triangular, free), and
 * the bound
 *
 * <pre>
 *   ELBO = sum_n E_q(f_n)[log p(y_n | f_n)] - KL(q(u) || p(u))
 * </pre>
 *
 * which is a sum over data points, so a minibatch of B of N points estimates it without bias with
 * the sum scaled by N / B ({@link #fit}). q(f_n) is Gaussian with, for A = K_zz^-1 K_zx,
 * mean A^T m and variance k(x, x) - K_xz K_zz^-1 K_zx + A^T S A; the expectations are closed form
 * for a {@link GaussianLikelihood} and by Gauss-Hermite quadrature for a {@link
 * BernoulliLikelihood}.
 *
 * <p>Whitened by default (as GPflow's SVGP): u = L_z v with L_z L_z^T = K_zz, q(v) = N(m, S) and
 * p(v) = N(0, I), which decorrelates m and S from the kernel's hyperparameters and makes the KL
 * cheap; {@link Builder#whiten(boolean) whiten(false)} parameterizes q(u) directly, with the KL
 * against N(0, K_zz). Both start at m = 0, L_S = I.
 *
 * <p>With Z = X and a Gaussian likelihood, the bound at its optimal q(u) is the exact GP's log
 * marginal likelihood and its predictions the exact GP's.
 */
public final class SparseVariationalGaussianProcess implements AutoCloseable {
  private final Kernel kernel;
  private final Likelihood likelihood;
  private final boolean whiten;
  private final int inducingCount;
  private final int dims;
  private final double[][] x;
  private final double[] y;
  private final Random batchOrder;
  private final Hyperparameter inducing;
  private final double[][] fixedInducing;
  private final Hyperparameter variationalMean;
  private final Hyperparameter variationalScale;
  private final GpGraph g;
  private final Placeholder<TFloat64> inputs;
  private final Placeholder<TFloat64> targets;
  private final Placeholder<TFloat64> scale;
  private final Operand<TFloat64> expectationSum;
  private final Operand<TFloat64> kl;
  private final Operand<TFloat64> latentMean;
  private final Operand<TFloat64> latentVariance;
  private final Operand<TFloat64> observationMean;
  private final Operand<TFloat64> observationVariance;
  private final Operand<TFloat64> logPredictive;

  private SparseVariationalGaussianProcess(Builder b, double[][] x, double[] y) {
    if (x.length == 0 || x.length != y.length) {
      throw new IllegalArgumentException("need one target per input row and at least one row: "
          + x.length + " rows, " + y.length + " targets");
    }
    this.kernel = b.kernel;
    this.likelihood = b.likelihood;
    this.whiten = b.whiten;
    this.inducingCount = b.inducing.length;
    this.dims = b.inducing[0].length;
    if (x[0].length != dims) {
      throw new IllegalArgumentException("inputs have " + x[0].length + " dimensions, inducing points " + dims);
    }
    if (likelihood instanceof BernoulliLikelihood) {
      for (int i = 0; i < y.length; i++) {
        if (y[i] != 0 && y[i] != 1) {
          throw new IllegalArgumentException("a Bernoulli likelihood needs labels 0 or 1; target " + i + " is " + y[i]);
        }
      }
    }
    this.x = x;
    this.y = y;
    this.batchOrder = new Random(b.seed.derive("svgp-batches").value());
    int m = inducingCount;
    double[] flatZ = flatten(b.inducing);
    this.inducing = b.trainInducing ? Hyperparameter.real("inducing.points", new long[] {m, dims}, flatZ) : null;
    this.fixedInducing = b.trainInducing ? null : b.inducing;
    this.variationalMean = Hyperparameter.real("q.mean", new long[] {m}, new double[m]);
    double[] eye = new double[m * m];
    for (int i = 0; i < m; i++) {
      eye[i * m + i] = 1;
    }
    this.variationalScale = Hyperparameter.real("q.scale", new long[] {m, m}, eye);
    List<Hyperparameter> all = new ArrayList<>(kernel.hyperparameters());
    all.addAll(likelihood.hyperparameters());
    if (this.inducing != null) {
      all.add(this.inducing);
    }
    all.add(variationalMean);
    all.add(variationalScale);
    this.g = new GpGraph(all, b.threads);
    Ops tf = g.tf();
    GpParameters v = g.parameters();
    this.inputs = tf.withName("inputs").placeholder(TFloat64.class, Placeholder.shape(Shape.of(-1, dims)));
    this.targets = tf.withName("targets").placeholder(TFloat64.class, Placeholder.shape(Shape.of(-1)));
    this.scale = tf.withName("scale").placeholder(TFloat64.class, Placeholder.shape(Shape.scalar()));
    Operand<TFloat64> z = this.inducing != null ? v.value(this.inducing)
        : GpTensors.constant(tf, flatZ, new long[] {m, dims});
    Operand<TFloat64> lowerZ = GpMath.cholesky(tf, kernel.covariance(v, z, z), m, b.jitter);
    Operand<TFloat64> mean = GpMath.column(tf, v.value(variationalMean));
    Operand<TFloat64> lowerS = GpMath.lowerTriangle(tf, v.value(variationalScale));
    Operand<TFloat64> kzx = kernel.covariance(v, z, inputs);
    Operand<TFloat64> projected = GpMath.solve(tf, lowerZ, kzx, false);
    // A maps the whitened (or plain) inducing values to f's mean: L_z^-1 K_zx or K_zz^-1 K_zx.
    Operand<TFloat64> a = whiten ? projected : GpMath.solve(tf, lowerZ, projected, true);
    this.latentMean = tf.reshape(GpMath.matmul(tf, a, mean, true, false), tf.constant(new long[] {-1}));
    Operand<TFloat64> sa = GpMath.matmul(tf, lowerS, a, true, false);
    this.latentVariance = tf.math.add(tf.math.sub(kernel.variance(v, inputs), GpMath.columnSquares(tf, projected)),
        GpMath.columnSquares(tf, sa));
    this.kl = whiten ? whitenedKl(tf, mean, lowerS, m) : kl(tf, mean, lowerS, lowerZ, m);
    this.expectationSum = tf.reduceSum(
        likelihood.variationalExpectation(v, latentMean, latentVariance, targets), tf.constant(0));
    this.observationMean = likelihood.predictiveMean(v, latentMean, latentVariance);
    this.observationVariance = likelihood.predictiveVariance(v, latentMean, latentVariance);
    this.logPredictive = likelihood.logPredictiveDensity(v, latentMean, latentVariance, targets);
    g.finish(tf.math.sub(tf.math.mul(scale, expectationSum), kl));
  }

  /** KL(N(m, S) || N(0, I)) = 1/2 (tr S + m^T m - M - log det S). */
  private static Operand<TFloat64> whitenedKl(Ops tf, Operand<TFloat64> mean, Operand<TFloat64> lowerS, int m) {
    Operand<TFloat64> trace = tf.reduceSum(tf.math.square(lowerS), tf.constant(new int[] {0, 1}));
    Operand<TFloat64> meanSquare = tf.reduceSum(tf.math.square(mean), tf.constant(new int[] {0, 1}));
    Operand<TFloat64> logDetS = tf.math.mul(GpMath.halfLogDeterminant(tf, lowerS, m), tf.constant(2.0));
    return tf.math.mul(tf.math.sub(tf.math.sub(tf.math.add(trace, meanSquare), tf.constant((double) m)), logDetS),
        tf.constant(0.5));
  }

  /** KL(N(m, S) || N(0, K)) = 1/2 (|L^-1 L_S|^2 + |L^-1 m|^2 - M + log det K - log det S). */
  private static Operand<TFloat64> kl(Ops tf, Operand<TFloat64> mean, Operand<TFloat64> lowerS,
      Operand<TFloat64> lowerK, int m) {
    Operand<TFloat64> trace = tf.reduceSum(tf.math.square(GpMath.solve(tf, lowerK, lowerS, false)),
        tf.constant(new int[] {0, 1}));
    Operand<TFloat64> mahalanobis = tf.reduceSum(tf.math.square(GpMath.solve(tf, lowerK, mean, false)),
        tf.constant(new int[] {0, 1}));
    Operand<TFloat64> logDets = tf.math.mul(tf.math.sub(GpMath.halfLogDeterminant(tf, lowerK, m),
        GpMath.halfLogDeterminant(tf, lowerS, m)), tf.constant(2.0));
    return tf.math.mul(tf.math.add(tf.math.sub(tf.math.add(trace, mahalanobis), tf.constant((double) m)), logDets),
        tf.constant(0.5));
  }

  /** A builder for a model of {@code kernel}, {@code likelihood} and initial inducing points {@code [M][d]}. */
  public static Builder builder(Kernel kernel, Likelihood likelihood, double[][] inducingPoints) {
    return new Builder(kernel, likelihood, inducingPoints);
  }

  /** Whether q(u) is whitened. */
  public boolean isWhitened() {
    return whiten;
  }

  /** The likelihood. */
  public Likelihood likelihood() {
    return likelihood;
  }

  /** The inducing points' hyperparameter, or null when they are fixed. */
  public Hyperparameter inducingPoints() {
    return inducing;
  }

  /** q's mean m ({@code [M]}). */
  public Hyperparameter variationalMean() {
    return variationalMean;
  }

  /** q's scale L_S ({@code [M, M]}, only the lower triangle is used). */
  public Hyperparameter variationalScale() {
    return variationalScale;
  }

  /** Every trainable parameter, in the order of {@link #gradient}. */
  public List<Hyperparameter> hyperparameters() {
    return g.parameters().list();
  }

  /** A parameter's current (constrained) values, row-major. */
  public double[] get(Hyperparameter p) {
    return g.parameters().get(p);
  }

  /** Sets a parameter's constrained values, row-major. */
  public void set(Hyperparameter p, double... values) {
    g.parameters().set(p, values);
  }

  /** The inducing points now ({@code [M][d]}). */
  public double[][] currentInducingPoints() {
    if (inducing == null) {
      return fixedInducing.clone();
    }
    double[] flat = get(inducing);
    double[][] out = new double[inducingCount][dims];
    for (int i = 0; i < inducingCount; i++) {
      System.arraycopy(flat, i * dims, out[i], 0, dims);
    }
    return out;
  }

  /** The ELBO on the whole training set (the expectations summed in chunks). */
  public double elbo() {
    double sum = 0;
    for (int from = 0; from < x.length; from += CHUNK) {
      int to = Math.min(x.length, from + CHUNK);
      try (Batch batch = rows(from, to)) {
        sum += g.run(batch.feeds(1), List.of(expectationSum)).get(0)[0];
      }
    }
    return sum - klDivergence();
  }

  /** KL(q(u) || p(u)). */
  public double klDivergence() {
    try (Batch batch = rows(0, 1)) {
      return g.run(batch.feeds(1), List.of(kl)).get(0)[0];
    }
  }

  /**
   * The gradient of the whole-data ELBO with respect to each parameter's unconstrained values,
   * in {@link #hyperparameters()} order (one run over all the data).
   */
  public List<double[]> gradient() {
    try (Batch batch = rows(0, x.length)) {
      return g.gradient(batch.feeds(1));
    }
  }

  /**
   * Maximizes the ELBO by {@code steps} Adam steps on minibatches of {@code batchSize} rows (each
   * epoch a fresh permutation; the last short batch of an epoch is dropped), the expectation
   * scaled by N / batchSize.
   */
  public GpFit fit(int steps, int batchSize, double learningRate) {
    if (batchSize < 1 || batchSize > x.length) {
      throw new IllegalArgumentException("batchSize must be 1 to " + x.length + ", was " + batchSize);
    }
    double ratio = (double) x.length / batchSize;
    int[] order = new int[x.length];
    int[] position = {x.length};
    return g.maximize(steps, learningRate, () -> {
      if (position[0] + batchSize > x.length) {
        for (int i = 0; i < order.length; i++) {
          order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
          int j = batchOrder.nextInt(i + 1);
          int t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
        position[0] = 0;
      }
      double[] bx = new double[batchSize * dims];
      double[] by = new double[batchSize];
      for (int r = 0; r < batchSize; r++) {
        int row = order[position[0] + r];
        System.arraycopy(x[row], 0, bx, r * dims, dims);
        by[r] = y[row];
      }
      position[0] += batchSize;
      return List.of(new GpGraph.Feed(inputs, GpTensors.tensor(bx, new long[] {batchSize, dims})),
          new GpGraph.Feed(targets, GpTensors.tensor(by, new long[] {batchSize})),
          new GpGraph.Feed(scale, TFloat64.scalarOf(ratio)));
    });
  }

  /**
   * The latent function's predictive mean and variance at test inputs, and the observations'
   * variance (f's plus the noise for a Gaussian likelihood; p (1 - p) for the Bernoulli).
   */
  public GpPrediction predict(double[][] testX) {
    double[][] out = predictions(testX, null, List.of(latentMean, latentVariance, observationVariance));
    return new GpPrediction(out[0], out[1], out[2]);
  }

  /** E[y] at each test input: the mean for regression, p(y = 1) for classification. */
  public double[] predictiveMean(double[][] testX) {
    return predictions(testX, null, List.of(observationMean))[0];
  }

  /** log p(y* | x*, data) for each test point, under the predictive q(f*). */
  public double[] logPredictiveDensity(double[][] testX, double[] testY) {
    if (testX.length != testY.length) {
      throw new IllegalArgumentException(testX.length + " test inputs, " + testY.length + " targets");
    }
    return predictions(testX, testY, List.of(logPredictive))[0];
  }

  private static final int CHUNK = 2000;

  private double[][] predictions(double[][] testX, double[] testY, List<Operand<TFloat64>> fetches) {
    double[][] out = new double[fetches.size()][testX.length];
    for (int from = 0; from < testX.length; from += CHUNK) {
      int to = Math.min(testX.length, from + CHUNK);
      double[] bx = new double[(to - from) * dims];
      double[] by = new double[to - from];
      for (int r = from; r < to; r++) {
        if (testX[r].length != dims) {
          throw new IllegalArgumentException("test row " + r + " has " + testX[r].length + " values, not " + dims);
        }
        System.arraycopy(testX[r], 0, bx, (r - from) * dims, dims);
        by[r - from] = testY == null ? 0 : testY[r];
      }
      try (Batch batch = new Batch(GpTensors.tensor(bx, new long[] {to - from, dims}),
          GpTensors.tensor(by, new long[] {to - from}))) {
        List<double[]> values = g.run(batch.feeds(1), fetches);
        for (int f = 0; f < fetches.size(); f++) {
          System.arraycopy(values.get(f), 0, out[f], from, to - from);
        }
      }
    }
    return out;
  }

  private Batch rows(int from, int to) {
    double[] bx = new double[(to - from) * dims];
    double[] by = new double[to - from];
    for (int r = from; r < to; r++) {
      System.arraycopy(x[r], 0, bx, (r - from) * dims, dims);
      by[r - from] = y[r];
    }
    return new Batch(GpTensors.tensor(bx, new long[] {to - from, dims}), GpTensors.tensor(by, new long[] {to - from}));
  }

  /** The input and target tensors of some rows. */
  private final class Batch implements AutoCloseable {
    private final TFloat64 bx;
    private final TFloat64 by;
    private TFloat64 ratio;

    Batch(TFloat64 bx, TFloat64 by) {
      this.bx = bx;
      this.by = by;
    }

    List<GpGraph.Feed> feeds(double scaleValue) {
      ratio = TFloat64.scalarOf(scaleValue);
      return List.of(new GpGraph.Feed(inputs, bx), new GpGraph.Feed(targets, by), new GpGraph.Feed(scale, ratio));
    }

    @Override
    public void close() {
      bx.close();
      by.close();
      if (ratio != null) {
        ratio.close();
      }
    }
  }

  private static double[] flatten(double[][] rows) {
    int d = rows[0].length;
    double[] flat = new double[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != d) {
        throw new IllegalArgumentException("inducing point " + i + " has " + rows[i].length + " values, not " + d);
      }
      System.arraycopy(rows[i], 0, flat, i * d, d);
    }
    return flat;
  }

  @Override
  public void close() {
    g.close();
  }

  /** Settings of a {@link SparseVariationalGaussianProcess}. */
  public static final class Builder {
    private final Kernel kernel;
    private final Likelihood likelihood;
    private final double[][] inducing;
    private boolean whiten = true;
    private boolean trainInducing = true;
    private double jitter = 1e-6;
    private Seed seed = Seed.of(0);
    private ThreadSettings threads = ThreadSettings.defaults();

    private Builder(Kernel kernel, Likelihood likelihood, double[][] inducing) {
      this.kernel = Objects.requireNonNull(kernel, "kernel");
      this.likelihood = Objects.requireNonNull(likelihood, "likelihood");
      if (inducing.length == 0 || inducing[0].length == 0) {
        throw new IllegalArgumentException("need at least one inducing point of at least one dimension");
      }
      this.inducing = inducing.clone();
    }

    /** Whether q(u) is whitened (default true). */
    public Builder whiten(boolean whiten) {
      this.whiten = whiten;
      return this;
    }

    /** Whether the inducing points are trained (default true). */
    public Builder trainInducingPoints(boolean train) {
      this.trainInducing = train;
      return this;
    }

    /** What is added to K_zz's diagonal before its Cholesky factorization (default 1e-6). */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0) || !Double.isFinite(jitter)) {
        throw new IllegalArgumentException("jitter must be finite and >= 0, was " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /** The seed of the minibatch order. */
    public Builder seed(Seed seed) {
      this.seed = Objects.requireNonNull(seed, "seed");
      return this;
    }

    /** TensorFlow's thread settings. */
    public Builder threads(ThreadSettings threads) {
      this.threads = Objects.requireNonNull(threads, "threads");
      return this;
    }

    /** The model on training inputs {@code x} ({@code [N][d]}) and targets {@code y} ({@code [N]}). */
    public SparseVariationalGaussianProcess build(double[][] x, double[] y) {
      return new SparseVariationalGaussianProcess(this, x.clone(), y.clone());
    }
  }
}
