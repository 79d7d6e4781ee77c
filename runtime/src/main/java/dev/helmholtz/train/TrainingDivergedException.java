package dev.helmholtz.train;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The objective, one of its terms, or a gradient became NaN or infinite during training. The
 * message names the step and the quantity; checkpoints written before are kept as they were.
 */
public final class TrainingDivergedException extends RuntimeException {
  private final long step;
  private final String quantity;
  private final Path lastCheckpoint;

  public TrainingDivergedException(String message, long step) {
    this(message, step, null, null);
  }

  /**
   * @param quantity what was not finite: a term of the objective ({@code "log_likelihood/x"}),
   *     {@code "objective"}, or a gradient ({@code "gradient/decode/dense_0/kernel"})
   * @param lastCheckpoint the last good checkpoint, or {@code null}
   */
  public TrainingDivergedException(String message, long step, String quantity, Path lastCheckpoint) {
    super(message);
    this.step = step;
    this.quantity = quantity;
    this.lastCheckpoint = lastCheckpoint;
  }

  /** The training step (counted from 1) whose objective or gradient was not finite. */
  public long step() {
    return step;
  }

  /** What was not finite (see the constructor), when known. */
  public Optional<String> quantity() {
    return Optional.ofNullable(quantity);
  }

  /** The last checkpoint written before the divergence, if any: resume from it. */
  public Optional<Path> lastCheckpoint() {
    return Optional.ofNullable(lastCheckpoint);
  }
}
