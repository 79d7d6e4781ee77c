package dev.helmholtz.samples.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Map;

/**
 * An exception's message as a command's user reads it: in the words of the options they typed
 * (the runtime's {@code learningRate} is {@code --learning-rate}), and never a raw exception name
 * ({@code java.nio.file.NoSuchFileException: /proc/x} says what went wrong with the file instead).
 */
final class UserMessages {
  /** The runtime's parameter names (as its messages begin) and the option that sets each. */
  private static final Map<String, String> OPTIONS = Map.ofEntries(
      Map.entry("batchSize", "--batch-size"),
      Map.entry("learningRate", "--learning-rate"),
      Map.entry("clipGradientNorm", "--clip-norm"),
      Map.entry("checkpointEvery", "--checkpoint-every"),
      Map.entry("keepCheckpoints", "--keep"),
      Map.entry("keep", "--keep"),
      Map.entry("epochs", "--epochs"),
      Map.entry("maxSteps", "--steps"),
      Map.entry("tensorBoardEvery", "--tensorboard-every"),
      Map.entry("intraOp", "--threads INTRA"),
      Map.entry("interOp", "--threads INTER"),
      Map.entry("towers", "--threads TOWERS"),
      Map.entry("thread settings", "--threads"));

  private UserMessages() {}

  /** What to print after {@code error: } for {@code e}. */
  static String of(Throwable e) {
    if (e instanceof java.io.UncheckedIOException && e.getCause() != null
        && (e.getMessage() == null || e.getMessage().equals(e.getCause().toString()))) {
      return of(e.getCause());
    }
    // A raw file-system exception's message is only the path; the ones Helmholtz writes say more.
    if (e instanceof FileSystemException f && f.getReason() == null
        && (f.getMessage() == null || !f.getMessage().contains(": "))) {
      return (f.getMessage() == null ? "" : f.getMessage() + ": ") + fileProblem(f);
    }
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return "an internal error without a message (" + e.getClass().getSimpleName()
          + "); run with -Dhelmholtz.debug=true for the stack trace";
    }
    if (e instanceof IllegalArgumentException) {
      for (Map.Entry<String, String> option : OPTIONS.entrySet()) {
        if (message.startsWith(option.getKey() + " ")) {
          return option.getValue() + message.substring(option.getKey().length());
        }
      }
    }
    return message;
  }

  /** What went wrong with a file, in words, for a file-system exception that gives no reason. */
  static String fileProblem(FileSystemException f) {
    if (f instanceof NoSuchFileException) {
      return "no such file or directory, or the file system does not allow creating it there";
    }
    if (f instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (f instanceof FileAlreadyExistsException) {
      return "a file of that name is in the way";
    }
    if (f instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (f instanceof DirectoryNotEmptyException) {
      return "the directory is not empty";
    }
    return "the file system refused the operation";
  }
}
