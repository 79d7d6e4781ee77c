package dev.helmholtz.infer;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.objective.ImportanceWeightedBound;
import dev.helmholtz.objective.LogSumExp;
import dev.helmholtz.train.ThreadSettings;
import java.util.Arrays;
import java.util.Objects;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Importance-sampled log marginal likelihood log p(x) = log E_q[p(x, z) / q(z | x)] of observed
 * data under any model, from {@link LogWeights}: per example, log ((1/k) sum_i w_i) over k draws
 * of the proposal (an encoder, or the prior), with its Monte Carlo standard error.
 *
 * <p>The k draws are taken in chunks of at most {@code maxRowsPerRun / examples} draws (several
 * examples per run when k is small), each chunk reduced in the graph to log sum w and log sum
 * w^2 (by {@link LogSumExp}), and the chunks combined in double precision with {@link
 * ImportanceWeightedBound#logAddExp}, so memory does not grow with k.
 *
 * <p>Standard error: by the delta method on the weights. With w-bar the mean weight and s^2 their
 * variance, Var(log w-bar) ~ s^2 / (k w-bar^2) = (mean(w^2) / w-bar^2 - 1) / k, computed from the
 * two log-sums. It is the error of the estimate of log p-hat(x) itself; the estimate is biased
 * low by about half that variance (Jensen). Heavy-tailed weights (a poor proposal) make both
 * the estimate and its error unreliable: then the effective sample size k w-bar^2 / mean(w^2)
 * (Kish) is small, and is reported too. For a data set, the mean of the per-example estimates
 * has standard error sqrt(sum_i se_i^2) / N (the examples' draws are independent).
 */
public final class ImportanceSampling {
  /** Rows (draws x examples) evaluated per session run by default. */
  public static final int DEFAULT_ROWS_PER_RUN = 16_384;

  private final LogWeights logWeights;
  private final int width;
  private final int maxRowsPerRun;
  private final Seed seed;
  private final ThreadSettings threads;

  private ImportanceSampling(LogWeights logWeights, int width, int maxRowsPerRun, Seed seed,
      ThreadSettings threads) {
    this.logWeights = logWeights;
    this.width = width;
    this.maxRowsPerRun = maxRowsPerRun;
    this.seed = seed;
    this.threads = threads;
  }

  /** An evaluator for examples of {@code width} values, with default seed, threads and chunking. */
  public static ImportanceSampling of(LogWeights logWeights, int width) {
    return new ImportanceSampling(Objects.requireNonNull(logWeights, "logWeights"),
        checkWidth(width), DEFAULT_ROWS_PER_RUN, Seed.of(0), ThreadSettings.defaults());
  }

  public ImportanceSampling withSeed(Seed seed) {
    return new ImportanceSampling(logWeights, width, maxRowsPerRun, Objects.requireNonNull(seed, "seed"), threads);
  }

  public ImportanceSampling withThreads(ThreadSettings threads) {
    return new ImportanceSampling(logWeights, width, maxRowsPerRun, seed, Objects.requireNonNull(threads, "threads"));
  }

  /** At most {@code rows} (draws x examples) per session run: the memory bound. */
  public ImportanceSampling withMaxRowsPerRun(int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("maxRowsPerRun must be at least 1, was " + rows);
    }
    return new ImportanceSampling(logWeights, width, rows, seed, threads);
  }

  private static int checkWidth(int width) {
    if (width < 1) {
      throw new IllegalArgumentException("width must be at least 1, was " + width);
    }
    return width;
  }

  /**
   * Per-example estimates of log p(x) with {@code k} draws each.
   *
   * @param x the examples, [N][width]
   * @throws IllegalArgumentException for k &lt; 1, no examples, or a row of the wrong width
   *     (naming the row), or log weights of the wrong shape
   */
  public LogMarginalLikelihood estimate(float[][] x, int k) {
    Objects.requireNonNull(x, "x");
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, was " + k);
    }
    if (x.length == 0) {
      throw new IllegalArgumentException("no examples");
    }
    for (int i = 0; i < x.length; i++) {
      if (x[i] == null || x[i].length != width) {
        throw new IllegalArgumentException("example " + i + " has " + (x[i] == null ? "null" : x[i].length)
            + " values, the evaluator expects " + width);
      }
    }
    long started = System.nanoTime();
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> input = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, width)));
      Placeholder<TInt32> draws = tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
      Operand<TFloat32> lw = logWeights.logWeights(tf, new RandomSource(tf, seed.derive("importance-sampling")),
          input, draws);
      Shape shape = lw.shape();
      if (shape.isUnknown() || shape.numDimensions() != 2) {
        throw new IllegalArgumentException("log weights must be [k, B], got shape " + shape);
      }
      Operand<TFloat32> logSum = LogSumExp.reduce(tf, lw, 0);
      Operand<TFloat32> logSumSquares = LogSumExp.reduce(tf, tf.math.mul(tf.constant(2f), lw), 0);
      try (Session session = new Session(graph, threads.toConfig())) {
        double[] sum = new double[x.length];
        double[] sumSquares = new double[x.length];
        Arrays.fill(sum, Double.NEGATIVE_INFINITY);
        Arrays.fill(sumSquares, Double.NEGATIVE_INFINITY);
        int chunk = Math.min(k, maxRowsPerRun);
        int examplesPerRun = Math.max(1, Math.min(x.length, maxRowsPerRun / chunk));
        for (int from = 0; from < x.length; from += examplesPerRun) {
          int to = Math.min(x.length, from + examplesPerRun);
          float[] flat = new float[(to - from) * width];
          for (int i = from; i < to; i++) {
            System.arraycopy(x[i], 0, flat, (i - from) * width, width);
          }
          float[] partial = new float[to - from];
          float[] partialSquares = new float[to - from];
          try (TFloat32 batch = TFloat32.tensorOf(Shape.of(to - from, width), DataBuffers.of(flat, true, false))) {
            for (int done = 0; done < k; done += chunk) {
              try (TInt32 now = TInt32.scalarOf(Math.min(chunk, k - done));
                  Result result = session.runner().feed(input, batch).feed(draws, now)
                      .fetch(logSum).fetch(logSumSquares).run()) {
                ((TFloat32) result.get(0)).copyTo(DataBuffers.of(partial, false, false));
                ((TFloat32) result.get(1)).copyTo(DataBuffers.of(partialSquares, false, false));
              }
              for (int i = from; i < to; i++) {
                sum[i] = ImportanceWeightedBound.logAddExp(sum[i], partial[i - from]);
                sumSquares[i] = ImportanceWeightedBound.logAddExp(sumSquares[i], partialSquares[i - from]);
              }
            }
          }
        }
        return LogMarginalLikelihood.fromLogSums(sum, sumSquares, k, (System.nanoTime() - started) / 1e9);
      }
    }
  }

  /**
   * The delta-method standard error of log((1/k) sum w) from log sum w and log sum w^2 over the
   * same k draws (see the class comment); 0 when all weights are equal, NaN when no weight is
   * positive.
   */
  public static double standardError(double logSumWeights, double logSumSquaredWeights, int k) {
    if (logSumWeights == Double.NEGATIVE_INFINITY) {
      return Double.NaN;
    }
    // mean(w^2) / mean(w)^2 = k sum w^2 / (sum w)^2
    double ratio = Math.exp(Math.log(k) + logSumSquaredWeights - 2 * logSumWeights);
    return Math.sqrt(Math.max(0, ratio - 1) / k);
  }

  /** Kish's effective sample size (sum w)^2 / sum w^2 of k weights, from their log-sums. */
  public static double effectiveSampleSize(double logSumWeights, double logSumSquaredWeights) {
    return Math.exp(2 * logSumWeights - logSumSquaredWeights);
  }
}
