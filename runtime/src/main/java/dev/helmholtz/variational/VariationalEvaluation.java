package dev.helmholtz.variational;

import dev.helmholtz.core.BatchRuns;
import dev.helmholtz.core.ParallelRuns;
import dev.helmholtz.data.Batch;
import dev.helmholtz.data.Batches;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.RunCounters;
import dev.helmholtz.infer.ImportanceSampling;
import dev.helmholtz.infer.LogMarginalLikelihood;
import dev.helmholtz.nn.VariableStore;
import dev.helmholtz.objective.ImportanceWeightedBound;
import dev.helmholtz.objective.LogSumExp;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.TaskProgress;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A variational model's evaluation: the mean ELBO and importance-sampled estimates of log p(x)
 * over a data set, from a pass that draws every latent without a gradient (discrete and relaxed
 * latents are scored as the discrete variables they are). Log-likelihoods run their k samples in
 * chunks, so memory does not grow with k.
 */
final class VariationalEvaluation {
  /** Rows ([samples x examples]) evaluated per session run when estimating log-likelihoods. */
  private static final int EVALUATION_ROWS = 16_384;

  private final VariationalModel model;
  /** Rows a log-likelihood run takes: {@link #EVALUATION_ROWS}, smaller in tests that need several chunks. */
  private int rowsPerRun = EVALUATION_ROWS;
  private final Map<String, Operand<TFloat32>> observed;
  private final Placeholder<TInt32> samples;
  private final Operand<TFloat32> elboPerExample;
  private final Operand<TFloat32> logSumExpWeights;
  private final Operand<TFloat32> logSumExpSquaredWeights;
  /** The same from densities by logProb, as before issue 24: what the reference evaluation fetches. */
  private final Operand<TFloat32> referenceLogSumExpWeights;
  private final Operand<TFloat32> referenceLogSumExpSquaredWeights;
  /** The random streams of the log-likelihood pass: their counters, the counts fed instead, and how to set them. */
  private final RunCounters counters;

  /** Builds the evaluation passes of {@code model} on {@code observed}, at the k fed to {@code samples}. */
  VariationalEvaluation(VariationalModel model, Ops tf, RandomSource random, VariableStore variables,
      Map<String, Operand<TFloat32>> observed, Placeholder<TInt32> samples) {
    this.model = model;
    this.observed = observed;
    this.samples = samples;
    ModelSpec spec = model.spec();
    int firstCounter = random.runCounters().size();
    InferencePass evaluation = new InferencePass(tf, spec, variables, random,
        new LinkedHashMap<>(observed), samples, 0, InferencePass.Mode.DETACHED).evaluationDensities();
    model.defineInference(evaluation);
    int counterEnd = random.runCounters().size();
    counters = new RunCounters(tf, random.runCounters().subList(firstCounter, counterEnd),
        random.runCounts().subList(firstCounter, counterEnd));
    Operand<TFloat32> elbo = evaluation.elboPerExample();
    if (spec.enumerated().isPresent()) {
      // The ELBO sums the enumerated latent out exactly; log-likelihoods draw it from q above.
      int classes = spec.enumerated().get().width();
      InferencePass enumeration = new InferencePass(tf, spec, variables, random,
          new LinkedHashMap<>(observed), tf.constant(classes), classes, InferencePass.Mode.DETACHED,
          Map.of(), true);
      model.defineInference(enumeration);
      elbo = enumeration.elboPerExample();
    }
    elboPerExample = elbo;
    logSumExpWeights = LogSumExp.reduce(tf, evaluation.logWeights(), 0);
    logSumExpSquaredWeights = LogSumExp.reduce(tf, tf.math.mul(tf.constant(2f), evaluation.logWeights()), 0);
    referenceLogSumExpWeights = LogSumExp.reduce(tf, evaluation.referenceLogWeights(), 0);
    referenceLogSumExpSquaredWeights = LogSumExp.reduce(tf,
        tf.math.mul(tf.constant(2f), evaluation.referenceLogWeights()), 0);
  }

