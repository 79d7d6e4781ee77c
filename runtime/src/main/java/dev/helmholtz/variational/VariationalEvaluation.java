package dev.helmholtz.variational;

import dev.helmholtz.core.BatchRuns;
import dev.helmholtz.data.Batch;
import dev.helmholtz.data.Batches;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.infer.ImportanceSampling;
import dev.helmholtz.infer.LogMarginalLikelihood;
import dev.helmholtz.nn.VariableStore;
import dev.helmholtz.objective.ImportanceWeightedBound;
import dev.helmholtz.objective.LogSumExp;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.TaskProgress;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Session;
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
  private final Map<String, Operand<TFloat32>> observed;
  private final Placeholder<TInt32> samples;
  private final Operand<TFloat32> elboPerExample;
  private final Operand<TFloat32> logSumExpWeights;
  private final Operand<TFloat32> logSumExpSquaredWeights;

  /** Builds the evaluation passes of {@code model} on {@code observed}, at the k fed to {@code samples}. */
  VariationalEvaluation(VariationalModel model, Ops tf, RandomSource random, VariableStore variables,
      Map<String, Operand<TFloat32>> observed, Placeholder<TInt32> samples) {
    this.model = model;
    this.observed = observed;
    this.samples = samples;
    ModelSpec spec = model.spec();
    InferencePass evaluation = new InferencePass(tf, spec, variables, random,
        new LinkedHashMap<>(observed), samples, 0, InferencePass.Mode.DETACHED);
    model.defineInference(evaluation);
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
  }

  /** The k an evaluation run draws, fed as a scalar. */
  Placeholder<TInt32> sampleCount() {
    return samples;
  }

  /** The mean single-sample ELBO per example of {@code data}, its labels' column added if missing. */
  double elbo(Dataset unlabelled) {
    Dataset data = model.withLabelColumns(unlabelled);
    String[] columns = model.checkColumns(data);
    double sum = 0;
    try (TInt32 k = TInt32.scalarOf(1)) {
      Batches batches = data.batches(BatchRuns.EVALUATION_BATCH, false, model.seed().derive("evaluation").value(),
          columns);
      while (batches.hasNext()) {
        Batch batch = batches.next();
        float[] values = run(batch, columns, k, elboPerExample, null)[0];
        for (int i = 0; i < batch.size(); i++) {
          sum += values[i];
        }
      }
    }
    return sum / data.size();
  }

  /**
   * Per-example importance-sampled estimates of log p(x) with {@code k} samples from q, with their
   * delta-method standard errors and effective sample sizes (see {@link ImportanceSampling}).
   */
  LogMarginalLikelihood logLikelihoodWithError(Dataset unlabelled, int k, ProgressListener progress) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, was " + k);
    }
    long started = System.nanoTime();
    Dataset data = model.withLabelColumns(unlabelled);
    String[] columns = model.checkColumns(data);
    int chunk = Math.min(k, EVALUATION_ROWS);
    int examplesPerRun = Math.max(1, Math.min(BatchRuns.EVALUATION_BATCH, EVALUATION_ROWS / chunk));
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
            float[][] partial = run(batch, columns, samplesNow, logSumExpWeights, logSumExpSquaredWeights);
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
