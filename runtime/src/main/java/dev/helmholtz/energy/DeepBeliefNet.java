package dev.helmholtz.energy;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.train.StopReason;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingLoop;
import dev.helmholtz.train.TrainingSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * A deep belief net (Hinton, Osindero and Teh 2006): a stack of restricted Boltzmann machines, each
 * an {@code @Energy} model of one observed and one Bernoulli latent node, the latent of one the
 * observed of the next. Its distribution is an RBM at the top over the last two layers, with
 * directed sigmoid connections downward through the lower layers' conditionals {@code p(h_(l-1) |
 * h_l)}. Trained greedily, layer by layer ({@link #fitGreedily}); sampled by Gibbs chains in the top
 * RBM, then down ({@link #sample}); evaluated by the variational lower bound on {@code log p(v)}
 * with the top RBM's {@code log Z} from AIS (Salakhutdinov and Murray 2008, {@link #logLikelihoodBound}).
 * After the greedy stacking, {@link #fineTune} runs the up-down algorithm (Hinton, Osindero and Teh
 * 2006), which unties each lower layer's recognition weights from its generative ones ({@link
 * DirectedLayer}); from then on the recognition weights carry data up ({@link #upward}, the bound's
 * Q) and the generative ones draw and score it down.
 *
 * <pre>{@code
 * try (DeepBeliefNet dbn = DeepBeliefNet.of(BottomRbmModel.create(seed), TopRbmModel.create(seed))) {
 *   dbn.fitGreedily(data, training);
 *   double logZ = dbn.top().annealedLogPartition(dbn.upward(data, 1), 100, schedule).logZ();
 *   DeepBeliefNet.Bound bound = dbn.logLikelihoodBound(test, logZ, 10, seed);
 * }
 * }</pre>
 *
 * <p>The net owns its layers: closing it closes them.
 */
public final class DeepBeliefNet implements AutoCloseable {
  private final List<EnergyModel> layers;
  /** The lower layers' untied weights once {@link #untie} ran; null while they are the RBMs'. */
  private List<DirectedLayer> directed;
  private UpDown lastFineTuning;

  private DeepBeliefNet(List<EnergyModel> layers) {
    this.layers = List.copyOf(layers);
  }

  /**
   * The net of {@code layers}, bottom first: each an RBM of one observed and one Bernoulli latent
   * node, each layer's latent as wide as the next layer's observed node (which must be Bernoulli;
   * the bottom one may have Gaussian units).
   *
   * @throws IllegalArgumentException for fewer than two layers, a layer of another shape, or widths
   *     that do not chain
   */
  public static DeepBeliefNet of(EnergyModel... layers) {
    if (layers.length < 2) {
      throw new IllegalArgumentException("a deep belief net needs at least two RBMs, got " + layers.length);
    }
    for (int l = 0; l < layers.length; l++) {
      EnergySpec spec = Objects.requireNonNull(layers[l], "layer " + l).spec();
      if (spec.observed().size() != 1 || spec.latents().size() != 1) {
        throw new IllegalArgumentException("layer " + l + " (" + spec.modelName() + ") has " + spec.observed().size()
            + " observed and " + spec.latents().size() + " latent nodes; a deep belief net stacks RBMs of one each");
      }
      if (l > 0) {
        EnergySpec.Node below = layers[l - 1].spec().latents().get(0);
        EnergySpec.Node input = spec.observed().get(0);
        if (input.width() != below.width() || input.units() != Units.BERNOULLI) {
          throw new IllegalArgumentException("layer " + l + " (" + spec.modelName() + ") observes '" + input.name()
              + "', " + input.width() + " " + input.units() + " units, but the layer below's latent '" + below.name()
              + "' has " + below.width() + " Bernoulli units");
        }
      }
    }
    return new DeepBeliefNet(List.of(layers));
  }

  /** The RBMs, bottom first. */
  public List<EnergyModel> layers() {
    return layers;
  }

  /** The top RBM, whose {@code log Z} the bound needs. */
  public EnergyModel top() {
    return layers.get(layers.size() - 1);
  }

  /**
   * Greedy layer-wise training (Hinton et al. 2006): the bottom RBM on {@code data}, then each next
   * RBM on the posterior of the layer below, its data the posterior means {@code p(h = 1 | input)}
   * binarized afresh each epoch (samples of the posterior, a new draw every epoch). {@code
   * perLayer} holds one training per layer, or one for all. A layer stopped by its training's stop
   * request ends the stacking there.
   *
   * @return each trained layer's summary, bottom first
   */
  public List<TrainingSummary> fitGreedily(Dataset data, Training... perLayer) {
    if (perLayer.length != 1 && perLayer.length != layers.size()) {
      throw new IllegalArgumentException("give one training for every layer or one for all; got " + perLayer.length
          + " for " + layers.size() + " layers");
    }
    if (directed != null) {
      throw new IllegalStateException("the layers are untied (fine-tuned): greedy training would change RBMs the net"
          + " no longer uses below the top");
    }
    List<TrainingSummary> summaries = new ArrayList<>();
    Dataset input = data;
    for (int l = 0; l < layers.size(); l++) {
      TrainingSummary summary = layers.get(l).fit(input, perLayer[perLayer.length == 1 ? 0 : l]);
      summaries.add(summary);
      if (summary.stopReason() == StopReason.INTERRUPTED) {
        break; // a stop request ends the whole stack, not just this layer
      }
      if (l + 1 < layers.size()) {
        input = upwardFrom(l, input).dynamicallyBinarized(inputName(l + 1));
      }
    }
    return summaries;
  }

  /**
   * Unties the lower layers: each gets recognition and generative weights of its own, both starting
   * as its RBM's ({@link DirectedLayer#of}); the RBMs below the top are not used after this. Does
   * nothing when they are untied already. {@link #fineTune} unties first.
   *
   * @throws IllegalArgumentException when a lower layer's observed units are not Bernoulli
   */
  public void untie() {
    if (directed == null) {
      List<DirectedLayer> untied = new ArrayList<>();
      for (int l = 0; l + 1 < layers.size(); l++) {
        untied.add(DirectedLayer.of(layers.get(l)));
      }
      directed = List.copyOf(untied);
    }
  }

  /** Whether the lower layers are untied ({@link #untie}, {@link #fineTune}). */
  public boolean isUntied() {
    return directed != null;
  }

  /** Lower layer {@code l}'s untied weights (a live view; copies come from its getters). */
  public DirectedLayer directedLayer(int l) {
    if (directed == null) {
      throw new IllegalStateException("the layers are tied: untie() or fineTune() first");
    }
    return directed.get(l);
  }

  /**
   * Fine-tunes the net by the up-down algorithm (contrastive wake-sleep; Hinton, Osindero and Teh
   * 2006, see {@link UpDown}), after untying the lower layers: {@code training}'s epochs, batch
   * size and learning rate (for every weight; the top RBM also takes its schedules of {@code
   * momentum} and {@code weight_decay}), checkpoints, resume and stop request, as any {@code fit}.
   * {@code data} is the bottom layer's input (binary, or dynamically binarized).
   */
  public TrainingSummary fineTune(Dataset data, Training training) {
    untie();
    layers.get(0).checkColumns(data);
    lastFineTuning = new UpDown(this, directed);
    return TrainingLoop.run(lastFineTuning, data, training);
  }

  /** The states of the last up-down step, for tests. */
  UpDown.States lastUpDownStates() {
    return lastFineTuning == null ? null : lastFineTuning.last();
  }

  /**
   * {@code data} carried up to layer {@code layer}'s input: the posterior means of each layer below,
   * in turn, as a column named for that layer's observed node. Layer 0 is the data itself.
   */
  public Dataset upward(Dataset data, int layer) {
    Objects.checkIndex(layer, layers.size());
    Dataset input = data;
    for (int l = 0; l < layer; l++) {
      input = upwardFrom(l, input);
    }
    return input;
  }

  private Dataset upwardFrom(int l, Dataset input) {
    return Dataset.of(inputName(l + 1), recognitionMeans(l, input));
  }

  /** q(h_(l+1) | input) of each row: the RBM's posterior, or the untied recognition weights'. */
  private float[][] recognitionMeans(int l, Dataset input) {
    EnergyModel layer = layers.get(l);
    if (directed == null) {
      return layer.latentMeans(input).get(layer.spec().latents().get(0).name());
    }
    String name = inputName(l);
    int width = input.width(name);
    float[] flat = input.flat(name);
    float[][] rows = new float[input.size()][width];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(flat, i * width, rows[i], 0, width);
    }
    return directed.get(l).recognize(rows);
  }

  /**
   * {@code n} samples of the visible layer: {@code sweeps} Gibbs sweeps of the top RBM from {@code
   * start} (rows of the top RBM's input, e.g. {@link #upward} of some data, binarized), then one
   * draw of each lower layer given the one above, down to the bottom, whose conditional means are
   * returned (the usual picture). Draws from {@code seed}.
   */
  public float[][] sample(Dataset start, int sweeps, long seed) {
    EnergyModel top = top();
    Map<String, float[][]> chains = top.gibbsChains(start, sweeps);
    float[][] state = chains.get(inputName(layers.size() - 1));
    Random random = new Random(seed);
    for (int l = layers.size() - 2; l >= 0; l--) {
      EnergyModel layer = layers.get(l);
      float[][] means = directed != null ? directed.get(l).generate(state)
          : layer.observedMeans(Dataset.of(layer.spec().latents().get(0).name(), state)).get(inputName(l));
      state = l == 0 ? means : bernoulli(means, random);
    }
    return state;
  }

  /**
   * A variational lower bound on the mean {@code log p(v)} of {@code data} (Salakhutdinov and Murray
   * 2008, eq. 16, for any depth): with {@code Q} the stack of the RBMs' posteriors {@code Q(h_l |
   * h_(l-1))} (the greedy recognition model), {@code log p(v) >= E_Q[sum_l log p(h_(l-1) | h_l) -
   * F_top(h_(L-1))] + H(Q) - log Z_top}, each layer's entropy exact given the layer below and the
   * rest averaged over {@code samples} draws per example. With {@code logZTop} from AIS it is an
   * estimate of a bound, as in the paper; with the exact {@code log Z} (tiny nets) a bound whose
   * Monte Carlo estimate is unbiased.
   */
  public Bound logLikelihoodBound(Dataset data, double logZTop, int samples, long seed) {
    if (samples < 1) {
      throw new IllegalArgumentException("samples must be at least 1, was " + samples);
    }
    int n = data.size();
    double[] perExample = new double[n];
    Random random = new Random(seed);
    // The first layer's posterior means are the same for every draw.
    float[][] firstMeans = recognitionMeans(0, data);
    double[] firstEntropy = entropies(firstMeans);
    for (int s = 0; s < samples; s++) {
      Dataset below = data;
      float[][] means = firstMeans;
      double[] term = firstEntropy.clone();
      for (int l = 0; l + 1 < layers.size(); l++) {
        EnergyModel layer = layers.get(l);
        String latent = layer.spec().latents().get(0).name();
        if (l > 0) {
          means = recognitionMeans(l, below);
          double[] h = entropies(means);
          for (int i = 0; i < n; i++) {
            term[i] += h[i];
          }
        }
        float[][] drawn = bernoulli(means, random);
        if (directed == null) {
          float[] logConditional = layer.observedLogConditional(below.with(latent, drawn));
          for (int i = 0; i < n; i++) {
            term[i] += logConditional[i];
          }
        } else {
          String name = inputName(l);
          int width = below.width(name);
          float[] flat = below.flat(name);
          float[][] rows = new float[n][width];
          for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * width, rows[i], 0, width);
          }
          double[] logConditional = directed.get(l).generativeLogProbability(rows, drawn);
          for (int i = 0; i < n; i++) {
            term[i] += logConditional[i];
          }
        }
        below = Dataset.of(inputName(l + 1), drawn);
      }
      float[] free = top().freeEnergy(below);
      for (int i = 0; i < n; i++) {
        perExample[i] += (term[i] - free[i] - logZTop) / samples;
      }
    }
    double mean = 0;
    for (double b : perExample) {
      mean += b / n;
    }
    double variance = 0;
    for (double b : perExample) {
      variance += (b - mean) * (b - mean) / Math.max(1, n - 1);
    }
    return new Bound(mean, Math.sqrt(variance / n), perExample);
  }

  /**
   * A lower bound on the mean log-likelihood, with the standard error of that mean over the
   * examples, and each example's bound.
   */
  public record Bound(double mean, double standardError, double[] perExample) {}

  private String inputName(int layer) {
    return layers.get(layer).spec().observed().get(0).name();
  }

  private static double[] entropies(float[][] means) {
    double[] out = new double[means.length];
    for (int i = 0; i < means.length; i++) {
      double h = 0;
      for (float p : means[i]) {
        h -= (p > 0 ? p * Math.log(p) : 0) + (p < 1 ? (1 - p) * Math.log1p(-p) : 0);
      }
      out[i] = h;
    }
    return out;
  }

  private static float[][] bernoulli(float[][] means, Random random) {
    float[][] out = new float[means.length][];
    for (int i = 0; i < means.length; i++) {
      out[i] = new float[means[i].length];
      for (int j = 0; j < means[i].length; j++) {
        out[i][j] = random.nextFloat() < means[i][j] ? 1f : 0f;
      }
    }
    return out;
  }

  @Override
  public void close() {
    layers.forEach(EnergyModel::close);
  }
}
