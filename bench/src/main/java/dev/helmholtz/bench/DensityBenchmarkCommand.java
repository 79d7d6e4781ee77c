package dev.helmholtz.bench;

import dev.helmholtz.data.Mnist;
import dev.helmholtz.infer.LogDensity;
import dev.helmholtz.samples.bayes.BayesianLogisticRegression;
import dev.helmholtz.samples.bayes.LogisticRegression;
import dev.helmholtz.samples.bayes.LogisticRegressionModel;
import dev.helmholtz.samples.bayes.Pca;
import dev.helmholtz.samples.bench.RowAlignedLogisticRegression;
import dev.helmholtz.samples.bench.RowAlignedLogisticRegressionModel;
import dev.helmholtz.train.ThreadSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-density}: one value and gradient of {@code bayes-logreg}'s log posterior, the
 * generated density of {@code LogisticRegressionModel} against the hand-written {@code
 * BayesianLogisticRegression}, and the same model's likelihood written row-aligned (one row per
 * draw and example, {@code RowAlignedLogisticRegression}), on the same data and theta, in one run.
 */
@Command(
    name = "bench-density",
    mixinStandardHelpOptions = true,
    description = "Times one value and gradient of bayes-logreg's log posterior (MNIST 4 vs 9 on 10 principal"
        + " components, every training 4 and 9) at --rows rows of theta: the generated density of"
        + " LogisticRegressionModel (its likelihood sees the draw axis), the same model written row-aligned, and the"
        + " hand-written BayesianLogisticRegression, each in a graph and"
        + " session of its own, in alternating rounds after warm-up; prints each one's median and their ratio.")
public final class DensityBenchmarkCommand implements Callable<Integer> {
  @Option(names = "--rows", defaultValue = "16", description = "Rows of theta, as HMC chains (default: ${DEFAULT-VALUE}).")
  int rows;

  @Option(names = "--rounds", defaultValue = "10", description = "Timed rounds per density (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--runs", defaultValue = "20", description = "Session runs per round (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--threads", split = ",", description = "TensorFlow intra-op,inter-op threads (default: measured defaults).")
  int[] threads;

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    Mnist mnist = Mnist.loadDefault();
    List<float[]> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int i = 0; i < mnist.train().size(); i++) {
      int digit = mnist.train().labels()[i];
      if (digit == 4 || digit == 9) {
        images.add(mnist.train().images()[i]);
        labels.add(digit == 9 ? 1 : 0);
      }
    }
    float[][] pixels = images.toArray(float[][]::new);
    Pca pca = Pca.fit(pixels, LogisticRegression.FEATURES, 1);
    float[][] features = new float[pixels.length][];
    float[][] labelColumn = new float[pixels.length][1];
    int[] labelArray = new int[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      features[i] = pca.project(pixels[i]);
      labelArray[i] = labels.get(i);
      labelColumn[i][0] = labelArray[i];
    }
    ThreadSettings threadSettings = ThreadSettings.fromCounts(threads);
    LogDensity generated = LogisticRegressionModel.create(new LogisticRegression(), threadSettings)
        .logPosterior(LogisticRegressionModel.dataset(features, labelColumn));
    LogDensity rowAligned = RowAlignedLogisticRegressionModel.create(new RowAlignedLogisticRegression(), threadSettings)
        .logPosterior(RowAlignedLogisticRegressionModel.dataset(features, labelColumn));
    LogDensity handWritten = new BayesianLogisticRegression(features, labelArray, 1).logPosterior();
    int dims = LogisticRegression.FEATURES + 1;
    float[] theta = new float[rows * dims];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < theta.length; i++) {
      theta[i] = (float) (0.1 * (random.nextDouble() - 0.5));
    }
    out.printf(Locale.ROOT, "bench-density: %d examples x %d features, %d rows of theta, %d rounds of %d runs, %d CPUs%n",
        pixels.length, LogisticRegression.FEATURES, rows, rounds, runs, Runtime.getRuntime().availableProcessors());
    try (Timed g = new Timed(generated, theta, rows, dims, threadSettings);
        Timed a = new Timed(rowAligned, theta, rows, dims, threadSettings);
        Timed h = new Timed(handWritten, theta, rows, dims, threadSettings)) {
      double gap = Math.abs(g.value - h.value);
      out.printf(Locale.ROOT, "log posterior summed over the rows: generated %.3f, row-aligned %.3f, hand-written %.3f"
          + " (the hand-written drops the Normal constants)%n", g.value, a.value, h.value);
      for (int i = 0; i < 3; i++) { // warm-up
        g.time(runs);
        a.time(runs);
        h.time(runs);
      }
      double[] gMs = new double[rounds];
      double[] aMs = new double[rounds];
      double[] hMs = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        gMs[r] = g.time(runs);
        aMs[r] = a.time(runs);
        hMs[r] = h.time(runs);
      }
      double gMedian = median(gMs);
      double aMedian = median(aMs);
      double hMedian = median(hMs);
      out.printf(Locale.ROOT, "value + gradient, median of %d rounds (range):%n", rounds);
      out.printf(Locale.ROOT, "  generated, draw axis   %8.3f ms (%.3f-%.3f)  %.2f x hand-written%n", gMedian, min(gMs),
          max(gMs), gMedian / hMedian);
      out.printf(Locale.ROOT, "  generated, row-aligned %8.3f ms (%.3f-%.3f)  %.2f x hand-written%n", aMedian, min(aMs),
          max(aMs), aMedian / hMedian);
      out.printf(Locale.ROOT, "  hand-written           %8.3f ms (%.3f-%.3f)%n", hMedian, min(hMs), max(hMs));
      if (!(gap >= 0)) {
        throw new IllegalStateException("a density is not finite: " + g.value + ", " + h.value);
      }
    }
    return 0;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double min(double[] values) {
    return Arrays.stream(values).min().orElseThrow();
  }

  private static double max(double[] values) {
    return Arrays.stream(values).max().orElseThrow();
  }

  /** One density's value and gradient in a graph and session of its own, fed a fixed theta. */
  private static final class Timed implements AutoCloseable {
    private final Graph graph = new Graph();
    private final Session session;
    private final Placeholder<TFloat32> input;
    private final Operand<TFloat32> sum;
    private final Operand<TFloat32> gradient;
    private final TFloat32 theta;
    final double value;

    Timed(LogDensity density, float[] values, int rows, int dims, ThreadSettings threads) {
      Ops tf = Ops.create(graph);
      input = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(rows, dims)));
      sum = tf.reduceSum(density.logProb(tf, input), tf.constant(0));
      gradient = tf.gradients(sum, List.of(input)).dy(0);
      session = new Session(graph, threads.toConfig());
      theta = TFloat32.tensorOf(Shape.of(rows, dims), DataBuffers.of(values));
      try (var result = session.runner().feed(input, theta).fetch(sum).run()) {
        value = ((TFloat32) result.get(0)).getFloat();
      }
    }

    /** Milliseconds per run, over {@code runs} runs. */
    double time(int runs) {
      long start = System.nanoTime();
      for (int i = 0; i < runs; i++) {
        session.runner().feed(input, theta).fetch(sum).fetch(gradient).run().close();
      }
      return (System.nanoTime() - start) / 1e6 / runs;
    }

    @Override
    public void close() {
      theta.close();
      session.close();
      graph.close();
    }
  }
}
