package dev.helmholtz.train;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of one training run in one root directory: {@code step-<step>} directories
 * written atomically ({@link Checkpoints#write}), of which the newest {@code keep} are kept.
 */
public final class CheckpointManager {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointManager.class);

  private final Path root;
  private final int keep;
  private Path last;

  private CheckpointManager(Path root, int keep) {
    this.root = root;
    this.keep = keep;
  }

  /**
   * Opens (creating it if absent) a checkpoint root, checks that files can be written there, and
   * removes leftovers of interrupted writes.
   *
   * @param keep how many checkpoints to keep, &ge; 1
   * @throws IOException with a message naming the directory when it cannot be created or written
   */
  public static CheckpointManager open(Path root, int keep) throws IOException {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be >= 1 checkpoint, was " + keep);
    }
    Path absolute = root.toAbsolutePath().normalize();
    try {
      Files.createDirectories(absolute);
    } catch (FileSystemException e) {
      throw new NotDirectoryException(absolute + ": cannot create the checkpoint directory ("
          + describe(e) + ")");
    }
    if (!Files.isDirectory(absolute)) {
      throw new NotDirectoryException(absolute + ": the checkpoint directory is a file");
    }
    Path probe = absolute.resolve(".write-probe-" + ProcessHandle.current().pid());
    try {
      Files.deleteIfExists(probe);
      Files.createFile(probe);
      Files.delete(probe);
    } catch (FileSystemException e) {
      AccessDeniedException clear = new AccessDeniedException(absolute.toString(), null,
          "the checkpoint directory is not writable (" + describe(e) + ")");
      clear.initCause(e);
      throw clear;
    }
    Checkpoints.removeTemporaries(absolute);
    CheckpointManager manager = new CheckpointManager(absolute, keep);
    manager.last = Checkpoints.latest(absolute).orElse(null);
    return manager;
  }

  private static String describe(FileSystemException e) {
    String reason = e.getReason();
    String kind = e instanceof AccessDeniedException ? "permission denied"
        : e instanceof NoSuchFileException ? "a parent does not exist"
        : e instanceof java.nio.file.FileAlreadyExistsException ? "a file of that name is in the way"
        : reason != null ? reason : e.getClass().getSimpleName();
    return e.getFile() == null || e.getFile().equals(e.getMessage()) ? kind : kind + ": " + e.getFile();
  }

  public Path root() {
    return root;
  }

  public int keep() {
    return keep;
  }

  /** The newest checkpoint in the root (written by this manager or found when it was opened). */
  public Optional<Path> last() {
    return Optional.ofNullable(last);
  }

  /**
   * Writes the checkpoint of {@code step}, then removes all but the newest {@link #keep()}. If a
   * complete checkpoint of this step is already there it is kept as it is (the same step of the
   * same run has the same state) and returned.
   */
  public Path save(long step, Properties properties, Checkpoints.VariableWriter variables)
      throws IOException {
    Path target = root.resolve(Checkpoints.name(step));
    if (Checkpoints.isCheckpoint(target)) {
      LOG.debug("checkpoint {} exists; not rewritten", target);
    } else {
      Checkpoints.write(target, properties, variables);
      LOG.debug("wrote checkpoint {}", target);
    }
    last = target;
    prune(target);
    return target;
  }

  /**
   * Moves the checkpoints with a step above {@code step} (all of them for {@code -1}) into a new
   * subdirectory {@code previous-<time>} of the root, so a run that starts afresh, or resumes
   * from an earlier step, never mixes its checkpoints with another run's and nothing is deleted.
   *
   * @return the subdirectory, if anything was moved
   */
  public Optional<Path> archiveAfter(long step) throws IOException {
    List<Path> later = new java.util.ArrayList<>();
    for (Path p : Checkpoints.list(root)) {
      if (Checkpoints.step(p) > step) {
        later.add(p);
      }
    }
    if (later.isEmpty()) {
      return Optional.empty();
    }
    String time = java.time.LocalDateTime.now().withNano(0).toString().replace(':', '-');
    Path archive = root.resolve("previous-" + time);
    for (int i = 2; Files.exists(archive); i++) {
      archive = root.resolve("previous-" + time + "-" + i);
    }
    Files.createDirectory(archive);
    for (Path p : later) {
      Files.move(p, archive.resolve(p.getFileName()), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    LOG.warn("moved {} checkpoint{} of another run (up to {}) from {} to {}", later.size(),
        later.size() == 1 ? "" : "s", later.get(later.size() - 1).getFileName(), root, archive);
    last = Checkpoints.latest(root).orElse(null);
    return Optional.of(archive);
  }

  private void prune(Path justWritten) throws IOException {
    List<Path> all = Checkpoints.list(root);
    for (int i = 0; i < all.size() - keep; i++) {
      Path old = all.get(i);
      if (!old.equals(justWritten)) {
        Checkpoints.deleteRecursively(old);
        LOG.debug("removed old checkpoint {}", old);
      }
    }
  }

  @Override
  public String toString() {
    return "CheckpointManager[" + root + ", keep " + keep + "]";
  }
}
