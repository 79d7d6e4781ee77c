package dev.helmholtz.train;

/**
 * Stop training when the validation objective (higher is better) has not improved for {@code
 * patience} epochs in a row: an epoch improves when its objective exceeds the best so far by more
 * than {@code minDelta}. Needs {@link Training#validation validation data}.
 *
 * @param patience epochs without improvement tolerated, &ge; 1
 * @param minDelta least gain that counts as an improvement, &ge; 0 (in nats for ELBO-type
 *     objectives)
 */
public record EarlyStopping(int patience, double minDelta) {

  public EarlyStopping {
    if (patience < 1) {
      throw new IllegalArgumentException("early stopping: patience must be >= 1 epoch, was " + patience);
    }
    if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
      throw new IllegalArgumentException(
          "early stopping: minDelta must be finite and >= 0, was " + minDelta);
    }
  }

  /** Patience with {@code minDelta = 0}: any gain counts. */
  public static EarlyStopping patience(int epochs) {
    return new EarlyStopping(epochs, 0);
  }

  /** Whether {@code value} improves on {@code best} ({@code NaN} when there is none yet). */
  public boolean improves(double value, double best) {
    return Double.isNaN(best) ? !Double.isNaN(value) : value > best + minDelta;
  }

  /** Whether training stops after this many epochs in a row without improvement. */
  public boolean exhausted(int epochsWithoutImprovement) {
    return epochsWithoutImprovement >= patience;
  }
}
