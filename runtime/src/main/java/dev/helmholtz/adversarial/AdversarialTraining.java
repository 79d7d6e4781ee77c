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
import dev.helmholtz.train.TrainingLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * An adversarial model as {@link TrainingLoop} trains it, for one {@code fit} call (a
 * moment-matching model, which has no discriminator: a step is one generator update): a step is one
 * discriminator update, and every {@code discriminatorSteps}-th of them, counted over the whole
 * run, is followed by a generator update on the same batch's labels; so a resumed run (same data,
 * batch size, seed and discriminator steps) repeats the uninterrupted run's updates exactly. The
 * objective the loop reports is the discriminator's loss.
 */
final class AdversarialTraining implements TrainableModel {
  /** Checkpoint property: discriminator updates per generator update of the run that wrote it. */
  static final String DISCRIMINATOR_STEPS = "adversarial.discriminatorSteps";
  /** Checkpoint property: the generator's last loss, as a hexadecimal double. */
  static final String LAST_GENERATOR_LOSS = "adversarial.lastGeneratorLoss";

  private final AdversarialModel model;
  private final String[] columns;
  private final int discriminatorSteps;
  /** The generator's last loss in the checkpoint to resume from, read before the model changes. */
  private double resumedGeneratorLoss = Double.NaN;

  AdversarialTraining(AdversarialModel model, String[] columns, int discriminatorSteps) {
    this.model = model;
    this.columns = columns;
    this.discriminatorSteps = discriminatorSteps;
  }

  @Override
  public Description description() {
    AdversarialSpec spec = model.spec();
    if (!spec.hasDiscriminator()) {
      return new Description(spec.modelName(), "generator step", "generator MMD^2", "epoch/generator_mmd2",
          model.seed(), model.hyperparameterInputs(), columns);
    }
    return new Description(spec.modelName(), "discriminator step", "discriminator " + spec.loss() + " loss",
        "epoch/discriminator_loss", model.seed(), model.hyperparameterInputs(), columns);
  }

  /** Options of {@link Training} that only the likelihood-based models' fit has: a clear error, not silence. */
  @Override
  public void checkTraining(Training training) {
    GameFitChecks.refuseLikelihoodOptions(training, model.spec().modelName(), "an adversarial model",
        "an adversarial game has no validation objective", "adversarial models feed");
  }

  @Override
  public DataPath dataPath(Training training, long bytes) {
    return DataPath.FED;
  }

  @Override
  public void checkResumable(Properties p, Path checkpoint, List<String> differences) throws IOException {
    GameFitChecks.checkDiscriminatorSteps(p, checkpoint, DISCRIMINATOR_STEPS, discriminatorSteps, "adversarial",
        "an adversarial model", differences);
    if (!differences.isEmpty()) {
      return;
    }
    String loss = p.getProperty(LAST_GENERATOR_LOSS);
    try {
      resumedGeneratorLoss = loss == null ? Double.NaN : Double.parseDouble(loss);
    } catch (NumberFormatException e) {
      throw new IOException(checkpoint.toAbsolutePath() + ": damaged value of " + LAST_GENERATOR_LOSS
          + " (" + loss + ")", e);
    }
  }

  @Override
  public void restore(Path checkpoint, Properties p, long step) throws IOException {
    model.restoreForResume(checkpoint, p);
    model.setLastGeneratorLoss(resumedGeneratorLoss);
  }

  @Override
  public void begin(Dataset data, DataPath path) {
    // Every batch is fed: nothing to upload.
  }

