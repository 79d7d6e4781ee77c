package dev.helmholtz.train;

import java.time.Duration;
import java.util.Objects;

/**
 * A training configuration: immutable, each setter returns a copy.
 *
 * <pre>{@code
 * Training t = Training.epochs(10).batchSize(128).adam(1e-3).seed(42);
 * }</pre>
 *
 * <p>Defaults: batch size {@value #DEFAULT_BATCH_SIZE}, Adam learning rate {@value
 * #DEFAULT_LEARNING_RATE}, seed {@value #DEFAULT_SEED}, progress every 2 seconds to {@link
 * ProgressListener#console(java.io.PrintStream) the console} on {@code System.out}, no step cap.
 * Every value is checked when it is set: a bad one throws {@link IllegalArgumentException} naming
 * the value and its allowed range.
 */
public final class Training {

  public static final int DEFAULT_BATCH_SIZE = 128;
  public static final double DEFAULT_LEARNING_RATE = 1e-3;
  public static final long DEFAULT_SEED = 0L;
  public static final Duration DEFAULT_LOG_EVERY = Duration.ofSeconds(2);

  private final int epochs;
  private final int batchSize;
  private final double learningRate;
  private final long seed;
  private final Duration logEvery;
  private final ProgressListener progress;
  private final long maxSteps;
  private final DataPath dataPath;

  private Training(
      int epochs,
      int batchSize,
      double learningRate,
      long seed,
      Duration logEvery,
      ProgressListener progress,
      long maxSteps,
      DataPath dataPath) {
    this.epochs = epochs;
    this.batchSize = batchSize;
    this.learningRate = learningRate;
    this.seed = seed;
    this.logEvery = logEvery;
    this.progress = progress;
    this.maxSteps = maxSteps;
    this.dataPath = dataPath;
  }

  /** A configuration of {@code epochs} passes over the data, &ge; 1, with the defaults. */
  public static Training epochs(int epochs) {
    return new Training(
        checkEpochs(epochs),
        DEFAULT_BATCH_SIZE,
        DEFAULT_LEARNING_RATE,
        DEFAULT_SEED,
        DEFAULT_LOG_EVERY,
        ConsoleProgressListener.STDOUT,
        0L,
        DataPath.AUTO);
  }

  /** Examples per step, &ge; 1. */
  public Training batchSize(int n) {
    if (n < 1) {
      throw new IllegalArgumentException(
          "batchSize must be in [1, " + Integer.MAX_VALUE + "], was " + n);
    }
    return new Training(epochs, n, learningRate, seed, logEvery, progress, maxSteps, dataPath);
  }

  /** Train with {@link Adam} at this learning rate: finite, in (0, 1]. */
  public Training adam(double learningRate) {
    if (!(learningRate > 0 && learningRate <= 1)) {
      throw new IllegalArgumentException(
          "learningRate must be in (0, 1] (typically 1e-4 to 1e-2), was " + learningRate);
    }
    return new Training(epochs, batchSize, learningRate, seed, logEvery, progress, maxSteps, dataPath);
  }

  /** Seed for initialization, shuffling and sampling; any value. */
  public Training seed(long seed) {
    return new Training(epochs, batchSize, learningRate, seed, logEvery, progress, maxSteps, dataPath);
  }

  /**
   * Least time between two {@link ProgressListener#progress} calls: &ge; 0 ({@link Duration#ZERO}
   * reports after every batch).
   */
  public Training logEvery(Duration d) {
    Objects.requireNonNull(d, "logEvery must not be null (Duration.ZERO reports every batch)");
    if (d.isNegative()) {
      throw new IllegalArgumentException(
          "logEvery must be >= 0 (Duration.ZERO reports every batch), was " + d);
    }
    return new Training(epochs, batchSize, learningRate, seed, d, progress, maxSteps, dataPath);
  }

  /** Where progress goes; {@link ProgressListener#silent()} for none. */
  public Training progress(ProgressListener listener) {
    Objects.requireNonNull(
        listener, "progress listener must not be null (use ProgressListener.silent())");
    return new Training(epochs, batchSize, learningRate, seed, logEvery, listener, maxSteps, dataPath);
  }

  /** Stop after this many steps in all, even mid-epoch: &ge; 0, where 0 means no cap. */
  public Training maxSteps(long steps) {
    if (steps < 0) {
      throw new IllegalArgumentException(
          "maxSteps must be >= 0 (0 = no cap), was " + steps);
    }
    return new Training(epochs, batchSize, learningRate, seed, logEvery, progress, steps, dataPath);
  }

  /** How data reaches the graph; {@link DataPath#AUTO} (the default) chooses by size. */
  public Training dataPath(DataPath path) {
    Objects.requireNonNull(path, "dataPath must not be null (DataPath.AUTO chooses by size)");
    return new Training(epochs, batchSize, learningRate, seed, logEvery, progress, maxSteps, path);
  }

  public DataPath dataPath() {
    return dataPath;
  }

  public int epochs() {
    return epochs;
  }

  public int batchSize() {
    return batchSize;
  }

  public double learningRate() {
    return learningRate;
  }

  public long seed() {
    return seed;
  }

  public long maxSteps() {
    return maxSteps;
  }

  public Duration logEvery() {
    return logEvery;
  }

  public ProgressListener progress() {
    return progress;
  }

  private static int checkEpochs(int epochs) {
    if (epochs < 1) {
      throw new IllegalArgumentException(
          "epochs must be in [1, " + Integer.MAX_VALUE + "], was " + epochs);
    }
    return epochs;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Training t
        && t.epochs == epochs
        && t.batchSize == batchSize
        && Double.compare(t.learningRate, learningRate) == 0
        && t.seed == seed
        && t.logEvery.equals(logEvery)
        && t.progress.equals(progress)
        && t.maxSteps == maxSteps
        && t.dataPath == dataPath;
  }

  @Override
  public int hashCode() {
    return Objects.hash(epochs, batchSize, learningRate, seed, logEvery, progress, maxSteps, dataPath);
  }

  @Override
  public String toString() {
    return "Training[epochs="
        + epochs
        + ", batchSize="
        + batchSize
        + ", adam="
        + learningRate
        + ", seed="
        + seed
        + ", logEvery="
        + logEvery
        + ", progress="
        + progress
        + ", maxSteps="
        + (maxSteps == 0 ? "none" : Long.toString(maxSteps))
        + ", dataPath="
        + dataPath
        + "]";
  }
}
