package dev.helmholtz.energy;

import dev.helmholtz.data.Batch;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.train.DataPath;
import dev.helmholtz.train.EpochBatches;
import dev.helmholtz.train.StepFeeds;
import dev.helmholtz.train.StepOutcome;
import dev.helmholtz.train.TrainableModel;
import dev.helmholtz.train.Training;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

/**
 * The up-down algorithm (contrastive wake-sleep; Hinton, Osindero and Teh 2006, appendix B) as the
 * training loop runs it ({@link DeepBeliefNet#fineTune}). A step, on a minibatch x:
 *
 * <ol>
 *   <li><b>up</b> (wake): states drawn layer by layer by the recognition weights, {@code s_0 = x},
 *       {@code s_(l+1) ~ q(. | s_l)};
 *   <li><b>top</b>: k Gibbs sweeps of the top RBM from the wake state {@code s_(L-1)} give the sleep
 *       phase its start, and the top RBM takes one contrastive-divergence update (its own CD-k, at
 *       the loop's learning rate, momentum and weight decay) with {@code s_(L-1)} as its data;
 *   <li><b>down</b> (sleep): states drawn down by the generative weights from that top sample, the
 *       bottom layer's as probabilities, as Hinton et al. do;
 *   <li>each directed layer's generative weights learn by the wake delta rule (predicting {@code
 *       s_l} from {@code s_(l+1)}), its recognition weights by the sleep delta rule (predicting the
 *       sleep state above from the one below), at the loop's learning rate, no momentum, all
 *       predictions made with the weights from before the step.
 * </ol>
 *
 * <p>The step's draws come from a generator seeded by the training seed and the step, and the top
 * RBM's from its own graph's streams, so a checkpoint (the top RBM's variables and the directed
 * layers, written beside them) resumes into the same run.
 */
final class UpDown implements TrainableModel {
  /** Checkpoint property marking an up-down checkpoint: the directed layers' widths. */
  static final String LAYERS = "dbn.upDown.layers";
  /** The file the directed layers are written to, beside the top RBM's variables. */
  static final String DIRECTED_FILE = "directed-layers.bin";

  /** The states of the last step, for tests: wake states {@code s_0..s_(L-1)}, sleep states likewise. */
  record States(float[][][] wake, float[][][] sleep) {}

  private final DeepBeliefNet dbn;
  private final List<DirectedLayer> directed;
  private final EnergyModel top;
  private final String topInput;
  private final String[] topColumns;
  private final EnergyTraining topTraining;
  private long seed;
  private States last;

  UpDown(DeepBeliefNet dbn, List<DirectedLayer> directed) {
    this.dbn = dbn;
    this.directed = directed;
    this.top = dbn.top();
    this.topInput = top.spec().observed().get(0).name();
    this.topColumns = new String[] {topInput};
    this.topTraining = new EnergyTraining(top, topColumns);
  }

  States last() {
    return last;
  }

  private String layerWidths() {
    StringBuilder s = new StringBuilder();
    for (DirectedLayer d : directed) {
      s.append(d.below()).append('-');
    }
    return s.append(directed.get(directed.size() - 1).above()).toString();
  }

  @Override
  public Description description() {
    EnergyModel bottom = dbn.layers().get(0);
    return new Description("DeepBeliefNet", "step", "negative reconstruction error of the top RBM (up-down)",
        "epoch/train_reconstruction", bottom.seed(), top.hyperparameterInputs(),
        new String[] {bottom.spec().observed().get(0).name()});
  }

  @Override
  public void checkTraining(Training training) {
    List<String> unsupported = new ArrayList<>();
    if (training.clipGradientNorm() > 0) {
      unsupported.add("clipGradientNorm");
    }
    if (training.dataPath() == DataPath.RESIDENT) {
      unsupported.add("dataPath(RESIDENT) (each batch is fed: use FED or AUTO)");
    }
    if (training.validation() != null) {
      unsupported.add("validation");
    }
    if (!unsupported.isEmpty()) {
      throw new IllegalArgumentException("the up-down fine-tuning of a deep belief net does not support "
          + String.join(", ", unsupported));
    }
    seed = training.seed();
  }

  @Override
  public DataPath dataPath(Training training, long bytes) {
    return DataPath.FED;
  }

