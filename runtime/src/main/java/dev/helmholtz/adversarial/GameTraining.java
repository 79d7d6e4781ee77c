package dev.helmholtz.adversarial;

import dev.helmholtz.data.Batch;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.ImageGrid;
import dev.helmholtz.train.DataPath;
import dev.helmholtz.train.EpochBatches;
import dev.helmholtz.train.StepFeeds;
import dev.helmholtz.train.StepOutcome;
import dev.helmholtz.train.TrainableModel;
import dev.helmholtz.train.Training;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * A {@link GameModel} as the training loop sees it, for one {@code fit}: a step updates every
 * discriminator, and every {@code discriminatorSteps}-th step the generators, then the
 * classifier, on the same batch. Unpaired data sets beyond the first are read by step number
 * ({@link #rowsOf}), so a resumed run repeats the uninterrupted run's batches. The objective the
 * loop reports is the discriminators' summed loss.
 */
final class GameTraining implements TrainableModel {
  static final String DISCRIMINATOR_STEPS = "game.discriminatorSteps";
  static final String LAST_GENERATOR_LOSS = "game.lastGeneratorLoss";
  static final String LAST_CLASSIFIER_LOSS = "game.lastClassifierLoss";

  private final GameModel model;
  private final List<Dataset> domains;
  private final List<String[]> columns;
  private final int discriminatorSteps;
  private double resumedGenerator = Double.NaN;
  private double resumedClassifier = Double.NaN;
  /** Per other data set: the shuffled order of its current pass, and which pass that is. */
  private final Map<Integer, int[]> orders = new LinkedHashMap<>();
  private final Map<Integer, Long> passes = new LinkedHashMap<>();

  GameTraining(GameModel model, List<Dataset> domains, List<String[]> columns) {
    this.model = model;
    this.domains = List.copyOf(domains);
    this.columns = List.copyOf(columns);
    this.discriminatorSteps = model.spec().discriminatorSteps();
  }

  @Override
  public Description description() {
    return new Description(model.spec().modelName(), "discriminator step", "discriminators' summed loss",
        "epoch/discriminator_loss", model.seed(), model.hyperparameterInputs(), columns.get(0));
  }

  @Override
  public void checkTraining(Training training) {
    GameFitChecks.refuseLikelihoodOptions(training, model.spec().modelName(), "a game of several players",
        "a game has no validation objective", "a game feeds");
  }

  @Override
  public DataPath dataPath(Training training, long bytes) {
    return DataPath.FED;
  }

  @Override
  public void checkResumable(Properties p, Path checkpoint, List<String> differences) throws IOException {
    GameFitChecks.checkDiscriminatorSteps(p, checkpoint, DISCRIMINATOR_STEPS, discriminatorSteps, "game",
        "a game", differences);
    try {
      resumedGenerator = Double.parseDouble(p.getProperty(LAST_GENERATOR_LOSS, "NaN"));
      resumedClassifier = Double.parseDouble(p.getProperty(LAST_CLASSIFIER_LOSS, "NaN"));
    } catch (NumberFormatException e) {
      throw new IOException(checkpoint.toAbsolutePath() + ": a damaged last loss", e);
    }
  }

  @Override
  public void restore(Path checkpoint, Properties p, long step) throws IOException {
    model.restoreForResume(checkpoint, p);
    model.setLastLosses(resumedGenerator, resumedClassifier);
  }

  @Override
  public void begin(Dataset data, DataPath path) {
    // Every batch is fed.
  }

  @Override
  public StepOutcome step(EpochBatches batches, StepFeeds feeds, long step) {
    Batch batch = batches.batch();
    Map<String, TFloat32> extra = new LinkedHashMap<>();
    try {
      for (int d = 1; d < domains.size(); d++) {
        extra.putAll(rowsOf(d, step, batch.size()));
      }
      String[] first = columns.get(0);
      double discriminator = model.discriminatorUpdate(batch, first, extra, feeds);
      boolean turn = Double.isFinite(discriminator) && step % discriminatorSteps == 0;
      double generator = turn ? model.generatorUpdate(batch, first, extra, feeds) : model.lastGeneratorLoss();
      double classifier = turn ? model.classifierUpdate(batch, first, extra, feeds) : model.lastClassifierLoss();
      return new StepOutcome() {
        @Override
        public double objective() {
          return discriminator;
        }

        @Override
        public Divergence divergence() {
          if (!Double.isFinite(discriminator)) {
            return diverged("discriminator", discriminator);
          }
          if (turn && !Double.isFinite(generator)) {
            return diverged("generator", generator);
          }
          return turn && model.spec().classifier().isPresent() && !Double.isFinite(classifier)
              ? diverged("classifier", classifier) : null;
        }

        @Override
        public Map<String, Double> scalars() {
          Map<String, Double> values = new LinkedHashMap<>();
          values.put("train/discriminator_loss", discriminator);
          if (!Double.isNaN(generator)) {
            values.put("train/generator_loss", generator);
          }
          if (!Double.isNaN(classifier)) {
            values.put("train/classifier_loss", classifier);
          }
          return values;
        }
      };
    } finally {
      extra.values().forEach(TFloat32::close);
    }
  }

  /**
   * The rows of other data set {@code d} for loop step {@code step} (from 1): positions
   * {@code (step - 1) * size} onwards of an endless stream that walks the data set in a fresh
   * shuffled order per pass, each order seeded by the model's seed and the pass number.
   */
  private Map<String, TFloat32> rowsOf(int d, long step, int size) {
    Dataset domain = domains.get(d);
    int n = domain.size();
    Map<String, float[]> values = new LinkedHashMap<>();
    for (String column : columns.get(d)) {
      values.put(column, new float[size * domain.width(column)]);
    }
    long start = (step - 1) * size;
    for (int r = 0; r < size; r++) {
      long position = start + r;
      int row = order(d, position / n)[(int) (position % n)];
      for (String column : columns.get(d)) {
        int width = domain.width(column);
        System.arraycopy(domain.flat(column), row * width, values.get(column), r * width, width);
      }
    }
    Map<String, TFloat32> out = new LinkedHashMap<>();
    values.forEach((column, flat) -> out.put(column, TFloat32.tensorOf(Shape.of(size, domain.width(column)),
        DataBuffers.of(flat, true, false))));
    return out;
  }

  private int[] order(int d, long pass) {
    if (passes.containsKey(d) && passes.get(d) == pass) {
      return orders.get(d);
    }
    int n = domains.get(d).size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random random = new Random(model.seed().derive("unpaired/" + d + "/" + pass).value());
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    orders.put(d, order);
    passes.put(d, pass);
    return order;
  }

  private StepOutcome.Divergence diverged(String player, double loss) {
    return new StepOutcome.Divergence(player + "_loss", "the " + player + "'s loss is " + loss
        + "; lower the learning rate or check the data for NaN or extreme values");
  }

  @Override
  public double validationObjective(Dataset validation) {
    throw new IllegalStateException(model.spec().modelName() + " is a game: it has no validation objective");
  }

  @Override
  public Map<String, ImageGrid.Pixels> sampleImages() {
    return Map.of();
  }

  @Override
  public Map<String, String> settings() {
    dev.helmholtz.train.ThreadSettings t = model.threadSettings();
    return Map.of("threads", t.intraOp() + "," + t.interOp());
  }

  @Override
  public Properties checkpointProperties(Properties position) {
    position.setProperty(DISCRIMINATOR_STEPS, Integer.toString(discriminatorSteps));
    position.setProperty(LAST_GENERATOR_LOSS, Double.toString(model.lastGeneratorLoss()));
    position.setProperty(LAST_CLASSIFIER_LOSS, Double.toString(model.lastClassifierLoss()));
    return model.checkpointProperties(position);
  }

  @Override
  public void writeVariables(Path prefix) throws IOException {
    model.writeVariables(prefix);
  }
}
