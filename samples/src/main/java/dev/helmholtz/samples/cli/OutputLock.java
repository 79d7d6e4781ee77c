package dev.helmholtz.samples.cli;

import dev.helmholtz.train.DirectoryLock;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An output directory's claim by one run: the runtime's {@link DirectoryLock} on {@value
 * #FILE_NAME} inside it, held until {@link #close()} or the process exits (the OS releases it
 * even on SIGKILL, so a killed run's lock file does not block the next run).
 */
final class OutputLock implements AutoCloseable {
  /** The lock file's name inside the output directory. */
  static final String FILE_NAME = DirectoryLock.FILE_NAME;

  private final DirectoryLock lock;

  private OutputLock(DirectoryLock lock) {
    this.lock = lock;
  }

  /**
   * Locks {@code directory} (which exists) for this run, or throws an {@link IOException} naming the
   * directory and the run that holds it; nothing in the directory changes when it is refused.
   */
  static OutputLock acquire(Path directory, String option) throws IOException {
    return new OutputLock(DirectoryLock.acquire(directory, option));
  }

  /** Releases the directory; the lock file stays, unlocked. */
  @Override
  public void close() throws IOException {
    lock.close();
  }
}
