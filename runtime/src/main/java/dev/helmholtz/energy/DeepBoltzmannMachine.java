package dev.helmholtz.energy;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ScalarSchedule;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingLoop;
import dev.helmholtz.train.TrainingSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A deep Boltzmann machine with two hidden layers of binary units (Salakhutdinov and Hinton 2009),
 * {@code E(v, h1, h2) = -v . (W1 h1 + b) - h1 . (W2 h2 + c1) - h2 . c2}, trained as the paper does:
 * the data-dependent statistics from a mean-field posterior {@code q(h1) q(h2)}, the model's from
 * persistent Gibbs chains.
 *
 * <p>It is built on an {@link EnergyModel} whose clamped nodes are the even layers {@code (v, h2)}
 * and whose summed-out node is the odd layer {@code h1}: given the even layers the odd one is
 * factorial, so the free energy {@code F(v, h2)} sums h1 out exactly, and every piece of an RBM
 * serves the DBM unchanged: block Gibbs between the odd and the even layers (the DBM's own Gibbs
 * sampler), persistent chains over {@code (v, h2)} held in variables (checkpointed, so a resumed run
 * is exact), AIS of {@code log Z} over {@code (v, h2)} with h1 summed out (the paper's scheme), and
 * {@code log Z} by enumeration for tiny machines. The positive phase is contrastive divergence's
 * with h2 clamped to its mean-field value: h1's conditional mean given {@code (v, mu2)} is the
 * mean-field update of h1, and the energy, being multilinear, at {@code (v, mu1, mu2)} is its
 * expectation under q. The weights start small and random, or from the paper's layer-wise
 * pretraining ({@link DbmPretraining}, {@link #setParameters}).
 *
 * <p>The DBM is a library model, not declared with {@code @Energy}: its h2 is clamped like data
 * during an update, which the annotation has no way to say (see docs/undirected.md).
 */
public final class DeepBoltzmannMachine implements AutoCloseable {
  /** The visible node's name (a data column). */
  public static final String VISIBLE = "v";
  /** The first hidden layer's name. */
  public static final String FIRST = "h1";
  /** The second hidden layer's name. */
  public static final String SECOND = "h2";
  /** W1 {@code [h1, v]}, row-major; its bias is b. */
  public static final String FIRST_WEIGHTS = "energy/dense_0/kernel";
  /** b {@code [v]}. */
  public static final String VISIBLE_BIAS = "energy/dense_0/bias";
  /** W2 {@code [h2, h1]}, row-major; its bias is c1. */
  public static final String SECOND_WEIGHTS = "energy/dense_1/kernel";
  /** c1 {@code [h1]}. */
  public static final String FIRST_BIAS = "energy/dense_1/bias";
  /** c2 {@code [h2]}. */
  public static final String SECOND_BIAS = "energy/second_bias";

  private final int visible;
  private final int first;
  private final int second;
  private final Layers model;

  /**
   * A DBM of {@code visible}-{@code first}-{@code second} binary units with {@code chains}
   * persistent chains, each update advancing them {@code gibbsSteps} sweeps.
   */
  public DeepBoltzmannMachine(int visible, int first, int second, int chains, int gibbsSteps, Seed seed,
      ThreadSettings threads) {
    if (chains < 1) {
      throw new IllegalArgumentException("a DBM is trained with persistent chains: chains must be at least 1, was "
          + chains);
    }
    this.visible = visible;
    this.first = first;
    this.second = second;
    this.model = new Layers(EnergySpec.builder("DeepBoltzmannMachine").contrastiveDivergence(gibbsSteps, chains)
        .observed(VISIBLE, Units.BERNOULLI, visible).observed(SECOND, Units.BERNOULLI, second)
        .latent(FIRST, Units.BERNOULLI, first).build(), seed, threads, visible, first, second);
  }

  /** The energy model underneath: clamped nodes v and h2, h1 summed out. */
  public EnergyModel energyModel() {
    return model;
  }

  /** The mean-field posterior of each example: {@code mu1 [n][first]} and {@code mu2 [n][second]}. */
  public record MeanField(float[][] first, float[][] second) {}

  /**
   * The mean-field posterior {@code q(h1) q(h2)} of each example of {@code data} (column {@value
   * #VISIBLE}): {@code iterations} rounds of {@code mu1 = sigmoid(W1' v + W2 mu2 + c1)}, {@code mu2 =
   * sigmoid(W2' mu1 + c2)}, from {@code mu2 = 0}.
   */
  public MeanField meanField(Dataset data, int iterations) {
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be at least 1, was " + iterations);
    }
    float[][] v = rows(data);
    float[][] mu2 = new float[v.length][second];
    float[][] mu1 = null;
    for (int i = 0; i < iterations; i++) {
      mu1 = model.latentMeans(Dataset.of(VISIBLE, v).with(SECOND, mu2)).get(FIRST);
      mu2 = model.observedMeans(Dataset.of(FIRST, mu1)).get(SECOND);
    }
    return new MeanField(mu1, mu2);
  }

  /**
   * One epoch of training (the paper's procedure, without pretraining) on {@code data}: the examples
   * in an order fixed by {@code training}'s seed and {@code epoch}, in groups of {@code
   * batchesPerMeanField} minibatches; for each group, the mean-field posterior under the current
   * weights ({@code meanFieldIterations} rounds), then one update per minibatch (SGD at {@code
   * training}'s learning rate with momentum, weight decay and persistent chains). The
   * hyperparameters {@code momentum} and {@code weight_decay}, if {@code training} schedules them,
   * follow the machine's step count ({@code energyModel().stepsTaken()}), so an epoch run after a
   * restored checkpoint repeats the uninterrupted run exactly.
   *
   * @param epoch the epoch's number, from 1
   */
  public void fitEpoch(Dataset data, Training training, int epoch, int meanFieldIterations, int batchesPerMeanField) {
    float[][] v = rows(data);
    int[] order = new int[v.length];
    Arrays.setAll(order, i -> i);
    Random random = new Random(training.seed() * 1_000_003L + epoch);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int group = training.batchSize() * batchesPerMeanField;
    for (int from = 0; from < order.length; from += group) {
      int size = Math.min(group, order.length - from);
      float[][] chunk = new float[size][];
      for (int i = 0; i < size; i++) {
        chunk[i] = v[order[from + i]];
      }
      MeanField q = meanField(Dataset.of(VISIBLE, chunk), meanFieldIterations);
      long step = model.stepsTaken();
      Training chunkTraining = Training.epochs(1).batchSize(training.batchSize()).adam(training.learningRate())
          .seed(training.seed() + 7919L * step).progress(ProgressListener.silent());
      for (Map.Entry<String, ScalarSchedule> s : training.schedules().entrySet()) {
        chunkTraining = chunkTraining.schedule(s.getKey(), ScalarSchedule.constant(s.getValue().value(step, epoch)));
      }
      model.fit(Dataset.of(VISIBLE, chunk).with(SECOND, q.second()), chunkTraining);
    }
  }

  /**
   * Trains as {@link #fitEpoch} does with the paper's mean field for every minibatch, through the
   * shared training loop: {@code training}'s epochs, learning rate and schedules (of {@code
   * momentum} and {@code weight_decay}), and its checkpoints, resume and stop request, as every
   * model's {@code fit} takes them. Each step computes the mean-field posterior of its minibatch
   * ({@code meanFieldIterations} rounds) under the current weights, then makes one update with h2
   * clamped to it. {@code data} has the column {@value #VISIBLE} (dynamically binarized or not).
   */
  public TrainingSummary fit(Dataset data, Training training, int meanFieldIterations) {
    if (meanFieldIterations < 1) {
      throw new IllegalArgumentException("meanFieldIterations must be at least 1, was " + meanFieldIterations);
    }
    checkVisible(data);
    return TrainingLoop.run(new DbmTraining(this, meanFieldIterations), data, training);
  }

  /**
   * Sets weights and biases by name ({@link #FIRST_WEIGHTS}, {@link #VISIBLE_BIAS}, {@link
   * #SECOND_WEIGHTS}, {@link #FIRST_BIAS}, {@link #SECOND_BIAS}), e.g. {@link
   * DbmPretraining#composed()}; the momentum and the persistent chains are untouched.
   */
  public void setParameters(Map<String, float[]> values) {
    model.setParameters(values);
  }

  /**
   * Sets the visible biases to the log-odds of {@code data}'s pixel means, {@code b_j = log(p_j /
   * (1 - p_j))} with one pseudo-count of each value (Hinton's practical guide, 2010, section 8.1):
   * the start that makes the model's visible marginals the data's before any update. From zero
   * biases the first updates instead drive W1 down uniformly (the fair-coin chains being denser than
   * the digits), which lets the data switch h1 on more than the chains do and pushes c1 and W2 up
   * uniformly until both hidden layers saturate (see docs/undirected.md). Weights, momentum and
   * chains are untouched.
   */
  public void setVisibleBiasesToLogOdds(Dataset data) {
    checkVisible(data);
    float[] flat = data.flat(VISIBLE);
    double[] sums = new double[visible];
    for (int i = 0; i < flat.length; i++) {
      sums[i % visible] += flat[i];
    }
    float[] logOdds = new float[visible];
    for (int j = 0; j < visible; j++) {
      double mean = (sums[j] + 1) / (data.size() + 2);
      logOdds[j] = (float) Math.log(mean / (1 - mean));
    }
    setParameters(Map.of(VISIBLE_BIAS, logOdds));
  }

  /**
   * {@code log Z} by annealed importance sampling over {@code (v, h2)}, h1 summed out (Salakhutdinov
   * and Hinton 2009): the base model's visible biases fitted to {@code data}'s marginals, h2 uniform.
   */
  public AnnealedImportanceSampling.Estimate annealedLogPartition(Dataset data, int runs, double[] betas) {
    float[][] v = rows(data);
    float[][] half = new float[v.length][second];
    for (float[] row : half) {
      Arrays.fill(row, 0.5f);
    }
    return model.annealedLogPartition(Dataset.of(VISIBLE, v).with(SECOND, half), runs, betas);
  }

  /** {@code log Z} by enumerating every {@code (v, h2)}: tiny machines only (at most 24 units in v and h2). */
  public double exactLogPartition() {
    return model.exactLogPartition();
  }

  /**
   * A lower bound on the mean {@code log p(v)} of {@code data} given {@code logZ}: {@code log p(v) >=
   * E_q(h2)[-F(v, h2)] + H(q(h2)) - log Z}, q the mean-field posterior's h2 factor and h1 summed out
   * exactly inside F, the expectation averaged over {@code samples} draws of h2 per example (so a
   * Monte Carlo estimate of a bound at least as tight as the full mean-field bound the paper reports,
   * which also replaces the sum over h1 by its mean-field factor).
   */
  public DeepBeliefNet.Bound logLikelihoodBound(Dataset data, double logZ, int meanFieldIterations, int samples,
      long seed) {
    float[][] v = rows(data);
    MeanField q = meanField(data, meanFieldIterations);
    Random random = new Random(seed);
    double[] perExample = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      double h = 0;
      for (float p : q.second()[i]) {
        h -= (p > 0 ? p * Math.log(p) : 0) + (p < 1 ? (1 - p) * Math.log1p(-p) : 0);
      }
      perExample[i] = h - logZ;
    }
    for (int s = 0; s < samples; s++) {
      float[][] h2 = new float[v.length][second];
      for (int i = 0; i < v.length; i++) {
        for (int j = 0; j < second; j++) {
          h2[i][j] = random.nextFloat() < q.second()[i][j] ? 1f : 0f;
        }
      }
      float[] free = model.freeEnergy(Dataset.of(VISIBLE, v).with(SECOND, h2));
      for (int i = 0; i < v.length; i++) {
        perExample[i] -= free[i] / samples;
      }
    }
    double mean = 0;
    for (double b : perExample) {
      mean += b / perExample.length;
    }
    double variance = 0;
    for (double b : perExample) {
      variance += (b - mean) * (b - mean) / Math.max(1, perExample.length - 1);
    }
    return new DeepBeliefNet.Bound(mean, Math.sqrt(variance / perExample.length), perExample);
  }

  /**
   * {@code sweeps} sweeps of Gibbs sampling from each row of {@code start} (column {@value #VISIBLE},
   * h2 starting at 0): the last state's visible means given h1, {@code [n][visible]}.
   */
  public float[][] sample(Dataset start, int sweeps) {
    float[][] v = rows(start);
    Map<String, float[][]> chains = model.gibbsChains(Dataset.of(VISIBLE, v).with(SECOND, new float[v.length][second]),
        sweeps);
    return chains.get(VISIBLE + "/mean");
  }

  /** The persistent chains' state: {@value #VISIBLE} and {@value #SECOND}, each {@code [chains][width]}. */
  public Map<String, float[][]> persistentChains() {
    return model.persistentChains();
  }

  /** Saves the weights, momentum, chains and random streams under {@code directory}. */
  public void saveCheckpoint(Path directory) throws IOException {
    model.saveCheckpoint(directory);
  }

  /** Restores what {@link #saveCheckpoint} saved. */
  public void restoreCheckpoint(Path directory) throws IOException {
    model.restoreCheckpoint(directory);
  }

  private void checkVisible(Dataset data) {
    if (!data.has(VISIBLE) || data.width(VISIBLE) != visible) {
      throw new IllegalArgumentException("the DBM needs a column '" + VISIBLE + "' of " + visible + " values; the data"
          + " has " + data.columns());
    }
  }

  /** Visible units. */
  int visible() {
    return visible;
  }

  private float[][] rows(Dataset data) {
    checkVisible(data);
    float[] flat = data.flat(VISIBLE);
    float[][] rows = new float[data.size()][visible];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(flat, i * visible, rows[i], 0, visible);
    }
    return rows;
  }

  @Override
  public void close() {
    model.close();
  }

  /** The energy, written as generated code writes one. */
  private static final class Layers extends EnergyModel {
    private final int visible;
    private final int first;
    private final int second;

    Layers(EnergySpec spec, Seed seed, ThreadSettings threads, int visible, int first, int second) {
      super(spec, seed, threads);
      this.visible = visible;
      this.first = first;
      this.second = second;
      build();
    }

    @Override
    protected Operand<TFloat32> defineEnergy(EnergyPass pass) {
      Ops tf = pass.tf();
      Nn nn = pass.network("energy");
      Operand<TFloat32> v = pass.node(VISIBLE);
      Operand<TFloat32> h1 = pass.node(FIRST);
      Operand<TFloat32> h2 = pass.node(SECOND);
      Operand<TFloat32> visibleField = nn.dense(h1, visible); // W1 h1 + b
      Operand<TFloat32> firstField = nn.dense(h2, first); // W2 h2 + c1
      Operand<TFloat32> secondBias = nn.variable("second_bias", second); // c2
      Operand<org.tensorflow.types.TInt32> one = tf.constant(1);
      return tf.math.neg(tf.math.add(tf.math.add(
          tf.reduceSum(tf.math.mul(v, visibleField), one),
          tf.reduceSum(tf.math.mul(h1, firstField), one)),
          tf.reduceSum(tf.math.mul(h2, secondBias), one)));
    }
  }
}
