package dev.helmholtz.samples.cli;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --export DIR}: the trained model as a TensorFlow SavedModel (a picocli mixin). */
public final class ExportOptions {
  @Option(names = "--export", paramLabel = "DIR",
      description = "Export the trained model as a TensorFlow SavedModel into DIR, a new directory"
          + " (TensorFlow Serving's conventions; docs/training.md lists the signatures).")
  Path directory;

  boolean requested() {
    return directory != null;
  }

  /** Fails before any training when the directory exists: an export never overwrites. */
  void requireNew() throws FileAlreadyExistsException {
    if (directory != null && Files.exists(directory)) {
      throw new FileAlreadyExistsException(directory.toAbsolutePath().toString(), null,
          "--export: the directory exists; choose a new one (nothing is overwritten)");
    }
  }
}
