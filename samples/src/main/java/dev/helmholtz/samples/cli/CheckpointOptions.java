package dev.helmholtz.samples.cli;

import dev.helmholtz.train.Checkpoints;
import dev.helmholtz.train.Training;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  /**
   * For a command that trains several models in turn (the stages, such as a deep belief net's
   * layers): stage {@code stage}'s checkpoints go to {@code DIR/stage}, and with {@code --resume}
   * (the latest, or a checkpoint directory given as the root the stages' directories are in) a
   * stage resumes from its own latest checkpoint when it has one, and trains from the start when
   * the interrupted run had not reached it.
   */
  Training applyStage(Training base, Path output, String stage) throws IOException {
    Path dir = directory(output).resolve(stage);
    Training t = base.checkpoints(dir).checkpointEvery(every).keepCheckpoints(keep);
    if (resume != null) {
      Path from = resumeRoot(output).resolve(stage);
      if (Files.isDirectory(from) && !Checkpoints.list(from).isEmpty()) {
        t = t.resumeFrom(from);
      }
    }
    return t;
  }

  /**
   * With {@code --resume}, refuses a run none of whose {@code stages} has a checkpoint to resume
   * from (an IllegalArgumentException naming the directory), before anything trains.
   */
  void requireSomethingToResume(Path output, List<String> stages) throws IOException {
    if (resume == null) {
      return;
    }
    Path root = resumeRoot(output);
    for (String stage : stages) {
      Path from = root.resolve(stage);
      if (Files.isDirectory(from) && !Checkpoints.list(from).isEmpty()) {
        return;
      }
    }
    throw new IllegalArgumentException("--resume: no checkpoint under " + root.toAbsolutePath() + " (this command"
        + " keeps one directory per stage: " + String.join(", ", stages) + ")");
  }

  private Path resumeRoot(Path output) {
    return resume.equals(LATEST) ? directory(output) : Path.of(resume);
  }
}
