package dev.helmholtz.train;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.distributed.Cluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A training configuration: immutable, each setter returns a copy.
 *
 * <pre>{@code
 * Training t = Training.epochs(10).batchSize(128).adam(1e-3).seed(42)
 *     .validation(valid).earlyStopping(EarlyStopping.patience(5))
 *     .learningRateSchedule(LearningRateSchedule.stepDecay(30, 0.5)).clipGradientNorm(10)
 *     .checkpoints(Path.of("ckpt")).checkpointEvery(1000).keepCheckpoints(3)
 *     .tensorBoard(Path.of("tb")).curvesPlot(Path.of("curves.png"))
 *     .schedule("kl_weight", ScalarSchedule.linear(0, 1, 10_000)); // KL warm-up
 * }</pre>
 *
 * <p>Defaults: batch size {@value #DEFAULT_BATCH_SIZE}, Adam learning rate {@value
 * #DEFAULT_LEARNING_RATE} held constant, no gradient clipping, seed {@value #DEFAULT_SEED},
 * progress every 2 seconds to {@link ProgressListener#console(java.io.PrintStream) the console} on
 * {@code System.out}, no step cap, no validation, no checkpoints, no TensorBoard, no plot, every
 * hyperparameter at its default. Every
 * value is checked when it is set: a bad one throws {@link IllegalArgumentException} naming the
 * value and its allowed range. Paths are checked when {@code fit} starts, before the first step.
 */
public final class Training {

  public static final int DEFAULT_BATCH_SIZE = 128;
  public static final double DEFAULT_LEARNING_RATE = 1e-3;
  public static final long DEFAULT_SEED = 0L;
  public static final Duration DEFAULT_LOG_EVERY = Duration.ofSeconds(2);
  public static final int DEFAULT_KEEP_CHECKPOINTS = 3;
  public static final int DEFAULT_TENSORBOARD_EVERY = 100;

  private int epochs;
  private int batchSize = DEFAULT_BATCH_SIZE;
  private double learningRate = DEFAULT_LEARNING_RATE;
  private long seed = DEFAULT_SEED;
  private Duration logEvery = DEFAULT_LOG_EVERY;
  private ProgressListener progress = ConsoleProgressListener.STDOUT;
  private long maxSteps;
  private DataPath dataPath = DataPath.AUTO;
  private LearningRateSchedule schedule = LearningRateSchedule.constant();
  private double clipGradientNorm;
  private Dataset validation;
  private EarlyStopping earlyStopping;
  private Path checkpointDirectory;
  private long checkpointEvery;
  private int keepCheckpoints = DEFAULT_KEEP_CHECKPOINTS;
  private Path resumeFrom;
  private Path tensorBoardDirectory;
  private int tensorBoardEvery = DEFAULT_TENSORBOARD_EVERY;
  private Path curvesPlot;
  private StopRequest stopRequest;
  private Map<String, ScalarSchedule> hyperparameters = Map.of();
  private Cluster cluster;

  private Training(int epochs) {
    this.epochs = epochs;
  }

  private Training copy() {
    Training t = new Training(epochs);
    t.batchSize = batchSize;
    t.learningRate = learningRate;
    t.seed = seed;
    t.logEvery = logEvery;
    t.progress = progress;
    t.maxSteps = maxSteps;
    t.dataPath = dataPath;
    t.schedule = schedule;
    t.clipGradientNorm = clipGradientNorm;
    t.validation = validation;
    t.earlyStopping = earlyStopping;
    t.checkpointDirectory = checkpointDirectory;
    t.checkpointEvery = checkpointEvery;
    t.keepCheckpoints = keepCheckpoints;
    t.resumeFrom = resumeFrom;
    t.tensorBoardDirectory = tensorBoardDirectory;
    t.tensorBoardEvery = tensorBoardEvery;
    t.curvesPlot = curvesPlot;
    t.stopRequest = stopRequest;
    t.hyperparameters = hyperparameters;
    t.cluster = cluster;
    return t;
  }

  /** A configuration of {@code epochs} passes over the data, &ge; 1, with the defaults. */
  public static Training epochs(int epochs) {
    return new Training(checkEpochs(epochs));
  }

  /** The same configuration with {@code epochs} passes, &ge; 1 (to extend a resumed run, say). */
  public Training withEpochs(int epochs) {
    Training t = copy();
    t.epochs = checkEpochs(epochs);
    return t;
  }

  /** Examples per step, &ge; 1. */
  public Training batchSize(int n) {
    if (n < 1) {
      throw new IllegalArgumentException(
          "batchSize must be in [1, " + Integer.MAX_VALUE + "], was " + n);
    }
    Training t = copy();
    t.batchSize = n;
    return t;
  }

  /** Train with {@link Adam} at this (base) learning rate: finite, in (0, 1]. */
  public Training adam(double learningRate) {
    if (!(learningRate > 0 && learningRate <= 1)) {
      throw new IllegalArgumentException(
          "learningRate must be in (0, 1] (typically 1e-4 to 1e-2), was " + learningRate);
    }
    Training t = copy();
    t.learningRate = learningRate;
    return t;
  }

  /** How the learning rate changes from the {@link #adam(double) base rate}; constant by default. */
  public Training learningRateSchedule(LearningRateSchedule schedule) {
    Objects.requireNonNull(schedule, "learningRateSchedule must not be null (use LearningRateSchedule.constant())");
    Training t = copy();
    t.schedule = schedule;
    return t;
  }

  /**
   * Clip the gradients to this global Euclidean norm before each update ({@link
   * Adam#clippedStep()}): finite and &gt; 0, or 0 for no clipping (the default).
   */
  public Training clipGradientNorm(double maxNorm) {
    if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
      throw new IllegalArgumentException(
          "clipGradientNorm must be finite and > 0 (0 = no clipping), was " + maxNorm);
    }
    Training t = copy();
    t.clipGradientNorm = maxNorm;
    return t;
  }

  /** Seed for initialization, shuffling and sampling; any value. */
  public Training seed(long seed) {
    Training t = copy();
    t.seed = seed;
    return t;
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
    Training t = copy();
    t.logEvery = d;
    return t;
  }

  /** Where progress goes; {@link ProgressListener#silent()} for none. */
  public Training progress(ProgressListener listener) {
    Objects.requireNonNull(
        listener, "progress listener must not be null (use ProgressListener.silent())");
    Training t = copy();
    t.progress = listener;
    return t;
  }

  /** Stop after this many steps of this {@code fit} call, even mid-epoch: &ge; 0, where 0 means no cap. */
  public Training maxSteps(long steps) {
    if (steps < 0) {
      throw new IllegalArgumentException(
          "maxSteps must be >= 0 (0 = no cap), was " + steps);
    }
    Training t = copy();
    t.maxSteps = steps;
    return t;
  }

  /** How data reaches the graph; {@link DataPath#AUTO} (the default) chooses by size. */
  public Training dataPath(DataPath path) {
    Objects.requireNonNull(path, "dataPath must not be null (DataPath.AUTO chooses by size)");
    Training t = copy();
    t.dataPath = path;
    return t;
  }

  /**
   * Data to compute the model's objective on after every epoch (the same columns as the training
   * data); reported to the progress listener, TensorBoard, the history and the plot.
   */
  public Training validation(Dataset data) {
    Objects.requireNonNull(data, "validation data must not be null");
    Training t = copy();
    t.validation = data;
    return t;
  }

  /** Stop when the validation objective stops improving; needs {@link #validation(Dataset)}. */
  public Training earlyStopping(EarlyStopping rule) {
    Objects.requireNonNull(rule, "earlyStopping rule must not be null");
    Training t = copy();
    t.earlyStopping = rule;
    return t;
  }

  /**
   * Write checkpoints into this directory (created if absent): one at the end of training (also
   * when it stops early or is interrupted) and one every {@link #checkpointEvery(long)} steps.
   */
  public Training checkpoints(Path directory) {
    Objects.requireNonNull(directory, "checkpoint directory must not be null");
    Training t = copy();
    t.checkpointDirectory = directory;
    return t;
  }

  /** Steps between periodic checkpoints, &ge; 0 (0, the default: only the final checkpoint). */
  public Training checkpointEvery(long steps) {
    if (steps < 0) {
      throw new IllegalArgumentException(
          "checkpointEvery must be >= 0 steps (0 = only the final checkpoint), was " + steps);
    }
    Training t = copy();
    t.checkpointEvery = steps;
    return t;
  }

  /** How many of the newest checkpoints to keep, &ge; 1 (default {@value #DEFAULT_KEEP_CHECKPOINTS}). */
  public Training keepCheckpoints(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("keepCheckpoints must be >= 1, was " + n);
    }
    Training t = copy();
    t.keepCheckpoints = n;
    return t;
  }

  /**
   * Resume from a checkpoint written by {@code fit}: a checkpoint directory, or a checkpoint root
   * whose latest checkpoint is taken. With the same data, seed and thread settings, the resumed
   * run continues exactly as the uninterrupted run would have (the configured epochs may be
   * more). The batch size and data size must match the checkpoint's.
   */
  public Training resumeFrom(Path checkpoint) {
    Objects.requireNonNull(checkpoint, "resumeFrom checkpoint must not be null");
    Training t = copy();
    t.resumeFrom = checkpoint;
    return t;
  }

  /**
   * Write TensorBoard event files into this directory (created if absent): every {@link
   * #tensorBoardEvery(int)} steps the objective, each of its terms, the learning rate, the
   * gradient norm and examples/s; every epoch the epoch's objectives and, for square observed
   * images, a grid of samples.
   */
  public Training tensorBoard(Path directory) {
    Objects.requireNonNull(directory, "TensorBoard directory must not be null");
    Training t = copy();
    t.tensorBoardDirectory = directory;
    return t;
  }

  /** Steps between two TensorBoard scalar writes, &ge; 1 (default {@value #DEFAULT_TENSORBOARD_EVERY}). */
  public Training tensorBoardEvery(int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("tensorBoardEvery must be >= 1 step, was " + steps);
    }
    Training t = copy();
    t.tensorBoardEvery = steps;
    return t;
  }

  /** Write a PNG plot of the training curves (objectives and learning rate per epoch) here at the end. */
  public Training curvesPlot(Path pngFile) {
    Objects.requireNonNull(pngFile, "curves plot file must not be null");
    Training t = copy();
    t.curvesPlot = pngFile;
    return t;
  }

  /** Checked after every step: when requested, training stops cleanly (see {@link StopRequest}). */
  /**
   * Feeds the model's hyperparameter {@code name} (declared by its networks with {@code
   * Nn.hyperparameter(name, default)}, a Gumbel-softmax temperature, say) the schedule's value at
   * every training step; without a schedule a hyperparameter keeps its default. Evaluation,
   * sampling and export always use the default. {@code fit} refuses a name the model does not
   * declare, and a value that is not finite, before the step that would take it.
   */
  public Training schedule(String name, ScalarSchedule schedule) {
    Objects.requireNonNull(name, "hyperparameter name");
    Objects.requireNonNull(schedule, "schedule of " + name);
    if (name.isBlank()) {
      throw new IllegalArgumentException("a hyperparameter name must not be blank");
    }
    Training t = copy();
    Map<String, ScalarSchedule> m = new LinkedHashMap<>(hyperparameters);
    m.put(name, schedule);
    t.hyperparameters = Collections.unmodifiableMap(m);
    return t;
  }

  /** The hyperparameter schedules, by name, in the order they were set. */
  public Map<String, ScalarSchedule> schedules() {
    return hyperparameters;
  }

  /**
   * Train data-parallel as one worker of {@code cluster}: every worker runs {@code fit} with the
   * same data, configuration and cluster addresses (its own index), computes the gradient of its
   * shard of every global batch of {@link #batchSize}, and applies the gradients averaged over the
   * workers by TensorFlow's collective all-reduce, so all workers hold the same parameters. Only
   * the chief (worker 0) writes checkpoints, TensorBoard events and the curves plot; every worker
   * resumes from the chief's checkpoint. See {@code docs/distributed.md}.
   */
  public Training cluster(Cluster cluster) {
    Objects.requireNonNull(cluster, "cluster must not be null");
    Training t = copy();
    t.cluster = cluster;
    return t;
  }

  /** The cluster this process trains in as one worker, or {@code null} for a run on its own. */
  public Cluster cluster() {
    return cluster;
  }

  /**
   * The same configuration writing nothing: no checkpoints, TensorBoard or curves plot (what a
   * cluster's workers other than the chief run with). Resuming is kept.
   */
  public Training withoutOutputs() {
    Training t = copy();
    t.checkpointDirectory = null;
    t.tensorBoardDirectory = null;
    t.curvesPlot = null;
    return t;
  }

  public Training stopRequest(StopRequest request) {
    Objects.requireNonNull(request, "stopRequest must not be null");
    Training t = copy();
    t.stopRequest = request;
    return t;
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

  /** The base learning rate. */
  public double learningRate() {
    return learningRate;
  }

  public LearningRateSchedule learningRateSchedule() {
    return schedule;
  }

  /** The global gradient norm bound; 0 for none. */
  public double clipGradientNorm() {
    return clipGradientNorm;
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

  /** The validation data, or {@code null}. */
  public Dataset validation() {
    return validation;
  }

  /** The early-stopping rule, or {@code null}. */
  public EarlyStopping earlyStopping() {
    return earlyStopping;
  }

  /** The checkpoint directory, or {@code null} for no checkpoints. */
  public Path checkpointDirectory() {
    return checkpointDirectory;
  }

  public long checkpointEvery() {
    return checkpointEvery;
  }

  public int keepCheckpoints() {
    return keepCheckpoints;
  }

  /** The checkpoint (or checkpoint root) to resume from, or {@code null}. */
  public Path resumeFrom() {
    return resumeFrom;
  }

  /** The TensorBoard log directory, or {@code null}. */
  public Path tensorBoardDirectory() {
    return tensorBoardDirectory;
  }

  public int tensorBoardEvery() {
    return tensorBoardEvery;
  }

  /** The training-curves PNG file, or {@code null}. */
  public Path curvesPlot() {
    return curvesPlot;
  }

  /** The stop request checked after every step, or {@code null}. */
  public StopRequest stopRequest() {
    return stopRequest;
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
        && t.dataPath == dataPath
        && t.schedule.equals(schedule)
        && Double.compare(t.clipGradientNorm, clipGradientNorm) == 0
        && t.validation == validation
        && Objects.equals(t.earlyStopping, earlyStopping)
        && Objects.equals(t.checkpointDirectory, checkpointDirectory)
        && t.checkpointEvery == checkpointEvery
        && t.keepCheckpoints == keepCheckpoints
        && Objects.equals(t.resumeFrom, resumeFrom)
        && Objects.equals(t.tensorBoardDirectory, tensorBoardDirectory)
        && t.tensorBoardEvery == tensorBoardEvery
        && Objects.equals(t.curvesPlot, curvesPlot)
        && t.stopRequest == stopRequest
        && t.hyperparameters.equals(hyperparameters)
        && Objects.equals(t.cluster, cluster);
  }

  @Override
  public int hashCode() {
    return Objects.hash(epochs, batchSize, learningRate, seed, logEvery, progress, maxSteps,
        dataPath, schedule, clipGradientNorm, System.identityHashCode(validation), earlyStopping,
        checkpointDirectory, checkpointEvery, keepCheckpoints, resumeFrom, tensorBoardDirectory,
        tensorBoardEvery, curvesPlot, System.identityHashCode(stopRequest), hyperparameters, cluster);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Training[epochs=").append(epochs)
        .append(", batchSize=").append(batchSize)
        .append(", adam=").append(learningRate)
        .append(", seed=").append(seed)
        .append(", logEvery=").append(logEvery)
        .append(", progress=").append(progress)
        .append(", maxSteps=").append(maxSteps == 0 ? "none" : Long.toString(maxSteps))
        .append(", dataPath=").append(dataPath);
    if (!(schedule instanceof LearningRateSchedule.Constant)) {
      b.append(", schedule=").append(schedule);
    }
    if (clipGradientNorm > 0) {
      b.append(", clipGradientNorm=").append(clipGradientNorm);
    }
    if (validation != null) {
      b.append(", validation=").append(validation.size()).append(" rows");
    }
    if (earlyStopping != null) {
      b.append(", earlyStopping=").append(earlyStopping);
    }
    if (checkpointDirectory != null) {
      b.append(", checkpoints=").append(checkpointDirectory).append(" every ")
          .append(checkpointEvery == 0 ? "end only" : checkpointEvery + " steps")
          .append(" keep ").append(keepCheckpoints);
    }
    if (resumeFrom != null) {
      b.append(", resumeFrom=").append(resumeFrom);
    }
    if (tensorBoardDirectory != null) {
      b.append(", tensorBoard=").append(tensorBoardDirectory).append(" every ").append(tensorBoardEvery);
    }
    if (curvesPlot != null) {
      b.append(", curvesPlot=").append(curvesPlot);
    }
    if (!hyperparameters.isEmpty()) {
      b.append(", schedules=").append(hyperparameters);
    }
    if (cluster != null) {
      b.append(", cluster=").append(cluster);
    }
    return b.append("]").toString();
  }
}
