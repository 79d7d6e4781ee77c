package dev.helmholtz.samples.bayes;

import dev.helmholtz.dist.Normal;
import dev.helmholtz.infer.LogDensity;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A Bayesian neural network for 1-d regression: f(x) = sum_h v_h tanh(w_h x + c_h) + d, y ~
 * N(f(x), sigma^2), with N(0, 1) priors on every weight and bias and N(log 0.1, 1) on log sigma.
 * The parameter vector is (w [H], c [H], v [H], d, log sigma): 3H + 2 values.
 */
public final class BayesianNeuralNetwork {
  static final double LOG_SIGMA_PRIOR_MEAN = Math.log(0.1);

  private final int hidden;
  private final float[] x;
  private final float[] y;

  /** @throws IllegalArgumentException for no data, mismatched lengths or hidden &lt; 1 */
  public BayesianNeuralNetwork(int hidden, float[] x, float[] y) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    if (hidden < 1) {
      throw new IllegalArgumentException("hidden units must be at least 1, was " + hidden);
    }
    if (x.length == 0 || x.length != y.length) {
      throw new IllegalArgumentException("need as many targets as inputs (at least one), got " + x.length
          + " inputs and " + y.length + " targets");
    }
    this.hidden = hidden;
    this.x = x.clone();
    this.y = y.clone();
  }

  public int dims() {
    return 3 * hidden + 2;
  }

  public LogDensity logPosterior() {
    return (Ops tf, Operand<TFloat32> theta) -> {
      Operand<TFloat32> w = part(tf, theta, 0, hidden); // [n, H]
      Operand<TFloat32> c = part(tf, theta, hidden, hidden);
      Operand<TFloat32> v = part(tf, theta, 2 * hidden, hidden);
      Operand<TFloat32> d = part(tf, theta, 3 * hidden, 1); // [n, 1]
      Operand<TFloat32> logSigma = part(tf, theta, 3 * hidden + 1, 1);
      Operand<TFloat32> inputs = tf.reshape(tf.constant(x), tf.constant(new long[] {1, x.length, 1}));
      Operand<TFloat32> h = tf.math.tanh(tf.math.add(
          tf.math.mul(inputs, tf.expandDims(w, tf.constant(1))), tf.expandDims(c, tf.constant(1)))); // [n, N, H]
      Operand<TFloat32> f = tf.math.add(tf.reduceSum(tf.math.mul(h, tf.expandDims(v, tf.constant(1))),
          tf.constant(-1)), d); // [n, N]
      Operand<TFloat32> logLikelihood = Normal.meanLogStd(f, logSigma).logProb(tf.constant(y)); // sums over N
      Operand<TFloat32> weights = part(tf, theta, 0, 3 * hidden + 1);
      Operand<TFloat32> logPrior = tf.math.add(
          tf.math.mul(tf.constant(-0.5f), tf.reduceSum(tf.math.square(weights), tf.constant(-1))),
          tf.math.mul(tf.constant(-0.5f), tf.reduceSum(tf.math.square(
              tf.math.sub(logSigma, tf.constant((float) LOG_SIGMA_PRIOR_MEAN))), tf.constant(-1))));
      return tf.math.add(logLikelihood, logPrior);
    };
  }

  private static Operand<TFloat32> part(Ops tf, Operand<TFloat32> theta, int from, int size) {
    return tf.slice(theta, tf.constant(new int[] {0, from}), tf.constant(new int[] {-1, size}));
  }

  /** f(x) for one parameter draw. */
  public double mean(double[] theta, double input) {
    double f = theta[3 * hidden];
    for (int j = 0; j < hidden; j++) {
      f += theta[2 * hidden + j] * Math.tanh(theta[j] * input + theta[hidden + j]);
    }
    return f;
  }

  /** sigma for one parameter draw. */
  public double noiseStd(double[] theta) {
    return Math.exp(theta[3 * hidden + 1]);
  }

  /**
   * Posterior predictive quantiles of y at each input: for each draw, one y = f(x) + sigma e,
   * then the empirical {@code lower}, 0.5 and {@code upper} quantiles over draws; [3][inputs].
   */
  public double[][] predictiveQuantiles(double[][] draws, double[] inputs, double lower, double upper, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][] out = new double[3][inputs.length];
    double[] ys = new double[draws.length];
    for (int i = 0; i < inputs.length; i++) {
      for (int s = 0; s < draws.length; s++) {
        double e = Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
        ys[s] = mean(draws[s], inputs[i]) + noiseStd(draws[s]) * e;
      }
      Arrays.sort(ys);
      out[0][i] = PosteriorDraws.quantile(ys, lower);
      out[1][i] = PosteriorDraws.quantile(ys, 0.5);
      out[2][i] = PosteriorDraws.quantile(ys, upper);
    }
    return out;
  }

  /** The synthetic regression: y = sin(2x) + x / 2 + N(0, noise^2), x uniform in [-3, -0.5] and [0.5, 3]. */
  public static float[][] syntheticData(int n, double noise, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] xs = new float[n];
    float[] ys = new float[n];
    for (int i = 0; i < n; i++) {
      double u = random.nextDouble() * 5 - 2.5;
      double input = u < 0 ? u - 0.5 : u + 0.5; // a gap around 0: the band should widen there
      double e = Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
      xs[i] = (float) input;
      ys[i] = (float) (trueFunction(input) + noise * e);
    }
    return new float[][] {xs, ys};
  }

  public static double trueFunction(double input) {
    return Math.sin(2 * input) + input / 2;
  }
}