  @Override
  public void checkResumable(Properties p, Path checkpoint, List<String> differences) throws IOException {
    String written = p.getProperty(LAYERS);
    if (written == null) {
      throw new IOException(checkpoint.toAbsolutePath() + " holds no up-down state (" + LAYERS + " is missing): it"
          + " was not written by a deep belief net's fineTune");
    }
    if (!written.equals(layerWidths())) {
      differences.add("directed layers " + written + " (this net: " + layerWidths() + ")");
    }
    topTraining.checkResumable(p, checkpoint, differences);
  }

  @Override
  public void restore(Path checkpoint, Properties properties, long step) throws IOException {
    Path file = checkpoint.resolve(DIRECTED_FILE);
    float[][][] states = new float[directed.size()][4][];
    try (InputStream in = Files.newInputStream(file); DataInputStream data = new DataInputStream(
        new java.io.BufferedInputStream(in))) {
      for (int l = 0; l < directed.size(); l++) {
        for (int k = 0; k < 4; k++) {
          float[] values = new float[data.readInt()];
          for (int i = 0; i < values.length; i++) {
            values[i] = data.readFloat();
          }
          states[l][k] = values;
        }
      }
    } catch (java.io.EOFException e) {
      throw new IOException(file.toAbsolutePath() + ": damaged checkpoint: the directed layers end early", e);
    }
    for (int l = 0; l < directed.size(); l++) {
      try {
        directed.get(l).restore(states[l]);
      } catch (IllegalArgumentException e) {
        throw new IOException(file.toAbsolutePath() + ": damaged checkpoint: " + e.getMessage(), e);
      }
    }
    topTraining.restore(checkpoint, properties, step);
  }

  @Override
  public void begin(Dataset data, DataPath path) {
    // Every batch is fed: nothing to upload.
  }

  @Override
  public StepOutcome step(EpochBatches batches, StepFeeds feeds, long step) {
    Batch batch = batches.batch();
    int n = batch.size();
    int width = directed.get(0).below();
    float[] flat = batch.column(description().columns()[0]);
    Random random = new Random(seed * 1_000_003L + step);
    int levels = directed.size() + 1;
    float[][][] wake = new float[levels][][];
    wake[0] = new float[n][width];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * width, wake[0][i], 0, width);
    }
    for (int l = 0; l < directed.size(); l++) {
      wake[l + 1] = DirectedLayer.bernoulli(directed.get(l).recognize(wake[l]), random);
    }
    float[][][] sleep = new float[levels][][];
    Map<String, float[][]> chains = top.gibbsChains(Dataset.of(topInput, wake[levels - 1]), top.spec().gibbsSteps());
    sleep[levels - 1] = chains.get(topInput);
    for (int l = directed.size() - 1; l >= 0; l--) {
      float[][] p = directed.get(l).generate(sleep[l + 1]);
      sleep[l] = l == 0 ? p : DirectedLayer.bernoulli(p, random);
    }
    Batch topBatch = Dataset.of(topInput, wake[levels - 1]).batches(n, false, 0, topColumns).next();
    double reconstruction = top.update(topBatch, topColumns, feeds);
    double rate = feeds.learningRate().getFloat();
    for (int l = 0; l < directed.size(); l++) {
      directed.get(l).wake(wake[l], wake[l + 1], rate);
      directed.get(l).sleep(sleep[l], sleep[l + 1], rate);
    }
    last = new States(wake, sleep);
    return new ReconstructionOutcome(reconstruction, "the top RBM's reconstruction error", "lower the learning rate");
  }

  @Override
  public double validationObjective(Dataset validation) {
    throw new IllegalStateException("the up-down fine-tuning takes no validation set");
  }

  @Override
  public Map<String, ImageGrid.Pixels> sampleImages() {
    return Map.of();
  }

  @Override
  public Properties checkpointProperties(Properties position) {
    position.setProperty(LAYERS, layerWidths());
    return topTraining.checkpointProperties(position);
  }

  @Override
  public void writeVariables(Path prefix) throws IOException {
    topTraining.writeVariables(prefix);
    try (OutputStream out = Files.newOutputStream(prefix.resolveSibling(DIRECTED_FILE));
        DataOutputStream data = new DataOutputStream(new java.io.BufferedOutputStream(out))) {
      for (DirectedLayer d : directed) {
        for (float[] part : d.state()) {
          data.writeInt(part.length);
          for (float x : part) {
            data.writeFloat(x);
          }
        }
      }
    }
  }
}
