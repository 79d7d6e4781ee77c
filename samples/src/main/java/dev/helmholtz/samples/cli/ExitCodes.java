package dev.helmholtz.samples.cli;

import dev.helmholtz.train.CheckpointFailedException;
import dev.helmholtz.train.TrainingDivergedException;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The command line's exit codes, the same for every command. */
final class ExitCodes {
  /** Done. */
  static final int OK = 0;
  /** Training failed: it diverged (NaN or infinity), or a checkpoint could not be written mid-run. */
  static final int TRAINING_FAILED = 1;
  /** Bad input: a usage error, a missing or malformed data file, an unusable path. */
  static final int BAD_INPUT = 2;
  /** Interrupted by SIGINT or SIGTERM: the step finished and a checkpoint was written. */
  static final int INTERRUPTED = 130;

  // The exit-code section of every command's --help (annotation values must be constants).
  static final String HEADING = "%nExit codes:%n";
  static final String HELP_OK = "0:Done.";
  static final String HELP_FAILED =
      "1:Training failed (diverged: NaN or infinity; or a checkpoint could not be written).";
  static final String HELP_BAD_INPUT = "2:Bad input: usage, missing or malformed data files, unusable paths.";
  static final String HELP_INTERRUPTED =
      "130:Interrupted by SIGINT or SIGTERM; the last step finished and a checkpoint was written.";

  private ExitCodes() {}

  /** The exit code of a command that threw {@code e}. */
  static int of(Throwable e) {
    if (e instanceof TrainingDivergedException || e instanceof CheckpointFailedException) {
      return TRAINING_FAILED;
    }
    if (e instanceof IOException || e instanceof UncheckedIOException || e instanceof IllegalArgumentException) {
      return BAD_INPUT;
    }
    return TRAINING_FAILED;
  }
}
