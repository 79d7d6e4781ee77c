package dev.helmholtz.train;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A checkpoint could not be written during training (disk full, directory removed, ...). Training
 * stops; the checkpoints written before are intact, as the message says.
 */
public final class CheckpointFailedException extends UncheckedIOException {
  private final long step;

  public CheckpointFailedException(String message, long step, IOException cause) {
    super(message, cause);
    this.step = step;
  }

  /** The step whose state could not be saved. */
  public long step() {
    return step;
  }
}
