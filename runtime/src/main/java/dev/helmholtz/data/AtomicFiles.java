package dev.helmholtz.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/** Writing a file so that readers see either the old contents or the new, never half of it. */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Something that writes a whole file to a stream. */
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /**
   * Writes through a temporary file in the target's directory, then moves it over the target
   * (atomically where the file system can). If anything fails, the temporary file is removed
   * and an existing target is untouched.
   *
   * @throws NoSuchFileException naming the parent directory if it does not exist
   */
  public static void write(Path file, Writer writer) throws IOException {
    Path tmp = createSibling(file);
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        writer.write(out);
      }
      moveIntoPlace(tmp, file);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Creates an empty, hidden temporary file beside {@code file}. Unlike
   * {@link Files#createTempFile}, it gets the default permissions (the umask's), not owner-only,
   * so the file moved into place is readable as any other file the user writes.
   */
  static Path createSibling(Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path parent = absolute.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new NoSuchFileException(String.valueOf(parent), null,
          "directory does not exist, so " + absolute.getFileName() + " cannot be written there");
    }
    for (int attempt = 0; ; attempt++) {
      long tag = ThreadLocalRandom.current().nextLong() >>> 1;
      Path tmp = parent.resolve("." + absolute.getFileName() + "." + Long.toString(tag, 36) + ".tmp");
      try {
        return Files.createFile(tmp);
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 100) {
          throw e;
        }
      }
    }
  }

  /** Moves {@code tmp} over {@code target}, atomically where the file system can. */
  static void moveIntoPlace(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
