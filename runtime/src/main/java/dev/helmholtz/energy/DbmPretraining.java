package dev.helmholtz.energy;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Greedy layer-wise pretraining of a two-hidden-layer {@link DeepBoltzmannMachine} as Salakhutdinov
 * and Hinton (2009, section 3.1) do it: two modified RBMs, trained in turn, whose weights compose
 * into the DBM's starting point.
 *
 * <ul>
 *   <li>The <b>bottom module</b> is an RBM between two tied copies of the visible layer ({@value
 *       #VISIBLE_COPY}, the data fed to both) and h1: {@code E = -(v + v') . (W1 h1 + b) - h1 . c}. Its
 *       h1 sees the visibles twice, {@code p(h1 | v) = sigmoid(2 W1' v + c)}, and each copy is drawn
 *       from {@code p(v | h1) = sigmoid(W1 h1 + b)}.
 *   <li>The <b>top module</b> is an RBM between h1 and two tied copies of h2 ({@value #SECOND_COPY}):
 *       {@code E = -h1 . (W2 (h2 + h2') + c1') - (h2 + h2') . c2}, trained on samples of the bottom
 *       module's posterior. Its h1 sees h2 twice, {@code p(h1 | h2) = sigmoid(2 W2 h2 + c1')}, and
 *       {@code p(h2 | h1) = sigmoid(W2' h1 + c2)}.
 * </ul>
 *
 * <p>Composed ({@link #composed}), h1 gets its input from v and h2 once each instead of twice from
 * one of them: the DBM's {@code p(h1 | v, h2) = sigmoid(W1' v + W2 h2 + (c + c1') / 2)} is exactly
 * the mean of the two modules' logits for h1, so neither module's evidence is counted twice (the
 * paper's "the total input coming into the first hidden layer is halved"). W1, b, W2 and c2 are
 * taken as learned; the DBM's h1 bias is the mean of the two modules' (the paper's equations omit
 * biases; this is the choice that keeps the statement above exact). {@code p(v | h1)} and {@code
 * p(h2 | h1)} are the modules' own.
 */
public final class DbmPretraining implements AutoCloseable {
  /** The bottom module's second copy of the visibles (fed the same data as {@code v}). */
  public static final String VISIBLE_COPY = "v_copy";
  /** The top module's second copy of h2. */
  public static final String SECOND_COPY = "h2_copy";
  /** W1 {@code [h1][v]} in the bottom module, W2 {@code [h2][h1]} in the top module (and in the DBM). */
  static final String KERNEL = "energy/dense_0/kernel";
  /** b in the bottom module, c1' in the top module. */
  static final String BIAS = "energy/dense_0/bias";
  /** c in the bottom module. */
  static final String HIDDEN_BIAS = "energy/hidden_bias";
  /** c2 in the top module and in the DBM. */
  static final String SECOND_BIAS = "energy/second_bias";

  private final int visible;
  private final EnergyModel bottom;
  private final EnergyModel top;

  /**
   * The modules of a {@code visible}-{@code first}-{@code second} DBM, each trained by CD-{@code
   * gibbsSteps}.
   */
  public DbmPretraining(int visible, int first, int second, int gibbsSteps, Seed seed, ThreadSettings threads) {
    this.visible = visible;
    EnergyModel b = null;
    try {
      b = new Bottom(EnergySpec.builder("DbmBottomModule").contrastiveDivergence(gibbsSteps, 0)
          .observed(DeepBoltzmannMachine.VISIBLE, Units.BERNOULLI, visible)
          .observed(VISIBLE_COPY, Units.BERNOULLI, visible)
          .latent(DeepBoltzmannMachine.FIRST, Units.BERNOULLI, first).build(), seed, threads, visible, first);
      this.top = new Top(EnergySpec.builder("DbmTopModule").contrastiveDivergence(gibbsSteps, 0)
          .observed(DeepBoltzmannMachine.FIRST, Units.BERNOULLI, first)
          .latent(DeepBoltzmannMachine.SECOND, Units.BERNOULLI, second)
          .latent(SECOND_COPY, Units.BERNOULLI, second).build(), seed.derive("top"), threads, first, second);
    } catch (RuntimeException e) {
      if (b != null) {
        b.close();
      }
      throw e;
    }
    this.bottom = b;
  }

  /** The bottom module: observed {@code v} and {@value #VISIBLE_COPY}, latent {@code h1}. */
  public EnergyModel bottom() {
    return bottom;
  }

  /** The top module: observed {@code h1}, latent {@code h2} and {@value #SECOND_COPY}. */
  public EnergyModel top() {
    return top;
  }

  /** {@code data}'s column {@code v} fed to both of the bottom module's copies. */
  public Dataset bottomData(Dataset data) {
    float[] v = data.flat(DeepBoltzmannMachine.VISIBLE);
    if (data.width(DeepBoltzmannMachine.VISIBLE) != visible) {
      throw new IllegalArgumentException("the bottom module needs a column 'v' of " + visible + " values; the data's"
          + " has " + data.width(DeepBoltzmannMachine.VISIBLE));
    }
    return Dataset.of(DeepBoltzmannMachine.VISIBLE, v, visible).with(VISIBLE_COPY, v, visible);
  }

  /** The top module's data: the bottom module's posterior means {@code p(h1 | v)} of each example. */
  public Dataset topData(Dataset data) {
    return Dataset.of(DeepBoltzmannMachine.FIRST, bottom.latentMeans(bottomData(data)).get(DeepBoltzmannMachine.FIRST));
  }

  /**
   * Trains the bottom module on {@code data} (column {@code v}), then the top module on its
   * posterior, binarized afresh each epoch (as a deep belief net's layers are trained).
   *
   * @return the two summaries, bottom first
   */
  public List<TrainingSummary> fit(Dataset data, Training bottomTraining, Training topTraining) {
    List<TrainingSummary> summaries = new ArrayList<>();
    summaries.add(bottom.fit(bottomData(data), bottomTraining));
    summaries.add(top.fit(topData(data).dynamicallyBinarized(DeepBoltzmannMachine.FIRST), topTraining));
    return summaries;
  }

  /**
   * The DBM's starting weights, by the DBM's variable names: W1 and b from the bottom module, W2
   * and c2 from the top module, h1's bias the mean of the two modules' (see the class comment).
   */
  public Map<String, float[]> composed() {
    Map<String, float[]> b = bottom.parameters(List.of(KERNEL, BIAS, HIDDEN_BIAS));
    Map<String, float[]> t = top.parameters(List.of(KERNEL, BIAS, SECOND_BIAS));
    float[] firstBias = b.get(HIDDEN_BIAS).clone();
    for (int j = 0; j < firstBias.length; j++) {
      firstBias[j] = (firstBias[j] + t.get(BIAS)[j]) / 2;
    }
    Map<String, float[]> out = new LinkedHashMap<>();
    out.put(DeepBoltzmannMachine.FIRST_WEIGHTS, b.get(KERNEL));
    out.put(DeepBoltzmannMachine.VISIBLE_BIAS, b.get(BIAS));
    out.put(DeepBoltzmannMachine.SECOND_WEIGHTS, t.get(KERNEL));
    out.put(DeepBoltzmannMachine.FIRST_BIAS, firstBias);
    out.put(DeepBoltzmannMachine.SECOND_BIAS, t.get(SECOND_BIAS));
    return out;
  }

  @Override
  public void close() {
    bottom.close();
    top.close();
  }

  private static Operand<TFloat32> rowDot(Ops tf, Operand<TFloat32> a, Operand<TFloat32> b) {
    Operand<TInt32> one = tf.constant(1);
    return tf.reduceSum(tf.math.mul(a, b), one);
  }

  /** {@code -(v + v') . (W1 h1 + b) - h1 . c}. */
  private static final class Bottom extends EnergyModel {
    private final int visible;
    private final int first;

    Bottom(EnergySpec spec, Seed seed, ThreadSettings threads, int visible, int first) {
      super(spec, seed, threads);
      this.visible = visible;
      this.first = first;
      build();
    }

    @Override
    protected Operand<TFloat32> defineEnergy(EnergyPass pass) {
      Ops tf = pass.tf();
      Nn nn = pass.network("energy");
      Operand<TFloat32> visibles = tf.math.add(pass.node(DeepBoltzmannMachine.VISIBLE), pass.node(VISIBLE_COPY));
      Operand<TFloat32> h1 = pass.node(DeepBoltzmannMachine.FIRST);
      Operand<TFloat32> visibleField = nn.dense(h1, visible); // W1 h1 + b
      Operand<TFloat32> hiddenBias = nn.variable("hidden_bias", first); // c
      return tf.math.neg(tf.math.add(rowDot(tf, visibles, visibleField), rowDot(tf, h1, hiddenBias)));
    }
  }

  /** {@code -h1 . (W2 (h2 + h2') + c1') - (h2 + h2') . c2}. */
  private static final class Top extends EnergyModel {
    private final int first;
    private final int second;

    Top(EnergySpec spec, Seed seed, ThreadSettings threads, int first, int second) {
      super(spec, seed, threads);
      this.first = first;
      this.second = second;
      build();
    }

    @Override
    protected Operand<TFloat32> defineEnergy(EnergyPass pass) {
      Ops tf = pass.tf();
      Nn nn = pass.network("energy");
      Operand<TFloat32> h1 = pass.node(DeepBoltzmannMachine.FIRST);
      Operand<TFloat32> seconds = tf.math.add(pass.node(DeepBoltzmannMachine.SECOND), pass.node(SECOND_COPY));
      Operand<TFloat32> firstField = nn.dense(seconds, first); // W2 (h2 + h2') + c1'
      Operand<TFloat32> secondBias = nn.variable("second_bias", second); // c2
      return tf.math.neg(tf.math.add(rowDot(tf, h1, firstField), rowDot(tf, seconds, secondBias)));
    }
  }
}
