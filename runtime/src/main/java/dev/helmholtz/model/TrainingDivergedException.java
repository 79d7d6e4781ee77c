package dev.helmholtz.model;

/** The objective or one of its terms became NaN or infinite during training. */
public final class TrainingDivergedException extends RuntimeException {
  private final long step;

  public TrainingDivergedException(String message, long step) {
    super(message);
    this.step = step;
  }

  /** The training step (counted from 1) whose objective was not finite. */
  public long step() {
    return step;
  }
}