  /** Sets the rows a log-likelihood run takes (tests: several chunks per example at a small k). */
  void rowsPerRun(int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("rows per run must be >= 1, was " + rows);
    }
    rowsPerRun = rows;
  }

  /** The k an evaluation run draws, fed as a scalar. */
  Placeholder<TInt32> sampleCount() {
    return samples;
  }

  /** The mean single-sample ELBO per example of {@code data}, its labels' column added if missing. */
  double elbo(Dataset unlabelled, ProgressListener progress) {
    Dataset data = model.withLabelColumns(unlabelled);
    String[] columns = model.checkColumns(data);
    double sum = 0;
    try (TInt32 k = TInt32.scalarOf(1);
        TaskProgress task = progress.task("ELBO", data.size(), "examples")) {
      Batches batches = data.batches(BatchRuns.EVALUATION_BATCH, false, model.seed().derive("evaluation").value(),
          columns);
      while (batches.hasNext()) {
        Batch batch = batches.next();
        float[] values = run(batch, columns, k, elboPerExample, null)[0];
        for (int i = 0; i < batch.size(); i++) {
          sum += values[i];
        }
        task.advance(batch.size());
      }
    }
    return sum / data.size();
  }

  /**
   * Per-example importance-sampled estimates of log p(x) with {@code k} samples from q, with their
   * delta-method standard errors and effective sample sizes (see {@link ImportanceSampling}).
   *
   * <p>The examples go in batches of {@code examplesPerRun}, each batch's k samples in chunks of
   * at most {@link #EVALUATION_ROWS} rows, one session run per chunk. A run is a chain of ops (the
   * decoder's products one after another), so with one thread per op a single run keeps one core
   * busy: {@link #workers} runs go at once, on as many inter-op threads. Each run is fed the
   * counter values its random streams would have had in the one-run-at-a-time order ({@link
   * RunCounters}), so the draws, and the estimates, are those of {@link
   * #referenceLogLikelihoodWithError} whatever order the runs finish in.
   */
  LogMarginalLikelihood logLikelihoodWithError(Dataset unlabelled, int k, ProgressListener progress) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, was " + k);
    }
    long started = System.nanoTime();
    Dataset data = model.withLabelColumns(unlabelled);
    String[] columns = model.checkColumns(data);
    int chunk = Math.min(k, rowsPerRun);
    int chunksPerBatch = (k + chunk - 1) / chunk;
    int examplesPerRun = Math.max(1, Math.min(BatchRuns.EVALUATION_BATCH, rowsPerRun / chunk));
    double[] sums = new double[data.size()];
    double[] squares = new double[data.size()];
    Batches batches = data.batches(examplesPerRun, false, model.seed().derive("evaluation").value(), columns);
    Session session = model.session();
    long[] start = counters.read(session);
    int batchCount = (data.size() + examplesPerRun - 1) / examplesPerRun;
    try (TaskProgress task = progress.task("log-likelihood (k = " + k + ")", data.size(), "examples")) {
      // The batches' buffer is reused by the next batch: each is copied into its tensors as it is taken.
      ParallelRuns.forEach(batchCount, workers(batchCount), () -> FedBatch.of(batches.next(), columns),
          (index, batch) -> {
            try (batch) {
              int offset = index * examplesPerRun;
              Arrays.fill(sums, offset, offset + batch.size(), Double.NEGATIVE_INFINITY);
              Arrays.fill(squares, offset, offset + batch.size(), Double.NEGATIVE_INFINITY);
              for (int c = 0, done = 0; done < k; c++, done += chunk) {
                long run = (long) index * chunksPerBatch + c;
                try (TInt32 samplesNow = TInt32.scalarOf(Math.min(chunk, k - done));
                    RunCounters.Feeds counts = counters.feeds(start, run)) {
                  float[][] partial = run(batch, columns, samplesNow, counts);
                  for (int i = 0; i < batch.size(); i++) {
                    sums[offset + i] = ImportanceWeightedBound.logAddExp(sums[offset + i], partial[0][i]);
                    squares[offset + i] = ImportanceWeightedBound.logAddExp(squares[offset + i], partial[1][i]);
                  }
                }
              }
            }
            synchronized (task) {
              task.advance(batchSizeOf(index, examplesPerRun, sums.length));
            }
          });
    } finally {
      // Where the one-at-a-time order leaves them, also when a run failed part way.
      counters.advance(session, start, (long) batchCount * chunksPerBatch);
    }
    return LogMarginalLikelihood.fromLogSums(sums, squares, k, (System.nanoTime() - started) / 1e9);
  }

  /** Runs at once: the session's inter-op threads (TensorFlow's choice: the cores), at most one per batch. */
  private int workers(int batches) {
    int threads = model.threadSettings().interOp();
    if (threads == 0) {
      threads = Runtime.getRuntime().availableProcessors();
    }
    return Math.max(1, Math.min(threads, batches));
  }

  /**
   * The estimates of {@link #logLikelihoodWithError}, computed as before issue 24: one session
   * run at a time, the graph incrementing its random streams' counters, observed nodes scored by
   * {@link dev.helmholtz.dist.Distribution#logProb}. Kept as the reference the parallel runs are
   * tested and benchmarked against: the same draws, the same estimates to float tolerance.
   */
  LogMarginalLikelihood referenceLogLikelihoodWithError(Dataset unlabelled, int k, ProgressListener progress) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, was " + k);
    }
    long started = System.nanoTime();
    Dataset data = model.withLabelColumns(unlabelled);
    String[] columns = model.checkColumns(data);
    int chunk = Math.min(k, rowsPerRun);
    int examplesPerRun = Math.max(1, Math.min(BatchRuns.EVALUATION_BATCH, rowsPerRun / chunk));
    double[] sums = new double[data.size()];
    double[] squares = new double[data.size()];
    int offset = 0;
    Batches batches = data.batches(examplesPerRun, false, model.seed().derive("evaluation").value(), columns);
    try (TaskProgress task = progress.task("log-likelihood (k = " + k + ")", data.size(), "examples")) {
      while (batches.hasNext()) {
        Batch batch = batches.next();
        Arrays.fill(sums, offset, offset + batch.size(), Double.NEGATIVE_INFINITY);
        Arrays.fill(squares, offset, offset + batch.size(), Double.NEGATIVE_INFINITY);
        for (int done = 0; done < k; done += chunk) {
          try (TInt32 samplesNow = TInt32.scalarOf(Math.min(chunk, k - done))) {
            float[][] partial = run(batch, columns, samplesNow, referenceLogSumExpWeights, referenceLogSumExpSquaredWeights);
            for (int i = 0; i < batch.size(); i++) {
              sums[offset + i] = ImportanceWeightedBound.logAddExp(sums[offset + i], partial[0][i]);
              squares[offset + i] = ImportanceWeightedBound.logAddExp(squares[offset + i], partial[1][i]);
            }
          }
        }
        offset += batch.size();
        task.advance(batch.size());
      }
    }
    return LogMarginalLikelihood.fromLogSums(sums, squares, k, (System.nanoTime() - started) / 1e9);
  }

  private static int batchSizeOf(int index, int examplesPerRun, int examples) {
    return Math.min(examplesPerRun, examples - index * examplesPerRun);
  }

  /** A batch's columns copied into the tensors fed for it, {@code [size, width]} each; closing frees them. */
  private record FedBatch(List<TFloat32> tensors, int size) implements AutoCloseable {
    static FedBatch of(Batch batch, String[] columns) {
      return new FedBatch(BatchRuns.tensors(batch, columns), batch.size());
    }

    @Override
    public void close() {
      tensors.forEach(Tensor::close);
    }
  }

  /** One chunk of a batch at k with the random streams' counts fed: log-sum-exp of the weights and of their squares, {@code [B]} each. */
  private float[][] run(FedBatch batch, String[] columns, TInt32 k, RunCounters.Feeds counts) {
    Session.Runner runner = model.session().runner();
    for (int i = 0; i < columns.length; i++) {
      runner.feed(observed.get(columns[i]), batch.tensors().get(i));
    }
    counts.feed(runner.feed(samples, k)).fetch(logSumExpWeights).fetch(logSumExpSquaredWeights);
    try (Result result = runner.run()) {
      return new float[][] {BatchRuns.values((TFloat32) result.get(0)), BatchRuns.values((TFloat32) result.get(1))};
    }
  }

  /** Runs one batch at k, fetching one per-example value ([B]) per operand (the second may be null). */
  private float[][] run(Batch batch, String[] columns, TInt32 k, Operand<TFloat32> fetch,
      Operand<TFloat32> alsoFetch) {
    Session session = model.session();
    return BatchRuns.run(session, batch, columns, observed, runner -> {
      runner.feed(samples, k).fetch(fetch);
      return alsoFetch == null ? runner : runner.fetch(alsoFetch);
    }, result -> {
      float[][] values = new float[alsoFetch == null ? 1 : 2][];
      for (int j = 0; j < values.length; j++) {
        values[j] = BatchRuns.values((TFloat32) result.get(j));
      }
      return values;
    });
  }
}
