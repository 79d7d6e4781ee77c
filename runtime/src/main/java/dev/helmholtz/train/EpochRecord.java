package dev.helmholtz.train;

/**
 * One finished epoch of training, as kept in {@link TrainingSummary#history()}, in checkpoints
 * (so a resumed run's history is whole) and in the training-curves plot.
 *
 * @param epoch the epoch, from 1
 * @param step the global step at its end
 * @param trainObjective mean training objective over its batches (higher is better)
 * @param validationObjective objective on the validation data after it, {@code NaN} without
 *     validation data
 * @param learningRate the learning rate of its last step
 * @param seconds its wall-clock time, validation excluded
 */
public record EpochRecord(
    int epoch,
    long step,
    double trainObjective,
    double validationObjective,
    double learningRate,
    double seconds) {

  /** Whether this epoch was validated. */
  public boolean validated() {
    return !Double.isNaN(validationObjective);
  }
}
