package dev.helmholtz.samples.cli;

import dev.helmholtz.train.Training;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Checkpoint and resume options shared by the training commands. */
final class CheckpointOptions {
  /** The value of a bare {@code --resume}: the latest checkpoint in the checkpoint directory. */
  static final String LATEST = "latest";

  @Option(names = "--checkpoint-dir", paramLabel = "DIR",
      description = "Directory for checkpoints, created if absent (default: OUTPUT/checkpoints).")
  Path directory;

  @Option(names = "--checkpoint-every", defaultValue = "1000", paramLabel = "STEPS",
      description = "Steps between periodic checkpoints; 0 for only the final one. A checkpoint is"
          + " also written at the end and on SIGINT/SIGTERM (default: ${DEFAULT-VALUE}).")
  long every;

  @Option(names = "--keep", defaultValue = "3", paramLabel = "N",
      description = "Checkpoints to keep, newest first (default: ${DEFAULT-VALUE}).")
  int keep;

  @Option(names = "--resume", arity = "0..1", fallbackValue = LATEST, paramLabel = "CHECKPOINT",
      description = "Resume from a checkpoint directory, or alone for the latest in --checkpoint-dir."
          + " Use the same data and training options as the interrupted run.")
  String resume;

  Path directory(Path output) {
    return directory != null ? directory : output.resolve("checkpoints");
  }

  Training apply(Training base, Path output) {
    Path dir = directory(output);
    Training t = base.checkpoints(dir).checkpointEvery(every).keepCheckpoints(keep);
    if (resume != null) {
      t = t.resumeFrom(resume.equals(LATEST) ? dir : Path.of(resume));
    }
    return t;
  }
}
