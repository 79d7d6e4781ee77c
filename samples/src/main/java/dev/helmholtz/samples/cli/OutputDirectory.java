package dev.helmholtz.samples.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Creating a command's output directory, with a message that names the option and the path, and
 * claiming it for one run.
 */
final class OutputDirectory {
  private OutputDirectory() {}

  /**
   * Creates {@code directory} if absent and locks it for this run (see {@link OutputLock}): a second
   * run on the same directory is refused with an {@link IOException} before it changes anything.
   */
  static OutputLock createLocked(Path directory, String option) throws IOException {
    create(directory, option);
    return OutputLock.acquire(directory, option);
  }

  /** Creates {@code directory} and its parents if absent. */
  static void create(Path directory, String option) throws IOException {
    Path absolute = directory.toAbsolutePath().normalize();
    try {
      Files.createDirectories(absolute);
    } catch (FileSystemException e) {
      String where = option + " " + directory + ": cannot create the directory: ";
      for (Path p = absolute; p != null; p = p.getParent()) {
        if (Files.exists(p) && !Files.isDirectory(p)) {
          throw new NotDirectoryException(where + p + " is a file");
        }
      }
      if (e instanceof AccessDeniedException) {
        throw new AccessDeniedException(where + "permission denied for " + e.getFile());
      }
      throw new FileSystemException(where + (e.getReason() != null ? e.getReason() : UserMessages.fileProblem(e)));
    }
  }
}
