package dev.helmholtz.adversarial;

import dev.helmholtz.train.DataPath;
import dev.helmholtz.train.Training;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What the fit of a two-player game ({@link AdversarialTraining}) and of a game of several players
 * ({@link GameTraining}) check alike: the {@link Training} options only likelihood-based models
 * have, and the discriminator steps a checkpoint was written with.
 */
final class GameFitChecks {
  private GameFitChecks() {}

  /**
   * Refuses validation data, early stopping, gradient clipping and the resident data path, naming
   * each: "{@code modelName} is {@code isWhat}; its fit does not support ...".
   *
   * @param noValidation why there is no validation objective, in the message's parentheses
   * @param feedsBatches who feeds each batch ("adversarial models feed"), in the resident path's parentheses
   */
  static void refuseLikelihoodOptions(Training training, String modelName, String isWhat, String noValidation,
      String feedsBatches) {
    List<String> unsupported = new ArrayList<>();
    if (training.validation() != null) {
      unsupported.add("validation data (" + noValidation + ")");
    }
    if (training.earlyStopping() != null) {
      unsupported.add("earlyStopping");
    }
    if (training.clipGradientNorm() > 0) {
      unsupported.add("clipGradientNorm");
    }
    if (training.dataPath() == DataPath.RESIDENT) {
      unsupported.add("dataPath(RESIDENT) (" + feedsBatches + " each batch: use FED or AUTO)");
    }
    if (!unsupported.isEmpty()) {
      throw new IllegalArgumentException(modelName + " is " + isWhat + "; its fit does not support "
          + String.join(", ", unsupported));
    }
  }

  /**
   * The checkpoint's discriminator steps per generator step: missing, it was not written by such a
   * fit ({@code state} and {@code writer} name the kind); different, a difference to report.
   */
  static void checkDiscriminatorSteps(Properties p, Path checkpoint, String key, int steps, String state,
      String writer, List<String> differences) throws IOException {
    String written = p.getProperty(key);
    if (written == null) {
      throw new IOException(checkpoint.toAbsolutePath() + " holds no " + state + " training state (" + key
          + " is missing): it was not written by " + writer + "'s fit");
    }
    if (!written.equals(Integer.toString(steps))) {
      differences.add(written + " discriminator steps per generator step (this run: " + steps + ")");
    }
  }
}
