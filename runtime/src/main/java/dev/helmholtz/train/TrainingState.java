package dev.helmholtz.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Where a training run is, between two steps: everything besides the graph variables that a
 * resumed run needs to continue exactly as the uninterrupted run would (the graph variables hold
 * the weights, the optimizer's slots and every random stream's position). Doubles are stored as
 * hexadecimal literals, so they round-trip bit for bit.
 *
 * <p>The position is canonical: {@code epoch} is the epoch of the next step and {@code
 * batchesDone} the batches of it already run; a finished epoch (its validation done and
 * recorded) has moved on to the next with {@code batchesDone = 0}.
 */
final class TrainingState {
  static final String PREFIX = "training.";

  long step;
  int epoch = 1;
  int batchesDone;
  /** Sum of batch objective times batch size over the batches done in {@link #epoch}. */
  double epochSum;
  long epochExamples;
  /** Training time spent in {@link #epoch} so far. */
  double epochSeconds;
  long examples;
  double bestValidation = Double.NaN;
  int bestEpoch;
  int epochsWithoutImprovement;
  final List<EpochRecord> history = new ArrayList<>();

  // What the run was configured with; a resumed run must agree.
  int batchSize;
  long seed;
  int dataSize;
  DataPath dataPath;

  void startEpoch(int next) {
    epoch = next;
    batchesDone = 0;
    epochSum = 0;
    epochExamples = 0;
    epochSeconds = 0;
  }

  Properties toProperties() {
    Properties p = new Properties();
    put(p, "step", step);
    put(p, "epoch", epoch);
    put(p, "batchesDone", batchesDone);
    p.setProperty(PREFIX + "epochSum", Double.toHexString(epochSum));
    put(p, "epochExamples", epochExamples);
    p.setProperty(PREFIX + "epochSeconds", Double.toHexString(epochSeconds));
    put(p, "examples", examples);
    p.setProperty(PREFIX + "bestValidation", Double.toHexString(bestValidation));
    put(p, "bestEpoch", bestEpoch);
    put(p, "epochsWithoutImprovement", epochsWithoutImprovement);
    put(p, "batchSize", batchSize);
    put(p, "seed", seed);
    put(p, "dataSize", dataSize);
    p.setProperty(PREFIX + "dataPath", dataPath.name());
    put(p, "history.size", history.size());
    for (int i = 0; i < history.size(); i++) {
      EpochRecord r = history.get(i);
      p.setProperty(PREFIX + "history." + i, r.epoch() + "," + r.step() + ","
          + Double.toHexString(r.trainObjective()) + "," + Double.toHexString(r.validationObjective())
          + "," + Double.toHexString(r.learningRate()) + "," + Double.toHexString(r.seconds()));
    }
    return p;
  }

  private static void put(Properties p, String key, long value) {
    p.setProperty(PREFIX + key, Long.toString(value));
  }