  @Override
  public StepOutcome step(EpochBatches batches, StepFeeds feeds, long step) {
    Batch batch = batches.batch();
    if (!model.hasDiscriminator()) {
      return momentMatchingStep(batch, feeds);
    }
    // The adversarial autoencoder's reconstruction phase comes first on each batch (Makhzani et
    // al.: reconstruction, then regularization: the discriminator's update, then the encoder's).
    double reconstruction = model.hasReconstruction() ? model.reconstructionUpdate(batch, columns, feeds) : Double.NaN;
    if (model.hasReconstruction() && !Double.isFinite(reconstruction)) {
      return reconstructionDiverged(reconstruction);
    }
    double discriminator = model.discriminatorUpdate(batch, columns, feeds);
    // A diverged discriminator stops the run before the generator learns from it.
    boolean generatorTurn = Double.isFinite(discriminator) && model.hasGenerator() && step % discriminatorSteps == 0;
    double generator = generatorTurn ? model.generatorUpdate(batch, columns, feeds) : model.lastGeneratorLoss();
    return new StepOutcome() {
      @Override
      public double objective() {
        return discriminator;
      }

      @Override
      public Divergence divergence() {
        return !Double.isFinite(discriminator) ? diverged("discriminator", discriminator)
            : generatorTurn && !Double.isFinite(generator) ? diverged("generator", generator) : null;
      }

      @Override
      public Map<String, Double> scalars() {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("train/discriminator_loss", discriminator);
        if (!Double.isNaN(generator)) {
          values.put("train/generator_loss", generator);
        }
        if (!Double.isNaN(reconstruction)) {
          values.put("train/reconstruction_loss", reconstruction);
        }
        return values;
      }
    };
  }

  private static StepOutcome reconstructionDiverged(double loss) {
    return new StepOutcome() {
      @Override
      public double objective() {
        return loss;
      }

      @Override
      public Divergence divergence() {
        return new StepOutcome.Divergence("reconstruction_loss", "the autoencoder's reconstruction loss is " + loss
            + "; lower the learning rate or check the data for NaN or extreme values");
      }

      @Override
      public Map<String, Double> scalars() {
        return Map.of("train/reconstruction_loss", loss);
      }
    };
  }

  /** A moment-matching model's step: one generator update on the kernel two-sample loss. */
  private StepOutcome momentMatchingStep(Batch batch, StepFeeds feeds) {
    double mmd = model.generatorUpdate(batch, columns, feeds);
    return new StepOutcome() {
      @Override
      public double objective() {
        return mmd;
      }

      @Override
      public Divergence divergence() {
        return Double.isFinite(mmd) ? null : new StepOutcome.Divergence("generator_mmd2", "the generator's MMD^2 is "
            + mmd + "; lower the learning rate or check the data for NaN or extreme values");
      }

      @Override
      public Map<String, Double> scalars() {
        return Map.of("train/generator_mmd2", mmd);
      }
    };
  }

  private StepOutcome.Divergence diverged(String player, double loss) {
    return new StepOutcome.Divergence(player + "_loss", "the " + player + "'s " + model.spec().loss() + " loss is "
        + loss + "; lower the learning rate or check the data for NaN or extreme values");
  }

  /** Never asked: {@link #checkTraining} refuses validation data. */
  @Override
  public double validationObjective(Dataset validation) {
    throw new IllegalStateException(model.spec().modelName() + " is an adversarial model: a game has no"
        + " validation objective");
  }

  /** None: drawing them would move the generator's random stream, and so the run's updates. */
  @Override
  public Map<String, ImageGrid.Pixels> sampleImages() {
    return Map.of();
  }

  @Override
  public Map<String, String> settings() {
    dev.helmholtz.train.ThreadSettings t = model.threadSettings();
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("threads", t.intraOp() + "," + t.interOp());
    return settings;
  }

  @Override
  public Properties checkpointProperties(Properties position) {
    position.setProperty(DISCRIMINATOR_STEPS, Integer.toString(discriminatorSteps));
    position.setProperty(LAST_GENERATOR_LOSS, Double.toHexString(model.lastGeneratorLoss()));
    return model.checkpointProperties(position);
  }

  @Override
  public void writeVariables(Path prefix) throws IOException {
    model.writeVariables(prefix);
  }
}
