package dev.helmholtz.samples.bayes;

import dev.helmholtz.dist.Gamma;
import dev.helmholtz.dist.KlDivergence;
import dev.helmholtz.dist.Poisson;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.HamiltonianMonteCarlo;
import dev.helmholtz.infer.HmcResult;
import dev.helmholtz.infer.LogDensity;
import dev.helmholtz.train.Adam;
import dev.helmholtz.train.ThreadSettings;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
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
 * A hierarchical Gamma-Poisson model: groups j = 1..J share a prior, each group's rate lambda_j ~
 * Gamma(priorShape, priorRate), and its counts y_ij ~ Poisson(lambda_j), i = 1..n_j. The prior
 * is conjugate, so the exact posterior of each rate is Gamma(priorShape + sum_i y_ij, priorRate +
 * n_j), and two approximate methods are checked against it:
 *
 * <ul>
 *   <li>{@link #hmc}: HMC over the log-rates, whose density is the Gamma prior's at exp(theta)
 *       plus the log-Jacobian theta, plus the Poisson likelihood of every count.
 *   <li>{@link #variational}: VI with a Gamma variational family per group, q(lambda_j) =
 *       Gamma(a_j, b_j), fitted by the reparameterized ELBO E_q[log p(y | lambda)] - KL(q || prior):
 *       its draws are reparameterized by implicit differentiation (Figurnov et al. 2018) and the
 *       KL is the analytic Gamma-Gamma one, whose gradient in a_j needs the trigamma function.
 *       The exact posterior is in the family, so the optimum is exact.
 * </ul>
 *
 * @param priorShape the shared prior's concentration
 * @param priorRate the shared prior's rate
 * @param counts the counts, one row per group (rows may differ in length, none empty)
 */
public record GammaPoisson(double priorShape, double priorRate, int[][] counts) {

  public GammaPoisson {
    if (!(priorShape > 0 && priorRate > 0)) {
      throw new IllegalArgumentException("the prior's shape and rate must be positive, were " + priorShape
          + " and " + priorRate);
    }
    Objects.requireNonNull(counts, "counts");
    if (counts.length == 0 || Arrays.stream(counts).anyMatch(g -> g.length == 0)) {
      throw new IllegalArgumentException("every group needs at least one count");
    }
  }

  /**
   * Simulated data: {@code groups} rates drawn from the prior, and for group j a number of counts
   * uniform in [minCounts, maxCounts], each Poisson of its group's rate.
   *
   * @param groups the number of groups
   * @param minCounts the fewest counts of a group (at least 1)
   * @param maxCounts the most counts of a group
   * @param priorShape the shared prior's concentration
   * @param priorRate the shared prior's rate
   * @param seed the seed of the rates and counts
   * @return the model with its simulated counts
   */
  public static GammaPoisson simulate(int groups, int minCounts, int maxCounts, double priorShape,
      double priorRate, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[][] counts = new int[groups][];
    for (int j = 0; j < groups; j++) {
      double rate = gamma(random, priorShape) / priorRate;
      counts[j] = new int[random.nextInt(minCounts, maxCounts + 1)];
      for (int i = 0; i < counts[j].length; i++) {
        counts[j][i] = poisson(random, rate);
      }
    }
    return new GammaPoisson(priorShape, priorRate, counts);
  }

  public int groups() {
    return counts.length;
  }

  /** The exact posterior of each group's rate: {@code [group] = {shape, rate}}. */
  public double[][] conjugatePosterior() {
    double[][] out = new double[groups()][];
    for (int j = 0; j < groups(); j++) {
      out[j] = new double[] {priorShape + Arrays.stream(counts[j]).sum(), priorRate + counts[j].length};
    }
    return out;
  }

  /** The log posterior of the log-rates theta ([n, J]), up to a constant, for HMC. */
  public LogDensity logRatePosterior() {
    return (tf, theta) -> {
      Operand<TFloat32> rates = tf.math.exp(theta);
      Gamma prior = Gamma.concentrationRate(tf.constant((float) priorShape), tf.constant((float) priorRate));
      // p(lambda) d lambda = p(exp theta) exp(theta) d theta.
      Operand<TFloat32> logPrior = tf.math.add(prior.logProb(rates), tf.reduceSum(theta, tf.constant(-1)));
      return tf.math.add(logPrior, logLikelihood(tf, theta));
    };
  }

  /** sum over every count of log Poisson(y | exp(theta of its group)), [n] for log-rates [n, J]. */
  private Operand<TFloat32> logLikelihood(Ops tf, Operand<TFloat32> logRates) {
    int total = Arrays.stream(counts).mapToInt(g -> g.length).sum();
    int[] group = new int[total];
    float[] values = new float[total];
    int k = 0;
    for (int j = 0; j < groups(); j++) {
      for (int y : counts[j]) {
        group[k] = j;
        values[k++] = y;
      }
    }
    // Axis 1, not -1: the gradient of GatherV2 fails on a negative axis.
    Operand<TFloat32> perCount = tf.gather(logRates, tf.constant(group), tf.constant(1)); // [n, total]
    Operand<TFloat32> y = tf.reshape(tf.constant(values), tf.constant(new long[] {1, total}));
    return Poisson.logRate(perCount).logProb(y);
  }

  /** HMC over the log-rates; {@link #rateDraws} turns its draws into rates. */
  public HamiltonianMonteCarlo.Builder hmc() {
    return HamiltonianMonteCarlo.builder(logRatePosterior(), groups());
  }

  /** The rates exp(theta) of every kept draw of every chain, [draw][group]. */
  public static double[][] rateDraws(HmcResult result) {
    double[][] pooled = result.pooledDraws(result.drawCount() * result.chainCount());
    for (double[] draw : pooled) {
      for (int d = 0; d < draw.length; d++) {
        draw[d] = Math.exp(draw[d]);
      }
    }
    return pooled;
  }

  /**
   * A Gamma variational posterior per group, fitted by Adam on the ELBO with {@code samples}
   * reparameterized draws per step: the learning rate held for half the steps, then decayed
   * linearly to a tenth, and the log-parameters averaged over the last quarter (Polyak-Ruppert).
   * It starts at the prior.
   *
   * @param steps Adam steps
   * @param samples reparameterized draws of the rates per step
   * @param learningRate Adam's initial learning rate
   * @param seed the seed of the draws
   * @param threads TensorFlow's thread settings
   * @return the fitted q, {@code [group] = {shape, rate}}, with its ELBO
   */
  public VariationalFit variational(int steps, int samples, double learningRate, Seed seed, ThreadSettings threads) {
    long started = System.nanoTime();
    int groups = groups();
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Variable<TFloat32> logShape = tf.withName("log_shape").variable(Shape.of(groups), TFloat32.class);
      Variable<TFloat32> logRate = tf.withName("log_rate").variable(Shape.of(groups), TFloat32.class);
      // Start at the prior: q = p(lambda) in every group.
      float[] shape0 = new float[groups];
      float[] rate0 = new float[groups];
      Arrays.fill(shape0, (float) Math.log(priorShape));
      Arrays.fill(rate0, (float) Math.log(priorRate));
      var initShape = tf.assign(logShape, tf.constant(shape0));
      var initRate = tf.assign(logRate, tf.constant(rate0));
      Operand<TFloat32> a = tf.identity(logShape);
      Operand<TFloat32> b = tf.identity(logRate);
      Gamma q = Gamma.logConcentrationLogRate(a, b);
      Gamma prior = Gamma.concentrationRate(tf.constant((float) priorShape), tf.constant((float) priorRate));
      Operand<TFloat32> kl = KlDivergence.analytic(q, prior.mapParameters(p -> tf.broadcastTo(p, tf.constant(new int[] {groups}))));
      Operand<TInt32> drawShape = tf.constant(new int[] {samples, groups});
      Gamma perDraw = Gamma.logConcentrationLogRate(tf.broadcastTo(a, drawShape), tf.broadcastTo(b, drawShape));
      Operand<TFloat32> rates = perDraw.rsample(new RandomSource(tf, seed));
      Operand<TFloat32> expectedLogLikelihood = tf.math.mean(logLikelihood(tf, tf.math.log(rates)), tf.constant(0));
      Operand<TFloat32> elbo = tf.math.sub(expectedLogLikelihood, kl);
      Placeholder<TFloat32> rate = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      Adam adam = Adam.create(tf, "gamma_vi_adam", tf.math.neg(elbo), List.of(logShape, logRate), rate);
      try (Session session = new Session(graph, threads.toConfig())) {
        Session.Runner init = session.runner().addTarget(initShape).addTarget(initRate);
        adam.initializers().forEach(init::addTarget);
        init.run().close();
        int averageFrom = steps - Math.max(1, steps / 4);
        double[] shapeSum = new double[groups];
        double[] rateSum = new double[groups];
        double elboSum = 0;
        float[] now = new float[groups];
        for (int step = 0; step < steps; step++) {
          double progress = (double) step / steps;
          double lr = progress < 0.5 ? learningRate : learningRate * (1 - 1.8 * (progress - 0.5));
          try (TFloat32 lrTensor = TFloat32.scalarOf((float) lr);
              Result result = session.runner().feed(rate, lrTensor).addTarget(adam.step()).fetch(elbo).run()) {
            double value = ((TFloat32) result.get(0)).getFloat();
            if (!Double.isFinite(value)) {
              throw new IllegalStateException("Gamma VI diverged at step " + (step + 1) + ": the ELBO is " + value);
            }
            if (step >= averageFrom) {
              elboSum += value;
            }
          }
          if (step >= averageFrom) {
            try (Result result = session.runner().fetch(logShape).fetch(logRate).run()) {
              ((TFloat32) result.get(0)).copyTo(DataBuffers.of(now, false, false));
              for (int j = 0; j < groups; j++) {
                shapeSum[j] += now[j];
              }
              ((TFloat32) result.get(1)).copyTo(DataBuffers.of(now, false, false));
              for (int j = 0; j < groups; j++) {
                rateSum[j] += now[j];
              }
            }
          }
        }
        int averaged = steps - averageFrom;
        double[][] fitted = new double[groups][];
        for (int j = 0; j < groups; j++) {
          fitted[j] = new double[] {Math.exp(shapeSum[j] / averaged), Math.exp(rateSum[j] / averaged)};
        }
        return new VariationalFit(fitted, elboSum / averaged, (System.nanoTime() - started) / 1e9);
      }
    }
  }

  /**
   * A fitted Gamma variational posterior.
   *
   * @param parameters {@code [group] = {shape, rate}}
   * @param elbo the ELBO averaged over the last quarter of the steps
   * @param seconds wall time, graph building included
   */
  public record VariationalFit(double[][] parameters, double elbo, double seconds) {}

  /** A standard gamma draw of shape {@code a} (Marsaglia and Tsang 2000; boosted below 1). */
  static double gamma(SplittableRandom random, double a) {
    if (a < 1) {
      return gamma(random, a + 1) * Math.pow(random.nextDouble(), 1 / a);
    }
    double d = a - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        x = normal(random);
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = random.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }

  private static double normal(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  /** A Poisson draw by inversion of its CDF (rates up to a few hundred). */
  static int poisson(SplittableRandom random, double rate) {
    double u = random.nextDouble();
    double p = Math.exp(-rate);
    double cdf = p;
    int k = 0;
    while (u > cdf && p > 0) {
      k++;
      p *= rate / k;
      cdf += p;
    }
    return k;
  }
}