  /**
   * Reads the state written by {@link #toProperties()}.
   *
   * @throws IOException naming the checkpoint and the key when the checkpoint was not written by
   *     {@code fit} or a value is damaged
   */
  static TrainingState fromProperties(Properties p, Path checkpoint) throws IOException {
    Reader r = new Reader(p, checkpoint);
    if (p.getProperty(PREFIX + "step") == null) {
      throw new IOException(checkpoint.toAbsolutePath() + " holds no training state (it was written by"
          + " saveCheckpoint, not by fit): restore it with restoreCheckpoint instead of resuming from it");
    }
    TrainingState s = new TrainingState();
    s.step = r.longValue("step");
    s.epoch = (int) r.longValue("epoch");
    s.batchesDone = (int) r.longValue("batchesDone");
    s.epochSum = r.doubleValue("epochSum");
    s.epochExamples = r.longValue("epochExamples");
    s.epochSeconds = r.doubleValue("epochSeconds");
    s.examples = r.longValue("examples");
    s.bestValidation = r.doubleValue("bestValidation");
    s.bestEpoch = (int) r.longValue("bestEpoch");
    s.epochsWithoutImprovement = (int) r.longValue("epochsWithoutImprovement");
    s.batchSize = (int) r.longValue("batchSize");
    s.seed = r.longValue("seed");
    s.dataSize = (int) r.longValue("dataSize");
    try {
      s.dataPath = DataPath.valueOf(r.string("dataPath"));
    } catch (IllegalArgumentException e) {
      throw r.damaged("dataPath", e);
    }
    int n = (int) r.longValue("history.size");
    for (int i = 0; i < n; i++) {
      String key = "history." + i;
      String[] f = r.string(key).split(",");
      try {
        if (f.length != 6) {
          throw new NumberFormatException("expected 6 comma-separated fields, found " + f.length);
        }
        s.history.add(new EpochRecord(Integer.parseInt(f[0]), Long.parseLong(f[1]),
            Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]),
            Double.parseDouble(f[5])));
      } catch (NumberFormatException e) {
        throw r.damaged(key, e);
      }
    }
    if (s.step < 0 || s.epoch < 1 || s.batchesDone < 0 || s.batchSize < 1 || s.dataSize < 1) {
      throw new IOException(checkpoint.toAbsolutePath() + ": damaged training state (step " + s.step
          + ", epoch " + s.epoch + ", batches done " + s.batchesDone + ", batch size " + s.batchSize
          + ", data size " + s.dataSize + ")");
    }
    return s;
  }

  /**
   * Checks that a state read from {@code checkpoint} is one {@code fit} can have written: its step
   * is the one the directory's name says, its position lies inside an epoch of its data and batch
   * size, and its history has one record per finished epoch.
   *
   * @throws IOException naming the checkpoint's properties file and what is wrong in it
   */
  void checkConsistent(Path checkpoint) throws IOException {
    Path file = checkpoint.toAbsolutePath().resolve(Checkpoints.PROPERTIES_FILE);
    String name = checkpoint.getFileName() == null ? "" : checkpoint.getFileName().toString();
    List<String> wrong = new ArrayList<>();
    if (name.matches("step-\\d{10}") && Checkpoints.step(checkpoint) != step) {
      wrong.add(PREFIX + "step=" + step + ", but the directory is " + name);
    }
    long batches = (dataSize + (long) batchSize - 1) / batchSize;
    if (batchesDone >= batches) {
      wrong.add(PREFIX + "batchesDone=" + batchesDone + ", but an epoch of " + dataSize + " examples in batches of "
          + batchSize + " has " + batches + " batch" + (batches == 1 ? "" : "es"));
    } else if (epochExamples != (long) batchesDone * batchSize) {
      wrong.add(PREFIX + "epochExamples=" + epochExamples + ", but " + batchesDone + " batches of " + batchSize
          + " hold " + (long) batchesDone * batchSize);
    }
    if (history.size() != epoch - 1) {
      wrong.add(PREFIX + "epoch=" + epoch + ", but the history records " + history.size() + " finished epoch"
          + (history.size() == 1 ? "" : "s"));
    }
    if (step < (long) (epoch - 1) * batches + batchesDone || examples < epochExamples) {
      wrong.add(PREFIX + "step=" + step + " and " + PREFIX + "examples=" + examples + " are fewer than epoch "
          + epoch + ", batch " + batchesDone + " takes");
    }
    if (!wrong.isEmpty()) {
      throw new IOException(file + ": damaged checkpoint: " + String.join("; ", wrong));
    }
  }

  private record Reader(Properties p, Path checkpoint) {
    String string(String key) throws IOException {
      String v = p.getProperty(PREFIX + key);
      if (v == null) {
        throw new IOException(checkpoint.toAbsolutePath() + ": the checkpoint's training state lacks "
            + PREFIX + key + " (damaged or written by another version)");
      }
      return v;
    }

    long longValue(String key) throws IOException {
      try {
        return Long.parseLong(string(key));
      } catch (NumberFormatException e) {
        throw damaged(key, e);
      }
    }

    double doubleValue(String key) throws IOException {
      try {
        return Double.parseDouble(string(key));
      } catch (NumberFormatException e) {
        throw damaged(key, e);
      }
    }

    IOException damaged(String key, Exception e) {
      return new IOException(checkpoint.toAbsolutePath() + ": damaged value of " + PREFIX + key + " ("
          + e.getMessage() + ")", e);
    }
  }
}
