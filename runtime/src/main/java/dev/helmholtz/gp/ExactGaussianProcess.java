package dev.helmholtz.gp;

import dev.helmholtz.train.ThreadSettings;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat64;

/**
 * Exact GP regression (Rasmussen &amp; Williams 2006, ch. 2 and 5): f ~ GP(0, k), y = f(x) + e with
 * e ~ N(0, sigma^2), a zero mean function (centre the targets). With K = k(X, X) + sigma^2 I = L
 * L^T and alpha = L^-1 y,
 *
 * <pre>
 *   log p(y | X) = -1/2 alpha^T alpha - sum_i log L_ii - n/2 log 2 pi
 * </pre>
 *
 * maximized over the kernel's hyperparameters and sigma^2 by Adam ({@link #fit}); predictions at
 * X* have mean A^T alpha and variance k(x*, x*) - sum A^2 for A = L^-1 k(X, X*). Cost O(n^3): for
 * more than a few thousand points use {@link SparseVariationalGaussianProcess}.
 */
public final class ExactGaussianProcess implements AutoCloseable {
  private final Kernel kernel;
  private final Hyperparameter noiseVariance;
  private final int dims;
  private final GpGraph g;
  private final Placeholder<TFloat64> testInputs;
  private final Operand<TFloat64> predictiveMean;
  private final Operand<TFloat64> predictiveVariance;

  /**
   * A GP on training inputs {@code x} ({@code [n][d]}) and targets {@code y} ({@code [n]}), with
   * the kernel's hyperparameters and the noise variance at their initial values.
   */
  public ExactGaussianProcess(Kernel kernel, double[][] x, double[] y, double noiseVariance) {
    this(kernel, x, y, noiseVariance, ThreadSettings.defaults());
  }

  /** As {@link #ExactGaussianProcess(Kernel, double[][], double[], double)} with thread settings. */
  public ExactGaussianProcess(Kernel kernel, double[][] x, double[] y, double noiseVariance, ThreadSettings threads) {
    if (x.length == 0 || x.length != y.length) {
      throw new IllegalArgumentException("need one target per input row and at least one row: "
          + x.length + " rows, " + y.length + " targets");
    }
    this.kernel = kernel;
    this.noiseVariance = Hyperparameter.positive("noise.variance", noiseVariance);
    this.dims = x[0].length;
    List<Hyperparameter> all = new ArrayList<>(kernel.hyperparameters());
    all.add(this.noiseVariance);
    this.g = new GpGraph(all, threads);
    Ops tf = g.tf();
    GpParameters v = g.parameters();
    int n = x.length;
    Operand<TFloat64> inputs;
    try (TFloat64 xs = GpTensors.tensor(x)) {
      inputs = tf.constant(xs);
    }
    Operand<TFloat64> targets = GpTensors.constant(tf, y, new long[] {n, 1});
    Operand<TFloat64> noise = tf.math.mul(GpMath.eye(tf, n), v.value(this.noiseVariance));
    Operand<TFloat64> lower = GpMath.cholesky(tf, tf.math.add(kernel.covariance(v, inputs, inputs), noise), n, 0);
    Operand<TFloat64> alpha = GpMath.solve(tf, lower, targets, false);
    Operand<TFloat64> logMarginal = tf.math.sub(
        tf.math.sub(tf.math.mul(tf.reduceSum(tf.math.square(alpha), tf.constant(new int[] {0, 1})), tf.constant(-0.5)),
            GpMath.halfLogDeterminant(tf, lower, n)),
        tf.constant(0.5 * n * GpMath.LOG_2PI));
    this.testInputs = tf.withName("test_inputs").placeholder(TFloat64.class,
        Placeholder.shape(Shape.of(-1, dims)));
    Operand<TFloat64> a = GpMath.solve(tf, lower, kernel.covariance(v, inputs, testInputs), false);
    this.predictiveMean = tf.reshape(GpMath.matmul(tf, a, alpha, true, false), tf.constant(new long[] {-1}));
    this.predictiveVariance = tf.math.sub(kernel.variance(v, testInputs), GpMath.columnSquares(tf, a));
    g.finish(logMarginal);
  }

  /** The noise variance sigma^2. */
  public Hyperparameter noiseVariance() {
    return noiseVariance;
  }

  /** The kernel. */
  public Kernel kernel() {
    return kernel;
  }

  /** log p(y | X) at the current hyperparameters. */
  public double logMarginalLikelihood() {
    return g.objective(List.of());
  }

  /**
   * d log p(y | X) / du for each hyperparameter's unconstrained values u (value = softplus(u) +
   * 1e-6 for a positive one), in {@link #hyperparameters()} order.
   */
  public List<double[]> gradient() {
    return g.gradient(List.of());
  }

  /** The hyperparameters: the kernel's, then the noise variance. */
  public List<Hyperparameter> hyperparameters() {
    return g.parameters().list();
  }

  /** The current (constrained) value of a hyperparameter. */
  public double[] get(Hyperparameter p) {
    return g.parameters().get(p);
  }

  /** Sets a hyperparameter to constrained values. */
  public void set(Hyperparameter p, double... values) {
    g.parameters().set(p, values);
  }

  /** The unconstrained values of a hyperparameter (what Adam steps and gradients are taken in). */
  public double[] getUnconstrained(Hyperparameter p) {
    return g.parameters().unconstrained(p).clone();
  }

  /** Sets a hyperparameter's unconstrained values. */
  public void setUnconstrained(Hyperparameter p, double... u) {
    double[] live = g.parameters().unconstrained(p);
    if (u.length != live.length) {
      throw new IllegalArgumentException(p + " has " + live.length + " values, given " + u.length);
    }
    System.arraycopy(u, 0, live, 0, u.length);
  }

  /** Maximizes the log marginal likelihood by {@code steps} full-batch Adam steps. */
  public GpFit fit(int steps, double learningRate) {
    return g.maximize(steps, learningRate, List::of);
  }

  /** The predictive mean and variances at test inputs {@code [m][d]}. */
  public GpPrediction predict(double[][] testX) {
    if (testX.length > 0 && testX[0].length != dims) {
      throw new IllegalArgumentException("test inputs have " + testX[0].length + " dimensions, training " + dims);
    }
    try (TFloat64 xs = GpTensors.tensor(testX)) {
      List<double[]> out = g.run(List.of(new GpGraph.Feed(testInputs, xs)), List.of(predictiveMean, predictiveVariance));
      double noise = get(noiseVariance)[0];
      double[] observation = out.get(1).clone();
      for (int i = 0; i < observation.length; i++) {
        observation[i] += noise;
      }
      return new GpPrediction(out.get(0), out.get(1), observation);
    }
  }

  @Override
  public void close() {
    g.close();
  }
}
